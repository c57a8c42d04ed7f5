import { createQuery } from "@urql/solid";
import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { formatCount } from "../../ui/format";
import { PeriodPicker } from "../../usage/PeriodPicker";
import { type Period, periodRange } from "../../usage/period";
import { UsageDashboard } from "../../usage/UsageDashboard";
import type { UsageFilterValues } from "../../usage/usage-series";
import { OrganizationStatsQuery } from "./operations";
import { UsageFilters } from "./UsageFilters";

const stats = [
  "users",
  "activeUsers7d",
  "chats",
  "messages",
  "assistants",
  "templates",
  "documents",
] as const;

/** The organisation's usage and cost for its admins: a period, filters, totals, charts, tables, CSV. Lazy. */
export default function AnalyticsScreen(): JSX.Element {
  const [period, setPeriod] = createSignal<Period>({ kind: "thisMonth" });
  // "Now" is taken when the period is chosen (or refreshed), so the reports ask for one fixed range.
  const [now, setNow] = createSignal(new Date());
  const range = createMemo(() => periodRange(period(), now()));
  const [filter, setFilter] = createSignal<UsageFilterValues>({});
  const [organization] = createQuery({ query: OrganizationStatsQuery });

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.analytics.title")}</h2>
        <button type="button" class="button button--small" onClick={() => setNow(new Date())}>
          {t("usage.refresh")}
        </button>
      </div>
      <PeriodPicker
        id="analytics-period"
        value={period()}
        onChange={(next) => {
          setNow(new Date());
          setPeriod(next);
        }}
      />
      <UsageFilters range={range()} value={filter()} onChange={setFilter} />
      <UsageDashboard source="organization" range={range()} filter={filter()} level={3} />
      <section class="card" aria-labelledby="organization-stats-heading">
        <h3 id="organization-stats-heading" class="card-header">
          {t("admin.analytics.organization")}
        </h3>
        <div class="card-body">
          <Show when={organization.error}>
            <p class="alert" role="alert">
              {describeError(organization.error)}
            </p>
          </Show>
          <Show when={organization.data?.organizationStats}>
            {(counts) => (
              <dl class="usage-totals" data-testid="organization-stats">
                <For each={stats}>
                  {(stat) => (
                    <div>
                      <dt>{t(`admin.analytics.${stat}`)}</dt>
                      <dd>{formatCount(counts()[stat], "full")}</dd>
                    </div>
                  )}
                </For>
              </dl>
            )}
          </Show>
        </div>
      </section>
    </>
  );
}
