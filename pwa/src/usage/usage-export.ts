import { apiUrl } from "../graphql/download";
import { type PeriodRange, rangeDays } from "./period";
import type { UsageFilterValues, UsageGroupBy } from "./usage-series";

// The CSV export of a usage report: the same period, grouping and filter as the screen shows.

export interface UsageExport {
  range: PeriodRange;
  groupBy: readonly UsageGroupBy[];
  filter?: UsageFilterValues;
  /** "me": the viewer's own usage (any user); otherwise the organisation's (admins). */
  scope?: "me";
}

export function usageCsvUrl(request: UsageExport, base?: string): string {
  const filter = request.filter ?? {};
  return apiUrl(
    "/export/usage.csv",
    {
      from: request.range.from,
      to: request.range.to,
      groupBy: request.groupBy,
      userIds: filter.userIds,
      groupIds: filter.groupIds,
      models: filter.models,
      providers: filter.providers,
      scope: request.scope,
    },
    base,
  );
}

/** `usage-2025-03-01-2025-03-31.csv`: the first and the last day of the period. */
export function csvFileName(prefix: string, range: PeriodRange): string {
  const { first, last } = rangeDays(range);
  return `${prefix}-${first}-${last}.csv`;
}
