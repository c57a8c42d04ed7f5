import { describe, expect, it } from "vitest";
import { type Budget, budgetsByScope, nearLimit, parseThresholds } from "./budget-list";

const budget = (id: string, patch: Partial<Budget>): Budget => ({
  __typename: "Budget",
  id,
  scope: "USER",
  targetId: id,
  targetName: id,
  limitUsd: 10,
  period: "MONTH",
  resetsAt: null,
  spentUsd: 0,
  reservedUsd: 0,
  remainingUsd: 10,
  usedPercent: 0,
  hard: true,
  alertThresholds: [50, 80, 100],
  models: null,
  fallbackModel: null,
  ...patch,
});

describe("the Budgets screen's lists", () => {
  it("groups budgets by scope, every scope shown, the fullest first", () => {
    const groups = budgetsByScope([
      budget("anna", { usedPercent: 10 }),
      budget("ben", { usedPercent: 95 }),
      budget("sales", { scope: "GROUP" }),
    ]);
    expect(groups.map((group) => group.scope)).toEqual(["ORGANIZATION", "GROUP", "USER", "API_KEY"]);
    expect(groups[2]?.budgets.map((entry) => entry.id)).toEqual(["ben", "anna"]);
    expect(groups[0]?.budgets).toEqual([]);
  });

  it("lists who is near the limit: from 80 %, or with nothing left", () => {
    const near = nearLimit([
      budget("fine", { usedPercent: 79 }),
      budget("near", { usedPercent: 80 }),
      budget("over", { usedPercent: 104, remainingUsd: 0 }),
      budget("reserved", { usedPercent: 60, remainingUsd: 0 }),
    ]);
    expect(near.map((entry) => entry.id)).toEqual(["over", "near", "reserved"]);
  });

  it("reads thresholds as whole percentages, sorted, without repeats", () => {
    expect(parseThresholds("80, 50,100")).toEqual([50, 80, 100]);
    expect(parseThresholds("90% 90")).toEqual([90]);
    expect(parseThresholds("")).toEqual([]);
    expect(parseThresholds("50, 120")).toBeUndefined();
    expect(parseThresholds("fifty")).toBeUndefined();
    expect(parseThresholds("12.5")).toBeUndefined();
  });
});
