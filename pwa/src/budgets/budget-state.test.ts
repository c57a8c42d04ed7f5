import { CombinedError } from "@urql/core";
import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import {
  type BudgetFigures,
  budgetLevel,
  budgetName,
  budgetRefusalFrom,
  budgetRefusalOf,
  budgetRefusalText,
  filledPercent,
  resetShort,
  tightestBudget,
} from "./budget-state";

afterEach(() => updatePreferences({ language: "system" }));

/** Intl's no-break spaces (before "$", "AM") as plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

const figures = (patch: Partial<BudgetFigures> = {}): BudgetFigures => ({
  limitUsd: 10,
  spentUsd: 0,
  reservedUsd: 0,
  remainingUsd: 10,
  usedPercent: 0,
  hard: true,
  ...patch,
});

const extensions = {
  code: "BUDGET_EXCEEDED",
  budgetId: "b1",
  scope: "USER",
  period: "MONTH",
  targetName: "anna",
  limitUsd: 0.01,
  spentUsd: 0.0102,
  resetsAt: "2026-12-31T23:00:00.000Z",
};

describe("budget state", () => {
  it("warns from 80 % and says reached at 100 % or with nothing left", () => {
    expect(budgetLevel(figures({ usedPercent: 79.9, remainingUsd: 2.01 }))).toBe("ok");
    expect(budgetLevel(figures({ usedPercent: 80, remainingUsd: 2 }))).toBe("near");
    expect(budgetLevel(figures({ usedPercent: 100, remainingUsd: 0 }))).toBe("reached");
    // Spent 90 %, the rest reserved by a running answer: nothing left to start another.
    expect(budgetLevel(figures({ usedPercent: 90, reservedUsd: 1, remainingUsd: 0 }))).toBe("reached");
  });

  it("fills the bar with spent and reserved, never past the end", () => {
    expect(filledPercent(figures({ spentUsd: 2, reservedUsd: 1 }))).toBeCloseTo(30);
    expect(filledPercent(figures({ spentUsd: 12 }))).toBe(100);
  });

  it("names the tightest budget: hard before soft, then the least left", () => {
    const soft = { ...figures({ hard: false, remainingUsd: 0.5 }), id: "soft" };
    const roomy = { ...figures({ remainingUsd: 8 }), id: "roomy" };
    const tight = { ...figures({ remainingUsd: 1 }), id: "tight" };
    expect(tightestBudget([soft, roomy, tight])?.id).toBe("tight");
    expect(tightestBudget([soft])?.id).toBe("soft");
    expect(tightestBudget([])).toBeUndefined();
  });

  it("reads a refusal from the error's extensions, and nothing from other errors", () => {
    const refused = new CombinedError({ graphQLErrors: [new GraphQLError("no room", { extensions })] });
    expect(budgetRefusalOf(refused)).toMatchObject({ scope: "USER", period: "MONTH", limitUsd: 0.01 });
    const other = new CombinedError({
      graphQLErrors: [new GraphQLError("no", { extensions: { code: "FORBIDDEN" } })],
    });
    expect(budgetRefusalOf(other)).toBeUndefined();
    expect(budgetRefusalFrom({ ...extensions, scope: "PLANET" })).toBeUndefined();
    expect(budgetRefusalFrom(undefined)).toBeUndefined();
  });

  it("says which budget stopped a send and when it resets, in German and English", () => {
    const refusal = budgetRefusalFrom(extensions);
    if (!refusal) throw new Error("no refusal");
    updatePreferences({ language: "de" });
    expect(plain(budgetRefusalText(refusal, "Europe/Berlin"))).toBe(
      "Ihr Monatsbudget (Benutzer anna) von 0,01 $ ist aufgebraucht; es wird am 01.01.2027 um 00:00 zurückgesetzt.",
    );
    updatePreferences({ language: "en" });
    expect(plain(budgetRefusalText(refusal, "Europe/Berlin"))).toBe(
      "Your monthly budget (user anna) of $0.01 is used up; it resets on Jan 1, 2027 at 12:00 AM.",
    );
    expect(budgetRefusalText({ ...refusal, period: "TOTAL", resetsAt: null })).toBe(
      "Your total budget (user anna) of $0.01 is used up; it does not reset.",
    );
    expect(budgetName({ scope: "GROUP", period: "DAY", targetName: "Sales" })).toBe(
      "The daily budget (group Sales)",
    );
    expect(budgetName({ scope: "ORGANIZATION", period: null, targetName: "Acme" })).toBe(
      "The budget (organisation Acme)",
    );
    expect(plain(resetShort("2026-12-31T23:00:00.000Z", "UTC"))).toBe("Resets on Dec 31, 2026 at 11:00 PM");
  });
});
