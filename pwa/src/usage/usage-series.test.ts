import { describe, expect, it } from "vitest";
import {
  categoryTotals,
  dailyStacks,
  dailyTokens,
  isEmpty,
  OTHER_KEY,
  ranking,
  stackHeights,
  type UsageRowData,
} from "./usage-series";

function row(
  dimensions: [UsageRowData["dimensions"][number]["groupBy"], string, string?][],
  figures: Partial<UsageRowData>,
): UsageRowData {
  return {
    key: dimensions.map(([, key]) => key).join("|"),
    label: dimensions.map(([, key, label]) => label ?? key).join(" · "),
    dimensions: dimensions.map(([groupBy, key, label]) => ({ groupBy, key, label: label ?? key })),
    requests: 0,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    p95FirstTokenMs: null,
    ...figures,
  };
}

const days = ["2026-03-01", "2026-03-02", "2026-03-03"];

describe("rows to chart series", () => {
  it("stacks cost per day by model, largest model first, days without usage as zero", () => {
    const rows = [
      row(
        [
          ["DAY", "2026-03-01"],
          ["MODEL", "a", "Model A"],
        ],
        { costUsd: 0.5 },
      ),
      row(
        [
          ["DAY", "2026-03-01"],
          ["MODEL", "b", "Model B"],
        ],
        { costUsd: 2 },
      ),
      row(
        [
          ["DAY", "2026-03-03"],
          ["MODEL", "a", "Model A"],
        ],
        { costUsd: 0.0004 },
      ),
      // Outside the period's days: not drawn.
      row(
        [
          ["DAY", "2026-02-28"],
          ["MODEL", "a", "Model A"],
        ],
        { costUsd: 9 },
      ),
    ];
    const chart = dailyStacks(rows, days, "MODEL", { otherLabel: "Other" });
    expect(chart.categories).toEqual(days);
    expect(chart.stacked).toBe(true);
    expect(chart.series.map((one) => [one.key, one.label])).toEqual([
      ["b", "Model B"],
      ["a", "Model A"],
    ]);
    expect(chart.series[0]?.values).toEqual([2, 0, 0]);
    expect(chart.series[1]?.values).toEqual([0.5, 0, 0.0004]);
    expect(categoryTotals(chart)).toEqual([2.5, 0, 0.0004]);
  });

  it("puts what is beyond the limit into one series of the rest", () => {
    const rows = ["a", "b", "c", "d"].map((model, index) =>
      row(
        [
          ["DAY", "2026-03-02"],
          ["PROVIDER", model],
        ],
        { costUsd: 10 - index },
      ),
    );
    const chart = dailyStacks(rows, days, "PROVIDER", { limit: 3, otherLabel: "Other" });
    expect(chart.series.map((one) => one.key)).toEqual(["a", "b", OTHER_KEY]);
    expect(chart.series[2]?.label).toBe("Other");
    expect(chart.series[2]?.values).toEqual([0, 8 + 7, 0]);
  });

  it("splits tokens per day into prompt and completion", () => {
    const rows = [
      row([["DAY", "2026-03-01"]], { promptTokens: 1200, completionTokens: 300 }),
      row([["DAY", "2026-03-03"]], { promptTokens: 5, completionTokens: 7 }),
    ];
    const chart = dailyTokens(rows, days, { prompt: "Prompt", completion: "Completion" });
    expect(chart.series.map((one) => [one.label, one.values])).toEqual([
      ["Prompt", [1200, 0, 5]],
      ["Completion", [300, 0, 7]],
    ]);
  });

  it("ranks rows in the API's order, leaving out those without a value", () => {
    const rows = [
      row([["MODEL", "a", "Model A"]], { costUsd: 3, p95FirstTokenMs: 420 }),
      row([["MODEL", "b", "Model B"]], { costUsd: 1, p95FirstTokenMs: null }),
      row([["MODEL", "c", "Model C"]], { costUsd: 0.5, p95FirstTokenMs: 90 }),
    ];
    const byCost = ranking(rows, "costUsd", { label: "Cost", limit: 2 });
    expect(byCost).toEqual({
      categories: ["Model A", "Model B"],
      series: [{ key: "costUsd", label: "Cost", values: [3, 1] }],
      stacked: false,
    });
    expect(ranking(rows, "p95FirstTokenMs", { label: "p95" }).categories).toEqual(["Model A", "Model C"]);
  });

  it("draws stacked bars from the top of the stack down", () => {
    const heights = stackHeights([
      { key: "a", label: "A", values: [1, 2] },
      { key: "b", label: "B", values: [10, null] },
      { key: "c", label: "C", values: [100, 200] },
    ]);
    expect(heights).toEqual([
      [111, 202],
      [110, 200],
      [100, 200],
    ]);
  });

  it("knows when there is nothing to draw", () => {
    expect(isEmpty(dailyTokens([], days, { prompt: "P", completion: "C" }))).toBe(true);
    expect(isEmpty(ranking([row([["USER", "u"]], { costUsd: 0.01 })], "costUsd", { label: "Cost" }))).toBe(
      false,
    );
  });
});
