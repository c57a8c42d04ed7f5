import { z } from "zod";
import { ApiKeyRef } from "../api-keys/schema.js";
import { builder } from "../graphql/builder.js";
import type { BudgetView } from "./budget-service.js";
import { budgetTargetId } from "./budget-targets.js";

export const BudgetScopeEnum = builder.enumType("BudgetScope", {
  description: "Which spending a budget limits",
  values: ["ORGANIZATION", "GROUP", "USER", "API_KEY"] as const,
});

const BudgetPeriodEnum = builder.enumType("BudgetPeriod", {
  description: "When a budget starts again from zero (calendar boundaries in the organisation's time zone)",
  values: ["DAY", "WEEK", "MONTH", "TOTAL"] as const,
});

export const BudgetRef = builder.objectRef<BudgetView>("Budget").implement({
  description: "A spending limit; every budget that applies to a request must have room for it",
  fields: (t) => ({
    id: t.exposeID("id"),
    scope: t.field({ type: BudgetScopeEnum, resolve: (budget) => budget.scope as "ORGANIZATION" }),
    targetId: t.id({
      nullable: true,
      description: "The group, user or API key; null for ORGANIZATION",
      resolve: (budget) => budgetTargetId(budget),
    }),
    targetName: t.exposeString("targetName", {
      description: "The organisation's, group's or user's name, or the key's name",
    }),
    limitUsd: t.float({ resolve: (budget) => budget.limitUsd.toNumber() }),
    period: t.field({ type: BudgetPeriodEnum, resolve: (budget) => budget.period as "DAY" }),
    periodStart: t.field({
      type: "DateTime",
      description: "The start of the current period",
      resolve: (budget) => budget.periodStart,
    }),
    resetsAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the period ends and spending starts again from zero; null for TOTAL",
      resolve: (budget) => budget.resetsAt,
    }),
    spentUsd: t.float({ resolve: (budget) => budget.spentUsd.toNumber() }),
    reservedUsd: t.float({
      description: "Held for requests still running (their worst case until they end)",
      resolve: (budget) => budget.reservedUsd.toNumber(),
    }),
    remainingUsd: t.float({
      description: "limitUsd - spentUsd - reservedUsd, never below 0",
      resolve: (budget) => budget.remainingUsd,
    }),
    usedPercent: t.float({
      description: "spentUsd / limitUsd × 100",
      resolve: (budget) => budget.usedPercent,
    }),
    hard: t.exposeBoolean("hard", { description: "Hard: refuses requests when reached; soft: only alerts" }),
    alertThresholds: t.intList({
      description: "Percentages of the limit at which people are told (once per period each)",
      resolve: (budget) => budget.alertThresholds,
    }),
    models: t.stringList({
      nullable: true,
      description: "Only these models count against the budget; null: all models",
      resolve: (budget) => (budget.models.length > 0 ? budget.models : null),
    }),
    fallbackModel: t.string({
      nullable: true,
      description: "When this hard budget is reached, answers continue on this model instead of refusing",
      resolve: (budget) => budget.fallbackModel,
    }),
    createdAt: t.field({ type: "DateTime", resolve: (budget) => budget.createdAt }),
    updatedAt: t.field({ type: "DateTime", resolve: (budget) => budget.updatedAt }),
  }),
});

const limitSchema = z
  .number()
  .positive("The limit is more than $0")
  .max(100_000_000, "The limit is at most $100,000,000");
const thresholdsSchema = z
  .array(z.number().int().min(1, "Thresholds are 1–100 %").max(100, "Thresholds are 1–100 %"))
  .max(10, "At most 10 thresholds");
const modelsSchema = z.array(z.string().trim().min(1).max(100)).max(200, "At most 200 models");
const fallbackSchema = z.string().trim().max(100);

const CreateBudgetInput = builder.inputType("CreateBudgetInput", {
  fields: (t) => ({
    scope: t.field({ type: BudgetScopeEnum, required: true }),
    targetId: t.id({ description: "The group, user or API key id; none for ORGANIZATION" }),
    limitUsd: t.float({ required: true, validate: limitSchema }),
    period: t.field({ type: BudgetPeriodEnum, required: true }),
    hard: t.boolean({ description: "Default true" }),
    alertThresholds: t.intList({ description: "Default [50, 80, 100]", validate: thresholdsSchema }),
    models: t.stringList({ validate: modelsSchema }),
    fallbackModel: t.string({ validate: fallbackSchema }),
  }),
});

const UpdateBudgetInput = builder.inputType("UpdateBudgetInput", {
  fields: (t) => ({
    limitUsd: t.float({ validate: limitSchema }),
    period: t.field({ type: BudgetPeriodEnum }),
    hard: t.boolean(),
    alertThresholds: t.intList({ validate: thresholdsSchema }),
    models: t.stringList({ description: "An empty list: all models again", validate: modelsSchema }),
    fallbackModel: t.string({
      description: "An empty string removes the fallback",
      validate: fallbackSchema,
    }),
  }),
});

builder.queryFields((t) => ({
  budgets: t.withAuth({ loggedIn: true }).field({
    type: [BudgetRef],
    description: "The organisation's budgets (its admins); optionally of one scope, or one target",
    args: { scope: t.arg({ type: BudgetScopeEnum }), targetId: t.arg.id() },
    resolve: (_root, args, context) =>
      context.services.budgets.list(context.viewer, {
        scope: args.scope,
        targetId: args.targetId == null ? null : String(args.targetId),
      }),
  }),
  myBudgets: t.withAuth({ loggedIn: true }).field({
    type: [BudgetRef],
    description: "Every budget that applies to me (with an API key: also the key's), strictest first",
    resolve: (_root, _args, context) => context.services.budgets.mine(context.viewer),
  }),
}));

builder.mutationFields((t) => ({
  createBudget: t.withAuth({ session: true }).field({
    type: BudgetRef,
    args: { input: t.arg({ type: CreateBudgetInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.budgets.create(context.viewer, {
        ...input,
        targetId: input.targetId == null ? null : String(input.targetId),
      }),
  }),
  updateBudget: t.withAuth({ session: true }).field({
    type: BudgetRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateBudgetInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.budgets.update(context.viewer, String(args.id), args.input),
  }),
  deleteBudget: t.withAuth({ session: true }).boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.budgets.remove(context.viewer, String(args.id)),
  }),
}));

builder.objectField(ApiKeyRef, "budget", (t) =>
  t.field({
    type: BudgetRef,
    nullable: true,
    description: "The key's own budget, if it has one",
    resolve: (key, _args, context) => context.services.budgets.ofApiKey(key.id),
  }),
);
