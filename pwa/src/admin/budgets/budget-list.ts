import { NEAR_LIMIT_PERCENT } from "../../budgets/budget-state";
import type { BudgetFieldsFragment, BudgetScope } from "../../gql/graphql";

// The Budgets screen's arrangement: by scope, the fullest first; and the thresholds field's text.

export type Budget = BudgetFieldsFragment;

export const SCOPES: readonly BudgetScope[] = ["ORGANIZATION", "GROUP", "USER", "API_KEY"];
export const DEFAULT_THRESHOLDS = [50, 80, 100] as const;

const fullestFirst = (a: Budget, b: Budget) =>
  b.usedPercent - a.usedPercent || a.targetName.localeCompare(b.targetName);

/** Each scope's budgets (every scope present, perhaps empty), the fullest first. */
export function budgetsByScope(budgets: readonly Budget[]): { scope: BudgetScope; budgets: Budget[] }[] {
  return SCOPES.map((scope) => ({
    scope,
    budgets: budgets.filter((budget) => budget.scope === scope).sort(fullestFirst),
  }));
}

/** Who is near the limit: budgets at 80 % or more spent (or with nothing left), the fullest first. */
export function nearLimit(budgets: readonly Budget[]): Budget[] {
  return budgets
    .filter((budget) => budget.usedPercent >= NEAR_LIMIT_PERCENT || budget.remainingUsd <= 0)
    .sort(fullestFirst);
}

/** "50, 80,100" → [50, 80, 100]; undefined when something is not a whole number from 1 to 100. */
export function parseThresholds(text: string): number[] | undefined {
  const parts = text
    .split(/[,;\s]+/)
    .map((part) => part.replace(/%$/, ""))
    .filter(Boolean);
  const numbers = parts.map(Number);
  if (numbers.some((value) => !Number.isInteger(value) || value < 1 || value > 100)) return undefined;
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export const thresholdsText = (thresholds: readonly number[]) => thresholds.join(", ");
