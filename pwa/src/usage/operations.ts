import { graphql } from "../gql";

export const UsageQuery = graphql(`
  query Usage($from: DateTime!) {
    usage(from: $from) {
      requests
      promptTokens
      completionTokens
      costUsd
      byModel {
        model
        requests
        promptTokens
        completionTokens
        costUsd
      }
    }
  }
`);

export const UsageRowFieldsFragment = graphql(`
  fragment UsageRowFields on UsageRow {
    key
    label
    dimensions {
      groupBy
      key
      label
    }
    requests
    promptTokens
    cachedTokens
    completionTokens
    reasoningTokens
    costUsd
    p95FirstTokenMs
  }
`);

export const UsageReportFieldsFragment = graphql(`
  fragment UsageReportFields on UsageReport {
    rows {
      ...UsageRowFields
    }
    totals {
      ...UsageRowFields
    }
    projectedMonthUsd
  }
`);

// The same report twice: the organisation's (its admins) and the viewer's own (anyone signed in).
export const OrganizationUsageQuery = graphql(`
  query OrganizationUsage($from: DateTime, $to: DateTime, $groupBy: [UsageGroupBy!]!, $filter: UsageFilter) {
    organizationUsage(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {
      ...UsageReportFields
    }
  }
`);

export const MyUsageQuery = graphql(`
  query MyUsage($from: DateTime, $to: DateTime, $groupBy: [UsageGroupBy!]!, $filter: UsageFilter) {
    myUsage(from: $from, to: $to, groupBy: $groupBy, filter: $filter) {
      ...UsageReportFields
    }
  }
`);
