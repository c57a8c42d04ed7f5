import { createQuery } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import { t } from "../../i18n/i18n";
import type { PeriodRange } from "../../usage/period";
import type { UsageFilterValues } from "../../usage/usage-series";
import { GroupsQuery } from "../groups/operations";
import { UsageFilterChoicesQuery } from "./operations";

type FilterName = keyof UsageFilterValues;

interface Choice {
  value: string;
  label: string;
}

/** Who and what the analytics count: people, groups, models, providers (none ticked: all of them). */
export function UsageFilters(props: {
  range: PeriodRange | null;
  value: UsageFilterValues;
  onChange: (filter: UsageFilterValues) => void;
}): JSX.Element {
  const [choices] = createQuery({
    query: UsageFilterChoicesQuery,
    variables: () => ({ from: props.range?.from, to: props.range?.to }),
    pause: () => props.range === null,
  });
  const [groups] = createQuery({ query: GroupsQuery });
  const rows = (rows: readonly { key: string; label: string }[] | undefined): Choice[] =>
    (rows ?? []).map((row) => ({ value: row.key, label: row.label }));
  const anyChosen = () => Object.values(props.value).some((values) => values && values.length > 0);

  const list = (name: FilterName, label: string, options: () => Choice[]) => {
    const chosen = () => props.value[name] ?? [];
    // What is ticked stays offered when another period no longer has it, so it can be unticked.
    const offered = () => {
      const all = options();
      const known = new Set(all.map((option) => option.value));
      return [
        ...all,
        ...chosen()
          .filter((value) => !known.has(value))
          .map((value) => ({ value, label: value })),
      ];
    };
    const toggle = (value: string, on: boolean) => {
      const next = on ? [...chosen(), value] : chosen().filter((entry) => entry !== value);
      props.onChange({ ...props.value, [name]: next });
    };
    return (
      <details class="usage-filter">
        <summary>
          {label}
          <span class="metadata">
            {chosen().length > 0
              ? t("admin.analytics.chosen", { count: chosen().length })
              : t("admin.analytics.all")}
          </span>
        </summary>
        <fieldset class="usage-filter-options">
          <legend class="visually-hidden">{label}</legend>
          <For each={offered()} fallback={<p class="metadata">{t("admin.analytics.nothingToChoose")}</p>}>
            {(option) => (
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={chosen().includes(option.value)}
                  onChange={(event) => toggle(option.value, event.currentTarget.checked)}
                />
                <span class="admin-row-text">{option.label}</span>
              </label>
            )}
          </For>
        </fieldset>
      </details>
    );
  };

  return (
    <fieldset class="usage-filters">
      <legend class="visually-hidden">{t("admin.analytics.filters")}</legend>
      {list("userIds", t("admin.analytics.filterUsers"), () => rows(choices.data?.users.rows))}
      {list("groupIds", t("admin.analytics.filterGroups"), () =>
        (groups.data?.groups ?? []).map((group) => ({ value: group.id, label: group.name })),
      )}
      {list("models", t("admin.analytics.filterModels"), () => rows(choices.data?.models.rows))}
      {list("providers", t("admin.analytics.filterProviders"), () => rows(choices.data?.providers.rows))}
      <Show when={anyChosen()}>
        <button type="button" class="button button--small" onClick={() => props.onChange({})}>
          {t("admin.analytics.clearFilters")}
        </button>
      </Show>
    </fieldset>
  );
}
