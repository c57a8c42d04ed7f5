import type { CombinedError } from "@urql/core";
import type { BudgetPeriod, BudgetScope } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { formatCost, formatResetTime } from "../ui/format";

// What a budget's figures mean for people: how full it is, which one is tightest, and the sentence for a
// send that a budget refused (built here from the error's extensions, in the reader's language).

/** At this share of the limit people are warned (not by colour only). */
export const NEAR_LIMIT_PERCENT = 80;

export type BudgetLevel = "ok" | "near" | "reached";

export interface BudgetFigures {
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  usedPercent: number;
  hard: boolean;
}

/** Spent and reserved together, as a share of the limit (what the bar shows), at most 100. */
export function filledPercent(budget: BudgetFigures): number {
  if (budget.limitUsd <= 0) return 100;
  return Math.min(100, Math.max(0, ((budget.spentUsd + budget.reservedUsd) / budget.limitUsd) * 100));
}

/** "reached" at 100 % spent or nothing left; "near" from 80 %. */
export function budgetLevel(budget: BudgetFigures): BudgetLevel {
  if (budget.usedPercent >= 100 || budget.remainingUsd <= 0) return "reached";
  return budget.usedPercent >= NEAR_LIMIT_PERCENT ? "near" : "ok";
}

/** The budget that stops first: hard before soft, then the least left, then the fullest. */
export function tightestBudget<T extends BudgetFigures>(budgets: readonly T[]): T | undefined {
  return [...budgets].sort(
    (a, b) =>
      Number(b.hard) - Number(a.hard) || a.remainingUsd - b.remainingUsd || b.usedPercent - a.usedPercent,
  )[0];
}

/** What BUDGET_EXCEEDED says in its extensions. */
export interface BudgetRefusal {
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  targetName: string;
  limitUsd: number;
  spentUsd: number;
  resetsAt: string | null;
}

const SCOPES: readonly string[] = ["ORGANIZATION", "GROUP", "USER", "API_KEY"];
const PERIODS: readonly string[] = ["DAY", "WEEK", "MONTH", "TOTAL"];

/** The refusal's details, from an error's (or a stored outbox item's) extensions; undefined if it is none. */
export function budgetRefusalFrom(
  extensions: Record<string, unknown> | undefined,
): BudgetRefusal | undefined {
  if (extensions?.code !== "BUDGET_EXCEEDED") return undefined;
  const { budgetId, scope, period, targetName, limitUsd, spentUsd, resetsAt } = extensions;
  if (typeof scope !== "string" || !SCOPES.includes(scope)) return undefined;
  if (typeof period !== "string" || !PERIODS.includes(period)) return undefined;
  return {
    budgetId: String(budgetId ?? ""),
    scope: scope as BudgetScope,
    period: period as BudgetPeriod,
    targetName: typeof targetName === "string" ? targetName : "",
    limitUsd: Number(limitUsd ?? 0),
    spentUsd: Number(spentUsd ?? 0),
    resetsAt: typeof resetsAt === "string" ? resetsAt : null,
  };
}

export function budgetRefusalOf(error: CombinedError | undefined): BudgetRefusal | undefined {
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const refusal = budgetRefusalFrom(graphQLError.extensions);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * "Your monthly budget (user anna)", "The daily budget (group Sales)"; `reader` "admin": never "your"
 * (an admin looks at other people's budgets).
 */
export function budgetName(
  budget: {
    scope: BudgetScope;
    /** Unknown (e.g. a notification of a budget since deleted): "The budget". */
    period?: BudgetPeriod | null;
    targetName: string;
  },
  reader: "owner" | "admin" = "owner",
): string {
  const whose =
    reader === "owner" && (budget.scope === "USER" || budget.scope === "API_KEY") ? "own" : "shared";
  return t("budgets.named", {
    budget: budget.period ? t(`budgets.${whose}.${budget.period}`) : t("budgets.some"),
    scope: t(`budgets.scopeOne.${budget.scope}`),
    name: budget.targetName,
  });
}

/** When a period starts again, in the organisation's time zone where known; "does not reset" for TOTAL. */
export function resetText(resetsAt: string | null | undefined, timeZone?: string): string {
  if (!resetsAt) return t("budgets.noReset");
  const { date, time } = formatResetTime(resetsAt, timeZone);
  return t("budgets.resets", { date, time });
}

/** "Your monthly budget (user anna) of $0.01 is used up; it resets on 01/01/2027 at 00:00." */
export function budgetRefusalText(refusal: BudgetRefusal, timeZone?: string): string {
  return t("budgets.refusal", {
    budget: budgetName(refusal),
    limit: formatCost(refusal.limitUsd),
    reset: resetText(refusal.resetsAt, timeZone),
  });
}

/** "Resets on 1 Jan 2027 at 00:00" beside a bar. */
export function resetShort(resetsAt: string | null | undefined, timeZone?: string): string {
  if (!resetsAt) return t("budgets.noResetShort");
  return t("budgets.resetsAt", formatResetTime(resetsAt, timeZone));
}
