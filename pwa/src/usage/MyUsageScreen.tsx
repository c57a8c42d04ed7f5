import { createMemo, createSignal, type JSX } from "solid-js";
import { MyBudgets } from "../budgets/MyBudgets";
import { t } from "../i18n/i18n";
import { PeriodPicker } from "./PeriodPicker";
import { type Period, periodRange } from "./period";
import { UsageDashboard } from "./UsageDashboard";

/** The signed-in person's own usage: the budgets that apply, a period, its totals, charts and tables, as CSV too. Lazy. */
export default function MyUsageScreen(): JSX.Element {
  const [period, setPeriod] = createSignal<Period>({ kind: "thisMonth" });
  // "Now" is taken when the period is chosen (or refreshed), so the reports ask for one fixed range.
  const [now, setNow] = createSignal(new Date());
  const range = createMemo(() => periodRange(period(), now()));
  return (
    <div class="page usage-page">
      <h1 class="page-title">{t("usage.myUsage")}</h1>
      <MyBudgets />
      <div class="usage-tools">
        <PeriodPicker
          id="my-usage-period"
          value={period()}
          onChange={(next) => {
            setNow(new Date());
            setPeriod(next);
          }}
        />
        <button type="button" class="button" onClick={() => setNow(new Date())}>
          {t("usage.refresh")}
        </button>
      </div>
      <UsageDashboard source="me" range={range()} level={2} />
    </div>
  );
}
