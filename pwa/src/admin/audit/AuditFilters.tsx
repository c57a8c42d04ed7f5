import { For, type JSX, Show } from "solid-js";
import { t } from "../../i18n/i18n";
import { type AuditFilterState, type AuditOutcome, auditOutcomes } from "./audit-filter";
import { actionLabel } from "./audit-labels";

/**
 * What the audit log shows: an action, an outcome, a period, words to search for, and the actor or
 * target chosen with "show only this" (each with a button to drop it again).
 */
export function AuditFilters(props: {
  filter: AuditFilterState;
  /** The API's vocabulary of actions. */
  actions: readonly string[];
  onChange: (patch: Partial<AuditFilterState>) => void;
}): JSX.Element {
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const actionChoices = () =>
    props.actions
      .map((action) => ({ value: action, label: actionLabel(action) }))
      .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <>
      <div class="admin-filters audit-filters">
        <div class="field">
          <label for="audit-action">{t("admin.audit.action")}</label>
          <select
            id="audit-action"
            class="select"
            onChange={(event) => props.onChange({ action: event.currentTarget.value })}
          >
            <option value="" selected={props.filter.action === ""}>
              {t("admin.audit.anyAction")}
            </option>
            <For each={actionChoices()}>
              {(choice) => (
                <option value={choice.value} selected={props.filter.action === choice.value}>
                  {choice.label}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="audit-outcome">{t("admin.audit.outcome")}</label>
          <select
            id="audit-outcome"
            class="select"
            onChange={(event) => props.onChange({ outcome: event.currentTarget.value as AuditOutcome | "" })}
          >
            <option value="" selected={props.filter.outcome === ""}>
              {t("admin.audit.anyOutcome")}
            </option>
            <For each={auditOutcomes}>
              {(outcome) => (
                <option value={outcome} selected={props.filter.outcome === outcome}>
                  {t(`admin.audit.outcomes.${outcome}`)}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="audit-from">{t("admin.audit.from")}</label>
          <input
            id="audit-from"
            class="input"
            type="date"
            value={props.filter.firstDay}
            onChange={(event) => props.onChange({ firstDay: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="audit-to">{t("admin.audit.to")}</label>
          <input
            id="audit-to"
            class="input"
            type="date"
            value={props.filter.lastDay}
            onChange={(event) => props.onChange({ lastDay: event.currentTarget.value })}
          />
        </div>
        <div class="field audit-search">
          <label for="audit-search">{t("admin.audit.search")}</label>
          <input
            id="audit-search"
            class="input"
            type="search"
            autocomplete="off"
            placeholder={t("admin.audit.searchHint")}
            onInput={(event) => {
              const value = event.currentTarget.value;
              clearTimeout(searchTimer);
              searchTimer = setTimeout(() => props.onChange({ search: value }), 250);
            }}
          />
        </div>
      </div>
      <Show when={props.filter.actor || props.filter.target}>
        <ul class="audit-chips">
          <Show when={props.filter.actor}>
            {(actor) => (
              <FilterChip
                text={t("admin.audit.onlyActor", { name: actor().label })}
                onRemove={() => props.onChange({ actor: undefined })}
              />
            )}
          </Show>
          <Show when={props.filter.target}>
            {(target) => (
              <FilterChip
                text={t("admin.audit.onlyTarget", { name: target().label })}
                onRemove={() => props.onChange({ target: undefined })}
              />
            )}
          </Show>
        </ul>
      </Show>
    </>
  );
}

function FilterChip(props: { text: string; onRemove: () => void }): JSX.Element {
  return (
    <li class="audit-chip">
      <span>{props.text}</span>
      <button
        type="button"
        class="button button--small button--ghost"
        aria-label={t("admin.audit.removeFilter", { name: props.text })}
        onClick={() => props.onRemove()}
      >
        ×
      </button>
    </li>
  );
}
