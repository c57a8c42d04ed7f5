import type { CombinedError } from "@urql/core";
import { createMutation } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { session } from "../../auth/session";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { ConfirmDialog, Dialog } from "../../ui/Dialog";
import { formatCount, formatDateTime } from "../../ui/format";
import { createKeyedList } from "../../ui/keyed-list";
import { OneTimeLink } from "../../ui/OneTimeLink";
import { DeleteUserMutation, ResetUserPasswordMutation, UpdateUserMutation } from "./operations";
import { PersonItem } from "./PersonItem";
import { createPeoplePages } from "./people-pages";
import { asksFirst, type ConfirmedActionKind, type Person, type PersonActionKind } from "./person-actions";

interface PendingAction<Kind extends PersonActionKind = PersonActionKind> {
  kind: Kind;
  person: Person;
}

const count = (total: number) =>
  total === 1 ? t("admin.people.countOne") : t("admin.people.countMany", { count: formatCount(total) });

/** The organisation's people: search, deactivated ones too, admin rights, (de)activation, reset links, deletion. */
export default function PeopleScreen(): JSX.Element {
  const [search, setSearch] = createSignal("");
  const [includeInactive, setIncludeInactive] = createSignal(false);
  const pages = createPeoplePages(() => ({ search: search(), includeInactive: includeInactive() }));
  const people = createKeyedList(pages.people, (person) => person.id);
  const [updated, update] = createMutation(UpdateUserMutation);
  const [deleted, deleteUser] = createMutation(DeleteUserMutation);
  const [resetLink, createResetLink] = createMutation(ResetUserPasswordMutation);
  const [asking, setAsking] = createSignal<PendingAction<ConfirmedActionKind> | null>(null);
  const [eraseData, setEraseData] = createSignal(false);
  const [failure, setFailure] = createSignal<{ personId: string; error: CombinedError } | null>(null);
  const [link, setLink] = createSignal<{ person: Person; url: string; expiresAt: string } | null>(null);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const busy = () => updated.fetching || deleted.fetching || resetLink.fetching;

  const run = async ({ kind, person }: PendingAction) => {
    setFailure(null);
    const id = person.id;
    if (kind === "resetLink") {
      const result = await createResetLink({ id });
      if (result.data) setLink({ person, ...result.data.resetUserPassword });
      else if (result.error) setFailure({ personId: id, error: result.error });
      return;
    }
    const result =
      kind === "delete"
        ? await deleteUser({ id, eraseData: eraseData() })
        : await update({
            id,
            input:
              kind === "promote" || kind === "demote"
                ? { isAdmin: kind === "promote" }
                : { isActive: kind === "reactivate" },
          });
    if (result.error) setFailure({ personId: id, error: result.error });
  };

  const choose = (action: PendingAction) => {
    setEraseData(false);
    const { kind, person } = action;
    if (asksFirst(kind)) setAsking({ kind, person });
    else void run(action);
  };

  const askingLabel = () => {
    const action = asking();
    return action ? t(`admin.people.actions.${action.kind}`) : "";
  };
  const askingMessage = () => {
    const action = asking();
    return action ? t(`admin.people.confirm.${action.kind}`, { name: action.person.username }) : "";
  };

  const confirm = () => {
    const action = asking();
    setAsking(null);
    if (action) void run(action);
  };

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.people.title")}</h2>
        <Show when={pages.total() !== undefined}>
          <span class="metadata">{count(pages.total() ?? 0)}</span>
        </Show>
      </div>
      <div class="admin-filters">
        <div class="field">
          <label for="people-search">{t("admin.people.search")}</label>
          <input
            id="people-search"
            class="input"
            type="search"
            autocomplete="off"
            onInput={(event) => {
              const value = event.currentTarget.value.trim();
              clearTimeout(searchTimer);
              searchTimer = setTimeout(() => setSearch(value), 250);
            }}
          />
        </div>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={includeInactive()}
            onChange={(event) => setIncludeInactive(event.currentTarget.checked)}
          />
          {t("admin.people.includeInactive")}
        </label>
      </div>
      <Show when={pages.error()}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show
        when={pages.people().length > 0}
        fallback={
          <p class="metadata">
            {pages.fetching()
              ? t("app.loading")
              : search()
                ? t("admin.people.noMatch")
                : t("admin.people.empty")}
          </p>
        }
      >
        <ul class="manager-list">
          <For each={people.keys()}>
            {(id) => (
              <Show when={people.get(id)}>
                {(person) => (
                  <PersonItem
                    person={person()}
                    viewerId={session.user()?.id}
                    busy={busy()}
                    error={failure()?.personId === id ? failure()?.error : undefined}
                    onAction={(kind) => choose({ kind, person: person() })}
                  />
                )}
              </Show>
            )}
          </For>
        </ul>
      </Show>
      <Show when={pages.hasMore()}>
        <button type="button" class="button" disabled={pages.fetching()} onClick={() => pages.loadMore()}>
          {t("common.more")}
        </button>
      </Show>
      <ConfirmDialog
        open={asking() !== null}
        title={askingLabel()}
        message={askingMessage()}
        confirmLabel={askingLabel()}
        tone={asking()?.kind === "promote" ? "primary" : "danger"}
        onConfirm={confirm}
        onClose={() => setAsking(null)}
      >
        <Show when={asking()?.kind === "delete"}>
          <label class="checkbox">
            <input
              type="checkbox"
              checked={eraseData()}
              onChange={(event) => setEraseData(event.currentTarget.checked)}
            />
            {t("admin.people.eraseData")}
          </label>
        </Show>
      </ConfirmDialog>
      <Dialog open={link() !== null} title={t("admin.people.resetLinkTitle")} onClose={() => setLink(null)}>
        <Show when={link()} keyed>
          {(shown) => (
            <div class="stack">
              <OneTimeLink
                id="reset-link"
                label={t("admin.people.resetLinkLabel")}
                intro={t("admin.people.resetLinkFor", {
                  name: shown.person.username,
                  email: shown.person.email,
                  date: formatDateTime(shown.expiresAt),
                })}
                url={shown.url}
              />
              <div class="form-actions">
                <button type="button" class="button" onClick={() => setLink(null)}>
                  {t("common.done")}
                </button>
              </div>
            </div>
          )}
        </Show>
      </Dialog>
    </>
  );
}
