import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { GroupFieldsFragment } from "../../gql/graphql";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { ConfirmDialog } from "../../ui/Dialog";
import { AdminUsersQuery } from "../people/operations";
import { AddGroupMembersMutation, RemoveGroupMembersMutation } from "./operations";

type Member = GroupFieldsFragment["members"][number];

const SUGGESTIONS = 8;

/** A group's members, each removable (after asking), and a search to add people. */
export function GroupMembers(props: { id: string; group: GroupFieldsFragment }): JSX.Element {
  const [search, setSearch] = createSignal("");
  const [removing, setRemoving] = createSignal<Member | null>(null);
  const [added, add] = createMutation(AddGroupMembersMutation);
  const [removed, remove] = createMutation(RemoveGroupMembersMutation);
  const [people] = createQuery({
    query: AdminUsersQuery,
    variables: () => ({ search: search(), includeInactive: false, first: SUGGESTIONS }),
    pause: () => search() === "",
  });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let searchInput!: HTMLInputElement;
  const memberIds = () => new Set(props.group.members.map((member) => member.id));
  const candidates = () =>
    (people.data?.adminUsers.edges ?? [])
      .map((edge) => edge.node)
      .filter((person) => !memberIds().has(person.id));

  const addPerson = async (userId: string) => {
    const result = await add({ groupId: props.group.id, userIds: [userId] });
    if (result.data) {
      searchInput.value = "";
      setSearch("");
      searchInput.focus();
    }
  };

  const confirmRemove = () => {
    const member = removing();
    setRemoving(null);
    if (member) void remove({ groupId: props.group.id, userIds: [member.id] });
  };

  return (
    <div id={props.id} class="group-members stack">
      <Show when={added.error ?? removed.error}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show
        when={props.group.members.length > 0}
        fallback={<p class="metadata">{t("admin.groups.noMembers")}</p>}
      >
        <ul class="admin-rows">
          <For each={props.group.members}>
            {(member) => (
              <li class="admin-row">
                <span class="admin-row-text">
                  <strong>{member.username}</strong> <span class="metadata">{member.email}</span>
                  <Show when={!member.isActive}>
                    {" "}
                    <span class="badge badge--off">{t("admin.people.inactive")}</span>
                  </Show>
                </span>
                <button
                  type="button"
                  class="button button--small"
                  aria-label={t("admin.groups.removeMember", {
                    name: member.username,
                    group: props.group.name,
                  })}
                  disabled={removed.fetching}
                  onClick={() => setRemoving(member)}
                >
                  {t("admin.groups.remove")}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="field">
        <label for={`${props.id}-search`}>{t("admin.groups.addPeople")}</label>
        <input
          ref={searchInput}
          id={`${props.id}-search`}
          class="input"
          type="search"
          autocomplete="off"
          aria-describedby={`${props.id}-search-hint`}
          onInput={(event) => {
            const value = event.currentTarget.value.trim();
            clearTimeout(searchTimer);
            searchTimer = setTimeout(() => setSearch(value), 250);
          }}
        />
        <span id={`${props.id}-search-hint`} class="metadata">
          {t("admin.groups.addPeopleHint")}
        </span>
      </div>
      <Show when={search()}>
        <Show
          when={candidates().length > 0}
          fallback={
            <p class="metadata">{people.fetching ? t("app.loading") : t("admin.groups.nobodyToAdd")}</p>
          }
        >
          <ul class="admin-rows" aria-label={t("admin.groups.matches")}>
            <For each={candidates()}>
              {(person) => (
                <li class="admin-row">
                  <span class="admin-row-text">
                    <strong>{person.username}</strong> <span class="metadata">{person.email}</span>
                  </span>
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={t("admin.groups.addMember", {
                      name: person.username,
                      group: props.group.name,
                    })}
                    disabled={added.fetching}
                    onClick={() => void addPerson(person.id)}
                  >
                    {t("admin.groups.add")}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <ConfirmDialog
        open={removing() !== null}
        title={t("admin.groups.removeTitle")}
        message={t("admin.groups.confirmRemove", {
          name: removing()?.username ?? "",
          group: props.group.name,
        })}
        confirmLabel={t("admin.groups.remove")}
        onConfirm={confirmRemove}
        onClose={() => setRemoving(null)}
      />
    </div>
  );
}
