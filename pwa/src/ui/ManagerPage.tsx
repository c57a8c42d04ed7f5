import { createSignal, For, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { ConfirmDialog, Dialog } from "./Dialog";
import { Icon } from "./icons";

export interface ManagedItem {
  id: string;
  name: string;
  description: string;
  isGlobal: boolean;
  canEdit: boolean;
}

/**
 * A list of assistants or templates with "new", "edit" and "delete". The form for one item is given by
 * the caller and shown in a dialog; `close` ends it.
 */
export function ManagerPage<T extends ManagedItem>(props: {
  title: string;
  newLabel: string;
  emptyText: string;
  items: readonly T[];
  icon?: (item: T) => string;
  detail?: (item: T) => string;
  onDelete: (item: T) => void;
  form: (item: T | null, close: () => void) => JSX.Element;
}): JSX.Element {
  // undefined: no dialog; null: a new item; an item: editing it.
  const [editing, setEditing] = createSignal<T | null | undefined>(undefined);
  const [deleting, setDeleting] = createSignal<T | null>(null);
  const close = () => setEditing(undefined);

  return (
    <div class="page">
      <div class="section-row">
        <h1 class="page-title">{props.title}</h1>
        <button type="button" class="button button--primary" onClick={() => setEditing(null)}>
          <Icon name="plus" />
          {props.newLabel}
        </button>
      </div>
      <Show when={props.items.length > 0} fallback={<p class="metadata">{props.emptyText}</p>}>
        <ul class="manager-list">
          <For each={props.items}>
            {(item) => (
              <li class="card manager-item">
                <div class="manager-item-text">
                  <h2 class="card-subheading">
                    <Show when={props.icon}>
                      {(icon) => (
                        <span class="manager-icon" aria-hidden="true">
                          {icon()(item)}
                        </span>
                      )}
                    </Show>
                    {item.name}
                  </h2>
                  <p class="metadata">
                    <span class="badge">{item.isGlobal ? t("common.global") : t("common.personal")}</span>{" "}
                    {props.detail?.(item) ?? ""}
                  </p>
                  <Show when={item.description}>
                    <p>{item.description}</p>
                  </Show>
                </div>
                <Show when={item.canEdit}>
                  <div class="form-actions">
                    <button
                      type="button"
                      class="button button--small"
                      aria-label={`${t("common.edit")}: ${item.name}`}
                      onClick={() => setEditing(() => item)}
                    >
                      {t("common.edit")}
                    </button>
                    <button
                      type="button"
                      class="button button--small"
                      aria-label={`${t("common.delete")}: ${item.name}`}
                      onClick={() => setDeleting(() => item)}
                    >
                      {t("common.delete")}
                    </button>
                  </div>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Dialog
        open={editing() !== undefined}
        title={editing() ? `${t("common.edit")}: ${editing()?.name}` : props.newLabel}
        onClose={close}
      >
        <Show when={editing() !== undefined}>{props.form(editing() ?? null, close)}</Show>
      </Dialog>
      <ConfirmDialog
        open={deleting() !== null}
        title={t("common.delete")}
        message={t("common.confirmDelete", { name: deleting()?.name ?? "" })}
        confirmLabel={t("common.delete")}
        onConfirm={() => {
          const item = deleting();
          setDeleting(null);
          if (item) props.onDelete(item);
        }}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
