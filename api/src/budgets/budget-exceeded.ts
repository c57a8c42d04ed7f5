import { AppError } from "../errors/app-errors.js";
import type { Budget, PrismaClient } from "../generated/prisma/client.js";
import { type BudgetScope, budgetTargetNames } from "./budget-targets.js";
import { formatUsd } from "./usd.js";

const SCOPE_NAMES: Record<BudgetScope, string> = {
  ORGANIZATION: "organisation",
  GROUP: "group",
  USER: "user",
  API_KEY: "API key",
};
const PERIOD_NAMES: Record<string, string> = {
  DAY: "daily",
  WEEK: "weekly",
  MONTH: "monthly",
  TOTAL: "total",
};

/** BUDGET_EXCEEDED: which budget stopped the request, how much it allows, and when it resets. */
export class BudgetExceededError extends AppError {
  static async of(prisma: PrismaClient, budget: Budget): Promise<BudgetExceededError> {
    const targetName = (await budgetTargetNames(prisma, [budget])).get(budget.id) ?? "";
    const organization = await prisma.organization.findUnique({ where: { id: budget.orgId } });
    return new BudgetExceededError(budget, targetName, organization?.timeZone ?? "UTC");
  }

  constructor(budget: Budget, targetName: string, timeZone: string) {
    const scope = budget.scope as BudgetScope;
    const limit = budget.limitUsd.toNumber();
    const spent = budget.spentUsd.toNumber();
    const when = budget.resetsAt
      ? `it resets on ${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(budget.resetsAt)} (${timeZone})`
      : "it does not reset";
    super(
      "BUDGET_EXCEEDED",
      `The ${PERIOD_NAMES[budget.period] ?? ""} budget of the ${SCOPE_NAMES[scope]} ${targetName} (${formatUsd(limit)}) ` +
        `has no room for this request: ${formatUsd(spent)} spent; ${when}`,
      {
        budgetId: budget.id,
        scope,
        resetsAt: budget.resetsAt?.toISOString() ?? null,
        limitUsd: limit,
        spentUsd: spent,
        period: budget.period,
        targetName,
      },
    );
  }
}
