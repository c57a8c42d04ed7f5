import "./notifications.css";
import { createMutation, createQuery } from "@urql/solid";
import { createEffect, For, type JSX, on, Show } from "solid-js";
import { budgetName, resetShort } from "../budgets/budget-state";
import type { NotificationsQuery as NotificationsResult } from "../gql/graphql";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { formatCost, formatDateTime } from "../ui/format";
import { MarkNotificationsReadMutation, NotificationsQuery } from "./operations";

type Notification = NotificationsResult["notifications"][number];

/** "Your monthly budget (user anna) has reached 80 %: $0.008 of $0.01 spent." */
export function notificationText(notification: Notification): string {
  return t("notifications.threshold", {
    budget: budgetName({
      scope: notification.budgetScope ?? "ORGANIZATION",
      period: notification.budget?.period,
      targetName: notification.budgetTargetName ?? "",
    }),
    threshold: notification.threshold ?? 0,
    spent: formatCost(notification.spentUsd ?? 0),
    limit: formatCost(notification.limitUsd ?? 0),
  });
}

/** The newest notifications; those unread when it opened are marked read (and stay marked as new here). Lazy. */
export default function NotificationList(): JSX.Element {
  const [notifications] = createQuery({ query: NotificationsQuery, requestPolicy: "cache-and-network" });
  const [marked, markRead] = createMutation(MarkNotificationsReadMutation);
  const seenUnread = new Set<string>();

  // Once the list from the server is there: what it shows unread is read now (not what arrives later).
  createEffect(
    on(
      () => (notifications.stale || notifications.fetching ? undefined : notifications.data?.notifications),
      (list) => {
        const ids = (list ?? [])
          .filter((item) => !item.readAt && !seenUnread.has(item.id))
          .map((item) => item.id);
        if (ids.length === 0) return;
        for (const id of ids) seenUnread.add(id);
        void markRead({ ids });
      },
    ),
  );

  return (
    <>
      <Show when={notifications.error ?? marked.error}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show
        when={(notifications.data?.notifications.length ?? 0) > 0}
        fallback={
          <p class="metadata">{notifications.fetching ? t("app.loading") : t("notifications.empty")}</p>
        }
      >
        <ul class="notification-list">
          <For each={notifications.data?.notifications}>
            {(notification) => (
              <li
                class="notification"
                data-unread={!notification.readAt || seenUnread.has(notification.id) ? "" : undefined}
              >
                <p>{notificationText(notification)}</p>
                <p class="metadata">
                  {formatDateTime(notification.createdAt)}
                  <Show when={notification.resetsAt}> · {resetShort(notification.resetsAt)}</Show>
                </p>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  );
}
