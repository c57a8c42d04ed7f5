import { z } from "zod";
import { BudgetRef, BudgetScopeEnum } from "../budgets/schema.js";
import type { Notification } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { oncePerRequest } from "../graphql/per-request.js";

const NotificationKindEnum = builder.enumType("NotificationKind", {
  values: { BUDGET_THRESHOLD: { description: "A budget passed one of its alert thresholds" } },
});

/** What the database wrote with a budget alert (app_budget_settle). */
interface BudgetAlertPayload {
  budgetId?: string;
  scope?: string;
  targetName?: string;
  threshold?: number;
  spentUsd?: number | string;
  limitUsd?: number | string;
  resetsAt?: string | null;
}

const payloadOf = (notification: Notification) => (notification.payload ?? {}) as BudgetAlertPayload;
const amount = (value: number | string | undefined) => (value === undefined ? null : Number(value));

const NotificationRef = builder.objectRef<Notification>("Notification").implement({
  description: "Something the platform tells a person (in the app, and by e-mail where configured)",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({
      type: NotificationKindEnum,
      resolve: (notification) => notification.kind as "BUDGET_THRESHOLD",
    }),
    createdAt: t.field({ type: "DateTime", resolve: (notification) => notification.createdAt }),
    readAt: t.field({ type: "DateTime", nullable: true, resolve: (notification) => notification.readAt }),
    budget: t.field({
      type: BudgetRef,
      nullable: true,
      description: "For BUDGET_THRESHOLD: the budget (null once deleted or no longer visible)",
      resolve: async (notification, _args, context) => {
        const budgetId = payloadOf(notification).budgetId;
        if (!budgetId) return null;
        const viewer = context.viewer;
        if (!viewer) return null;
        const mine = await oncePerRequest(context, "my-budgets", () => context.services.budgets.mine(viewer));
        return mine.find((budget) => budget.id === budgetId) ?? null;
      },
    }),
    budgetScope: t.field({
      type: BudgetScopeEnum,
      nullable: true,
      resolve: (notification) => (payloadOf(notification).scope as "ORGANIZATION" | undefined) ?? null,
    }),
    budgetTargetName: t.string({
      nullable: true,
      resolve: (notification) => payloadOf(notification).targetName ?? null,
    }),
    threshold: t.int({
      nullable: true,
      description: "The threshold crossed, in percent",
      resolve: (notification) => payloadOf(notification).threshold ?? null,
    }),
    spentUsd: t.float({
      nullable: true,
      resolve: (notification) => amount(payloadOf(notification).spentUsd),
    }),
    limitUsd: t.float({
      nullable: true,
      resolve: (notification) => amount(payloadOf(notification).limitUsd),
    }),
    resetsAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (notification) => {
        const resetsAt = payloadOf(notification).resetsAt;
        return resetsAt ? new Date(resetsAt) : null;
      },
    }),
  }),
});

builder.queryField("notifications", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [NotificationRef],
    description: "My notifications, newest first (at most 50)",
    args: { unreadOnly: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, args, context) =>
      context.services.notifications.list(context.viewer, args.unreadOnly ?? false),
  }),
);

builder.mutationField("markNotificationsRead", (t) =>
  t.withAuth({ loggedIn: true }).int({
    description: "Marks these (or all, when ids is omitted) as read; returns how many changed",
    args: { ids: t.arg.idList({ validate: z.array(z.string()).max(200) }) },
    resolve: (_root, args, context) =>
      context.services.notifications.markRead(context.viewer, args.ids ? args.ids.map(String) : null),
  }),
);
