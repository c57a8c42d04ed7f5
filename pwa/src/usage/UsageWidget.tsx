import { createQuery } from "@urql/solid";
import { type JSX, Show } from "solid-js";
import { BudgetBar } from "../budgets/BudgetBar";
import { BudgetWarning } from "../budgets/BudgetWarning";
import { budgetName, resetShort, tightestBudget } from "../budgets/budget-state";
import { MyBudgetsQuery } from "../budgets/operations";
import { t } from "../i18n/i18n";
import { formatCost, formatCount, startOfMonth } from "../ui/format";
import { UsageQuery } from "./operations";

/** Tokens and cost of the signed-in account this month, and what the tightest budget leaves, in the sidebar. */
export function UsageWidget(): JSX.Element {
  const [usage] = createQuery({ query: UsageQuery, variables: { from: startOfMonth() } });
  const [budgets] = createQuery({ query: MyBudgetsQuery });
  const tokens = () => {
    const summary = usage.data?.usage;
    return summary ? summary.promptTokens + summary.completionTokens : 0;
  };
  const timeZone = () => budgets.data?.me.organization.timeZone;
  return (
    <div class="usage-widget">
      <Show when={usage.data?.usage}>
        {(summary) => (
          <>
            <span class="usage-widget-title">{t("usage.thisMonth")}</span>
            <span>{t("usage.tokens", { count: formatCount(tokens()) })}</span>
            <span>{formatCost(summary().costUsd)}</span>
          </>
        )}
      </Show>
      <Show when={tightestBudget(budgets.data?.myBudgets ?? [])}>
        {(budget) => (
          <div class="usage-widget-budget" data-testid="budget-widget">
            <span>
              {t("budgets.left", {
                remaining: formatCost(budget().remainingUsd),
                limit: formatCost(budget().limitUsd),
              })}
            </span>
            <BudgetBar budget={budget()} label={budgetName(budget())} />
            <BudgetWarning budget={budget()} />
            <span>{resetShort(budget().resetsAt, timeZone())}</span>
          </div>
        )}
      </Show>
    </div>
  );
}
