import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { GroupFieldsFragment } from "../../gql/graphql";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { ConfirmDialog, Dialog } from "../../ui/Dialog";
import { Icon } from "../../ui/icons";
import { createKeyedList } from "../../ui/keyed-list";
import { GroupForm } from "./GroupForm";
import { GroupMembers } from "./GroupMembers";
import { DeleteGroupMutation, GroupsQuery } from "./operations";

type Group = GroupFieldsFragment;

const memberCount = (count: number) =>
  count === 1 ? t("admin.groups.membersOne") : t("admin.groups.membersMany", { count });

/** Groups of people (who may use which models): create, rename, describe, delete, members. */
export default function GroupsScreen(): JSX.Element {
  const [groups] = createQuery({ query: GroupsQuery });
  const keyedGroups = createKeyedList(
    () => groups.data?.groups ?? [],
    (group) => group.id,
  );
  const [deleted, deleteGroup] = createMutation(DeleteGroupMutation);
  // undefined: no dialog; null: a new group; a group: editing it.
  const [editing, setEditing] = createSignal<Group | null | undefined>(undefined);
  const [deleting, setDeleting] = createSignal<Group | null>(null);
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const close = () => setEditing(undefined);

  const toggle = (id: string) => {
    const next = new Set(expanded());
    if (!next.delete(id)) next.add(id);
    setExpanded(next);
  };

  const confirmDelete = () => {
    const group = deleting();
    setDeleting(null);
    if (group) void deleteGroup({ id: group.id });
  };

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.groups.title")}</h2>
        <button type="button" class="button button--primary" onClick={() => setEditing(null)}>
          <Icon name="plus" />
          {t("admin.groups.new")}
        </button>
      </div>
      <p class="metadata">{t("admin.groups.intro")}</p>
      <Show when={groups.error ?? deleted.error}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show
        when={(groups.data?.groups.length ?? 0) > 0}
        fallback={<p class="metadata">{groups.fetching ? t("app.loading") : t("admin.groups.empty")}</p>}
      >
        <ul class="manager-list">
          <For each={keyedGroups.keys()}>
            {(id) => (
              <Show when={keyedGroups.get(id)}>
                {(group) => (
                  <GroupItem
                    group={group()}
                    open={expanded().has(id)}
                    deleting={deleted.fetching}
                    onToggle={() => toggle(id)}
                    onEdit={() => setEditing(group())}
                    onDelete={() => setDeleting(group())}
                  />
                )}
              </Show>
            )}
          </For>
        </ul>
      </Show>
      <Dialog
        open={editing() !== undefined}
        title={
          editing() ? t("admin.groups.editTitle", { name: editing()?.name ?? "" }) : t("admin.groups.new")
        }
        onClose={close}
      >
        <Show when={editing() !== undefined}>
          <GroupForm group={editing() ?? null} onDone={close} />
        </Show>
      </Dialog>
      <ConfirmDialog
        open={deleting() !== null}
        title={t("admin.groups.deleteTitle")}
        message={t("admin.groups.confirmDelete", {
          name: deleting()?.name ?? "",
          members: memberCount(deleting()?.memberCount ?? 0),
        })}
        confirmLabel={t("common.delete")}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function GroupItem(props: {
  group: Group;
  open: boolean;
  deleting: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onDelete: () => void;
}): JSX.Element {
  const membersId = () => `group-${props.group.id}-members`;
  const membersLabel = () => t("admin.groups.membersButton", { count: props.group.memberCount });
  return (
    <li class="card manager-item">
      <div class="manager-item-text">
        <h3 class="card-subheading">{props.group.name}</h3>
        <Show when={props.group.description}>
          <p>{props.group.description}</p>
        </Show>
      </div>
      <div class="form-actions">
        <button
          type="button"
          class="button button--small"
          aria-expanded={props.open}
          aria-controls={membersId()}
          aria-label={`${membersLabel()}: ${props.group.name}`}
          onClick={() => props.onToggle()}
        >
          {membersLabel()}
        </button>
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("common.edit")}: ${props.group.name}`}
          onClick={() => props.onEdit()}
        >
          {t("common.edit")}
        </button>
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("common.delete")}: ${props.group.name}`}
          disabled={props.deleting}
          onClick={() => props.onDelete()}
        >
          {t("common.delete")}
        </button>
      </div>
      <Show when={props.open}>
        <GroupMembers id={membersId()} group={props.group} />
      </Show>
    </li>
  );
}
