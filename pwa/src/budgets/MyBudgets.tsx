import { createQuery } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { formatCost, formatPercent } from "../ui/format";
import { BudgetBar } from "./BudgetBar";
import { BudgetWarning } from "./BudgetWarning";
import { budgetName, resetShort } from "./budget-state";
import { MyBudgetsQuery } from "./operations";

/** Every budget that applies to the signed-in person, strictest first, with what is left and when it resets. */
export function MyBudgets(): JSX.Element {
  const [budgets] = createQuery({ query: MyBudgetsQuery, requestPolicy: "cache-and-network" });
  const timeZone = () => budgets.data?.me.organization.timeZone;
  return (
    <section class="card" aria-labelledby="my-budgets-heading">
      <h2 id="my-budgets-heading" class="card-header">
        {t("budgets.mine")}
      </h2>
      <div class="card-body stack">
        <Show when={budgets.error}>
          {(error) => (
            <p class="alert" role="alert">
              {describeError(error())}
            </p>
          )}
        </Show>
        <Show
          when={(budgets.data?.myBudgets.length ?? 0) > 0}
          fallback={<p class="metadata">{budgets.fetching ? t("app.loading") : t("budgets.noneApply")}</p>}
        >
          <p class="metadata">{t("budgets.mineIntro")}</p>
          <ul class="my-budgets" data-testid="my-budgets">
            <For each={budgets.data?.myBudgets}>
              {(budget) => (
                <li class="my-budget">
                  <p>
                    <strong>{budgetName(budget)}</strong>{" "}
                    <span class="badge">{budget.hard ? t("budgets.hard") : t("budgets.soft")}</span>
                  </p>
                  <BudgetBar budget={budget} label={budgetName(budget)} />
                  <p>
                    {t("budgets.left", {
                      remaining: formatCost(budget.remainingUsd),
                      limit: formatCost(budget.limitUsd),
                    })}{" "}
                    · {t("budgets.used", { percent: formatPercent(budget.usedPercent) })}
                  </p>
                  <BudgetWarning budget={budget} />
                  <p class="metadata">{resetShort(budget.resetsAt, timeZone())}</p>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </section>
  );
}
