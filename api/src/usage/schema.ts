import { BadInputError } from "../errors/app-errors.js";
import { builder } from "../graphql/builder.js";
import {
  myUsage,
  type OrganizationStats,
  organizationStats,
  organizationUsage,
  periodOf,
} from "./usage-access.js";
import { USAGE_GROUP_BY, type UsageDimension, type UsageReport, type UsageRow } from "./usage-report.js";
import { startOfMonth, summarizeUsage, type UsageSummary } from "./usage-service.js";

const UsageByModel = builder.objectRef<UsageSummary["byModel"][number]>("UsageByModel").implement({
  fields: (t) => ({
    model: t.exposeString("model"),
    requests: t.exposeInt("requests"),
    promptTokens: t.exposeInt("promptTokens"),
    completionTokens: t.exposeInt("completionTokens"),
    costUsd: t.exposeFloat("costUsd"),
  }),
});

const UsageByDay = builder.objectRef<UsageSummary["byDay"][number]>("UsageByDay").implement({
  fields: (t) => ({
    day: t.exposeString("day", { description: "UTC day, YYYY-MM-DD" }),
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
  }),
});

const UsageSummaryRef = builder.objectRef<UsageSummary>("UsageSummary").implement({
  description: "Provider calls (answers and titles) of the signed-in user, with tokens and estimated cost",
  fields: (t) => ({
    requests: t.exposeInt("requests"),
    promptTokens: t.exposeInt("promptTokens"),
    completionTokens: t.exposeInt("completionTokens"),
    costUsd: t.exposeFloat("costUsd"),
    byModel: t.field({ type: [UsageByModel], resolve: (summary) => summary.byModel }),
    byDay: t.field({ type: [UsageByDay], resolve: (summary) => summary.byDay }),
  }),
});

builder.queryField("usage", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: UsageSummaryRef,
    description: "Usage between `from` (default: start of this month, UTC) and `to` (default: now)",
    args: { from: t.arg({ type: "DateTime" }), to: t.arg({ type: "DateTime" }) },
    resolve: (_root, args, context) => {
      const from = args.from ?? startOfMonth();
      const to = args.to ?? new Date();
      if (from > to) throw new BadInputError("`from` must not be after `to`");
      return summarizeUsage(context.prisma, context.viewer.userId, from, to);
    },
  }),
);

const UsageGroupByEnum = builder.enumType("UsageGroupBy", { values: USAGE_GROUP_BY });

const UsageFilterInput = builder.inputType("UsageFilter", {
  fields: (t) => ({
    userIds: t.idList(),
    groupIds: t.idList(),
    models: t.stringList(),
    providers: t.stringList(),
  }),
});

const UsageDimensionRef = builder.objectRef<UsageDimension>("UsageDimension").implement({
  description: "One dimension of a usage row",
  fields: (t) => ({
    groupBy: t.field({ type: UsageGroupByEnum, resolve: (dimension) => dimension.groupBy }),
    key: t.exposeString("key", {
      description:
        "The user's, group's or API key's id ('' for no group, no API key, an erased account), the model id, the provider, or the date (YYYY-MM-DD, UTC; weeks start on Monday, months on the 1st)",
    }),
    label: t.exposeString("label"),
  }),
});

const UsageRowRef = builder.objectRef<UsageRow>("UsageRow").implement({
  fields: (t) => ({
    key: t.exposeString("key", {
      description: "The group's key; with several dimensions their keys joined by |",
    }),
    label: t.exposeString("label"),
    dimensions: t.field({ type: [UsageDimensionRef], resolve: (row) => row.dimensions }),
    requests: t.exposeInt("requests"),
    promptTokens: t.exposeFloat("promptTokens"),
    cachedTokens: t.exposeFloat("cachedTokens"),
    completionTokens: t.exposeFloat("completionTokens"),
    reasoningTokens: t.exposeFloat("reasoningTokens"),
    costUsd: t.exposeFloat("costUsd"),
    p95FirstTokenMs: t.exposeFloat("p95FirstTokenMs", {
      nullable: true,
      description: "95th percentile of the time to the first token, to the resolution of a histogram",
    }),
  }),
});

const UsageReportRef = builder.objectRef<UsageReport>("UsageReport").implement({
  description: "Usage by whole UTC days, from the day of `from` to the day before `to`",
  fields: (t) => ({
    rows: t.field({ type: [UsageRowRef], resolve: (report) => report.rows }),
    totals: t.field({ type: UsageRowRef, resolve: (report) => report.totals }),
    projectedMonthUsd: t.exposeFloat("projectedMonthUsd", {
      nullable: true,
      description: "This month's cost so far (within the filter), extrapolated to the month's end",
    }),
  }),
});

const OrganizationStatsRef = builder.objectRef<OrganizationStats>("OrganizationStats").implement({
  fields: (t) => ({
    users: t.exposeInt("users"),
    activeUsers7d: t.exposeInt("activeUsers7d", { description: "Signed in or refreshed in the last 7 days" }),
    chats: t.exposeInt("chats"),
    messages: t.exposeInt("messages"),
    assistants: t.exposeInt("assistants"),
    templates: t.exposeInt("templates"),
    documents: t.exposeInt("documents"),
  }),
});

builder.queryFields((t) => {
  const reportArgs = {
    from: t.arg({ type: "DateTime", description: "Default: the start of this month (UTC)" }),
    to: t.arg({ type: "DateTime", description: "Default: now" }),
    groupBy: t.arg({ type: [UsageGroupByEnum], required: true }),
    filter: t.arg({ type: UsageFilterInput }),
  };
  return {
    organizationUsage: t.withAuth({ loggedIn: true }).field({
      type: UsageReportRef,
      description: "The organisation's usage and costs (its admins)",
      args: reportArgs,
      resolve: (_root, args, context) =>
        organizationUsage(context.prisma, context.viewer, periodOf(args), args.groupBy, args.filter ?? {}),
    }),
    myUsage: t.withAuth({ loggedIn: true }).field({
      type: UsageReportRef,
      description: "The signed-in user's own usage and costs, like organizationUsage",
      args: reportArgs,
      resolve: (_root, args, context) =>
        myUsage(context.prisma, context.viewer, periodOf(args), args.groupBy, args.filter ?? {}),
    }),
    organizationStats: t.withAuth({ loggedIn: true }).field({
      type: OrganizationStatsRef,
      description: "The organisation's people and content, counted (its admins)",
      resolve: (_root, _args, context) => organizationStats(context.prisma, context.viewer),
    }),
  };
});
