import { type JSX, Match, Show, Switch } from "solid-js";
import { budgetRefusalFrom, budgetRefusalText } from "../budgets/budget-state";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import type { OutboxItem } from "../offline/outbox";

/** Why a refused message was not sent; held (with its text) when a budget is used up. */
function refusalText(item: OutboxItem): string {
  const budget = budgetRefusalFrom(item.errorDetails);
  if (budget) return t("budgets.held", { reason: budgetRefusalText(budget) });
  return t("chat.sendFailed", { reason: describeCode(item.error ?? "UNKNOWN") });
}

/** A message still in the outbox. */
export function PendingBubble(props: {
  item: OutboxItem;
  onRetry: () => void;
  onDiscard: () => void;
}): JSX.Element {
  const imageCount = () => props.item.attachmentIds?.length ?? 0;
  return (
    <article
      class="message message--user message--pending"
      data-state={props.item.state}
      data-error={props.item.error}
    >
      <h3 class="visually-hidden">{t("chat.you")}</h3>
      <div class="message-body">
        <p class="plain-text">{props.item.content}</p>
      </div>
      <Show when={imageCount() > 0}>
        <p class="message-status metadata">
          {imageCount() === 1 ? t("chat.withImagesOne") : t("chat.withImagesMany", { count: imageCount() })}
        </p>
      </Show>
      <p class="message-status metadata">
        <Switch>
          <Match when={props.item.state === "pending"}>
            <span class="badge badge--pending">{t("chat.pending")}</span>
          </Match>
          <Match when={props.item.state === "sending"}>{t("chat.sending")}</Match>
          <Match when={props.item.state === "failed"}>
            <span role="alert">{refusalText(props.item)}</span>
            <button type="button" class="button button--small" onClick={() => props.onRetry()}>
              {t("common.retry")}
            </button>
            <button type="button" class="button button--small" onClick={() => props.onDiscard()}>
              {t("chat.discard")}
            </button>
          </Match>
        </Switch>
      </p>
    </article>
  );
}
