import { BadInputError } from "../errors/app-errors.js";
import { builder } from "../graphql/builder.js";
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
