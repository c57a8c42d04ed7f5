import { csvLine } from "../exports/csv.js";
import type { UsageGroupBy, UsageReport, UsageRow } from "./usage-report.js";

const FIGURES = [
  "requests",
  "promptTokens",
  "cachedTokens",
  "completionTokens",
  "reasoningTokens",
  "costUsd",
  "p95FirstTokenMs",
] as const;

/** A usage report as CSV lines: a key and a label column per dimension, the figures, then the totals. */
export function* usageCsvLines(report: UsageReport, groupBy: readonly UsageGroupBy[]): Generator<string> {
  const dimensions = [...new Set(groupBy)];
  yield csvLine([
    ...dimensions.flatMap((dimension) => [dimension.toLowerCase(), `${dimension.toLowerCase()}Label`]),
    ...FIGURES,
  ]);
  for (const row of report.rows) {
    yield csvLine([...row.dimensions.flatMap((part) => [part.key, part.label]), ...figures(row)]);
  }
  yield csvLine([
    ...dimensions.flatMap((_, index) => (index === 0 ? ["total", "Total"] : ["", ""])),
    ...figures(report.totals),
  ]);
}

const figures = (row: UsageRow) => FIGURES.map((figure) => row[figure]);
