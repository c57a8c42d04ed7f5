import type { CombinedError } from "@urql/core";
import { type JSX, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";

/** A card of the usage screens: a heading, tools (a toggle, a download), then a chart and its table. */
export function UsageCard(props: {
  id: string;
  title: string;
  /** h2 on a page of its own (My usage), h3 inside the administration's section. */
  level: 2 | 3;
  tools?: JSX.Element;
  /** Nothing to show yet: loading, or the period has no usage. */
  empty: boolean;
  fetching: boolean;
  error?: CombinedError;
  children: JSX.Element;
}): JSX.Element {
  return (
    <section class="card usage-card" aria-labelledby={`${props.id}-heading`}>
      <Dynamic component={`h${props.level}`} id={`${props.id}-heading`} class="card-header">
        {props.title}
      </Dynamic>
      <div class="card-body stack">
        <Show when={props.tools}>
          <div class="usage-tools">{props.tools}</div>
        </Show>
        <Show when={props.error}>
          {(error) => (
            <p class="alert" role="alert">
              {describeError(error())}
            </p>
          )}
        </Show>
        <Show
          when={!props.empty}
          fallback={
            <Show when={!props.error}>
              <p class="metadata">{props.fetching ? t("app.loading") : t("usage.noData")}</p>
            </Show>
          }
        >
          {props.children}
        </Show>
      </div>
    </section>
  );
}
