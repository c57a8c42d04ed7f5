import type { CombinedError } from "@urql/core";
import { For, type JSX, Show } from "solid-js";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { formatCost, formatCount, formatDateTime } from "../../ui/format";
import { type Person, type PersonActionKind, personActions } from "./person-actions";

const actionLabel = (kind: PersonActionKind): string => t(`admin.people.actions.${kind}`);

const requests = (count: number) =>
  count === 1 ? t("admin.people.requestsOne") : t("admin.people.requestsMany", { count: formatCount(count) });

/** One person: who, their state, groups and this month's usage, and what the admin can do. */
export function PersonItem(props: {
  person: Person;
  viewerId: string | undefined;
  busy: boolean;
  error?: CombinedError;
  onAction: (kind: PersonActionKind) => void;
}): JSX.Element {
  const person = () => props.person;
  return (
    <li class="card manager-item person-item">
      <div class="manager-item-text">
        <h3 class="card-subheading">{person().username}</h3>
        <p class="person-email">{person().email}</p>
        <p class="metadata">
          <Show when={person().id === props.viewerId}>
            <span class="badge">{t("admin.people.you")}</span>{" "}
          </Show>
          <Show when={person().isAdmin}>
            <span class="badge badge--ok">{t("admin.people.admin")}</span>{" "}
          </Show>
          <Show when={!person().isActive}>
            <span class="badge badge--off">{t("admin.people.inactive")}</span>{" "}
          </Show>
          {person().lastActiveAt
            ? t("admin.people.lastActive", { date: formatDateTime(person().lastActiveAt as string) })
            : t("admin.people.neverActive")}
        </p>
        <p class="metadata">
          {person().groups.length > 0
            ? t("admin.people.groups", {
                groups: person()
                  .groups.map((group) => group.name)
                  .join(", "),
              })
            : t("admin.people.noGroups")}
          {" · "}
          {t("admin.people.thisMonth", {
            requests: requests(person().usageThisMonth.requests),
            cost: formatCost(person().usageThisMonth.costUsd),
          })}
        </p>
        <Show when={props.error}>
          <p class="alert" role="alert">
            {describeError(props.error)}
          </p>
        </Show>
      </div>
      <div class="form-actions">
        <For each={personActions(person(), props.viewerId)}>
          {(kind) => (
            <button
              type="button"
              class="button button--small"
              aria-label={`${actionLabel(kind)}: ${person().username}`}
              disabled={props.busy}
              onClick={() => props.onAction(kind)}
            >
              {actionLabel(kind)}
            </button>
          )}
        </For>
      </div>
    </li>
  );
}
