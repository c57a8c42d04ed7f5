import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { outbox } from "../messages/chat-actions";
import { Icon } from "../ui/icons";
import { online } from "./network";

/** Says when the app is offline and how many messages wait in the outbox. */
export function OfflineBanner(): JSX.Element {
  const waiting = () => outbox.items().filter((item) => item.state !== "failed").length;
  return (
    <div role="status" class="offline-status">
      <Show when={!online()}>
        <p class="offline-banner">
          <Icon name="offline" />
          <span>{t("offline.banner")}</span>
          <Show when={waiting() > 0}>
            <span class="badge badge--pending">{t("offline.outbox", { count: waiting() })}</span>
          </Show>
        </p>
      </Show>
    </div>
  );
}
