import type { JSX } from "solid-js";
import { t } from "../i18n/i18n";
import { formatCost } from "../ui/format";
import { type BudgetFigures, budgetLevel, filledPercent } from "./budget-state";

/** How full a budget is (spent and reserved against the limit); its colour changes at 80 % and 100 %. */
export function BudgetBar(props: { budget: BudgetFigures; label: string }): JSX.Element {
  const filled = () => filledPercent(props.budget);
  return (
    <div
      class="budget-bar"
      data-level={budgetLevel(props.budget)}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(filled())}
      aria-valuetext={t("budgets.barValue", {
        spent: formatCost(props.budget.spentUsd),
        reserved: formatCost(props.budget.reservedUsd),
        limit: formatCost(props.budget.limitUsd),
      })}
    >
      <span class="budget-bar-fill" style={{ width: `${filled()}%` }} />
    </div>
  );
}
