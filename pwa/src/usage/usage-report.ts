import { createQuery } from "@urql/solid";
import type { UsageReportFieldsFragment } from "../gql/graphql";
import { MyUsageQuery, OrganizationUsageQuery } from "./operations";
import type { PeriodRange } from "./period";
import type { UsageFilterValues, UsageGroupBy } from "./usage-series";

// One source of usage reports for both screens: the organisation's (Analytics, for admins) or the
// viewer's own (My usage). The charts and tables below do not know which one they show.

export type UsageSource = "organization" | "me";

export interface UsageReportRequest {
  range: PeriodRange | null;
  groupBy: readonly UsageGroupBy[];
  filter?: UsageFilterValues;
}

export type UsageReport = UsageReportFieldsFragment;

const orNull = (values: readonly string[] | undefined) => (values && values.length > 0 ? [...values] : null);

function filterInput(filter: UsageFilterValues | undefined) {
  if (!filter) return null;
  const input = {
    userIds: orNull(filter.userIds),
    groupIds: orNull(filter.groupIds),
    models: orNull(filter.models),
    providers: orNull(filter.providers),
  };
  return Object.values(input).some(Boolean) ? input : null;
}

export function createUsageReport(source: UsageSource, request: () => UsageReportRequest) {
  const variables = () => {
    const { range, groupBy, filter } = request();
    return { from: range?.from, to: range?.to, groupBy: [...groupBy], filter: filterInput(filter) };
  };
  // A custom period that is not complete yet asks for nothing.
  const pause = () => request().range === null;
  if (source === "organization") {
    const [result] = createQuery({ query: OrganizationUsageQuery, variables, pause });
    return {
      report: (): UsageReport | undefined => result.data?.organizationUsage,
      fetching: () => result.fetching,
      error: () => result.error,
    };
  }
  const [result] = createQuery({ query: MyUsageQuery, variables, pause });
  return {
    report: (): UsageReport | undefined => result.data?.myUsage,
    fetching: () => result.fetching,
    error: () => result.error,
  };
}
