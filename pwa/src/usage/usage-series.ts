// Rows of a usage report turned into what a chart draws and its table lists: categories along the x axis
// (days, users, models …) and one series of values per thing compared. Pure, so it is tested on its own.

export type UsageGroupBy = "USER" | "GROUP" | "MODEL" | "PROVIDER" | "API_KEY" | "DAY" | "WEEK" | "MONTH";

export interface UsageFilterValues {
  userIds?: readonly string[];
  groupIds?: readonly string[];
  models?: readonly string[];
  providers?: readonly string[];
}

/** The fields of a report row the charts use (the generated GraphQL type has the same shape). */
export interface UsageRowData {
  key: string;
  label: string;
  dimensions: readonly { groupBy: UsageGroupBy; key: string; label: string }[];
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costUsd: number;
  p95FirstTokenMs?: number | null;
}

export interface ChartSeries {
  key: string;
  label: string;
  /** One per category; null where there is nothing to show (no token streamed). */
  values: (number | null)[];
}

export interface ChartData {
  /** The x axis: what each bar stands for. */
  categories: string[];
  series: ChartSeries[];
  /** Series stacked on each other (their sum is the bar), or side by side. */
  stacked: boolean;
}

export type UsageMetric = "costUsd" | "requests" | "promptTokens" | "completionTokens" | "p95FirstTokenMs";

export const OTHER_KEY = "__other__";

/** The row's value of one dimension (its key and label), e.g. the DAY of a [DAY, MODEL] row. */
export function dimensionOf(row: UsageRowData, groupBy: UsageGroupBy): { key: string; label: string } {
  const found = row.dimensions.find((dimension) => dimension.groupBy === groupBy);
  return found ?? { key: row.key, label: row.label };
}

const value = (row: UsageRowData, metric: UsageMetric): number => row[metric] ?? 0;

/**
 * Per day, one series per model (or provider): rows of a [DAY, MODEL] report, stacked. The `limit`
 * largest (by total) get a series of their own, the rest one series together (`otherLabel`).
 */
export function dailyStacks(
  rows: readonly UsageRowData[],
  days: readonly string[],
  by: UsageGroupBy,
  options: { metric?: UsageMetric; limit?: number; otherLabel: string },
): ChartData {
  const metric = options.metric ?? "costUsd";
  const limit = options.limit ?? 8;
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const totals = new Map<string, { label: string; total: number; values: number[] }>();
  for (const row of rows) {
    const day = dayIndex.get(dimensionOf(row, "DAY").key);
    if (day === undefined) continue;
    const { key, label } = dimensionOf(row, by);
    let entry = totals.get(key);
    if (!entry) {
      entry = { label, total: 0, values: days.map(() => 0) };
      totals.set(key, entry);
    }
    entry.total += value(row, metric);
    entry.values[day] = (entry.values[day] ?? 0) + value(row, metric);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
  const own = ranked.length > limit ? ranked.slice(0, limit - 1) : ranked;
  const series: ChartSeries[] = own.map(([key, entry]) => ({
    key,
    label: entry.label,
    values: entry.values,
  }));
  const rest = ranked.slice(own.length);
  if (rest.length > 0) {
    series.push({
      key: OTHER_KEY,
      label: options.otherLabel,
      values: days.map((_, index) => rest.reduce((sum, [, entry]) => sum + (entry.values[index] ?? 0), 0)),
    });
  }
  return { categories: [...days], series, stacked: true };
}

/** Per day, prompt and completion tokens (stacked): rows of a [DAY] report. */
export function dailyTokens(
  rows: readonly UsageRowData[],
  days: readonly string[],
  labels: { prompt: string; completion: string },
): ChartData {
  const byDay = new Map(rows.map((row) => [dimensionOf(row, "DAY").key, row]));
  const of = (metric: UsageMetric) =>
    days.map((day) => {
      const row = byDay.get(day);
      return row ? value(row, metric) : 0;
    });
  return {
    categories: [...days],
    series: [
      { key: "promptTokens", label: labels.prompt, values: of("promptTokens") },
      { key: "completionTokens", label: labels.completion, values: of("completionTokens") },
    ],
    stacked: true,
  };
}

/**
 * The first `limit` rows (the API orders them by cost) as bars of one metric, e.g. the top users by cost.
 * Rows without a value (no p95 when nothing streamed) are left out.
 */
export function ranking(
  rows: readonly UsageRowData[],
  metric: UsageMetric,
  options: { label: string; limit?: number },
): ChartData {
  const shown = rows
    .filter((row) => row[metric] !== null && row[metric] !== undefined)
    .slice(0, options.limit ?? 10);
  return {
    categories: shown.map((row) => row.label),
    series: [{ key: metric, label: options.label, values: shown.map((row) => value(row, metric)) }],
    stacked: false,
  };
}

/**
 * The bar heights uPlot draws for stacked series. It paints bars over each other in series order, so
 * each series is drawn up to its own value plus those of every series after it: the first series (the
 * largest) ends on top of the stack, the last one sits at its bottom.
 */
export function stackHeights(series: readonly ChartSeries[]): number[][] {
  const heights: number[][] = series.map(() => []);
  for (let index = series.length - 1; index >= 0; index--) {
    const below = heights[index + 1];
    heights[index] = (series[index]?.values ?? []).map((value, at) => (value ?? 0) + (below?.[at] ?? 0));
  }
  return heights;
}

/** Each category's sum over the series (the table's total column of a stacked chart). */
export function categoryTotals(data: ChartData): number[] {
  return data.categories.map((_, index) =>
    data.series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0),
  );
}

/** Every category empty: the chart says "no usage" instead of drawing flat zeros. */
export const isEmpty = (data: ChartData): boolean =>
  data.series.every((one) => one.values.every((entry) => !entry));
