import { type JSX, Match, Switch } from "solid-js";
import { t } from "../i18n/i18n";
import { formatPercent } from "../ui/format";
import { type BudgetFigures, budgetLevel } from "./budget-state";

/** Said in words (not colour only) from 80 % of a budget on. */
export function BudgetWarning(props: { budget: BudgetFigures }): JSX.Element {
  return (
    <Switch>
      <Match when={budgetLevel(props.budget) === "reached"}>
        <span class="budget-warning" data-level="reached">
          ⚠ {t("budgets.reached")}
        </span>
      </Match>
      <Match when={budgetLevel(props.budget) === "near"}>
        <span class="budget-warning" data-level="near">
          ⚠ {t("budgets.near", { percent: formatPercent(props.budget.usedPercent) })}
        </span>
      </Match>
    </Switch>
  );
}
