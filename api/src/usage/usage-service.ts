import type { PrismaClient } from "../generated/prisma/client.js";

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageSummary extends UsageTotals {
  byModel: (UsageTotals & { model: string })[];
  byDay: { day: string; requests: number; costUsd: number }[];
}

/** The first instant of the current month (UTC): the default start of "usage this month". */
export function startOfMonth(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Requests, tokens and cost of one user between two instants, in total, per model and per UTC day. */
export async function summarizeUsage(
  prisma: PrismaClient,
  userId: string,
  from: Date,
  to: Date,
): Promise<UsageSummary> {
  const where = { userId, createdAt: { gte: from, lt: to } };
  const byModel = await prisma.tokenUsage.groupBy({
    by: ["model"],
    where,
    _count: { _all: true },
    _sum: { promptTokens: true, completionTokens: true, estimatedCost: true },
    orderBy: { model: "asc" },
  });
  const byDay = await prisma.$queryRaw<
    { day: string; requests: bigint | number; cost: string | number | null }[]
  >`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as requests,
           sum(estimated_cost)::text as cost
      from chat_token_usage
     where user_id = ${userId}::uuid and created_at >= ${from} and created_at < ${to}
     group by 1 order by 1`;

  const models = byModel.map((row) => ({
    model: row.model,
    requests: row._count._all,
    promptTokens: row._sum.promptTokens ?? 0,
    completionTokens: row._sum.completionTokens ?? 0,
    costUsd: Number(row._sum.estimatedCost ?? 0),
  }));
  return {
    requests: sum(models, "requests"),
    promptTokens: sum(models, "promptTokens"),
    completionTokens: sum(models, "completionTokens"),
    costUsd: roundUsd(sum(models, "costUsd")),
    byModel: models.map((model) => ({ ...model, costUsd: roundUsd(model.costUsd) })),
    byDay: byDay.map((row) => ({
      day: row.day,
      requests: Number(row.requests),
      costUsd: roundUsd(Number(row.cost ?? 0)),
    })),
  };
}

const sum = <Key extends keyof UsageTotals>(rows: UsageTotals[], key: Key) =>
  rows.reduce((total, row) => total + row[key], 0);

/** Dollars to 1e-8, which hides float noise but keeps the cost of a single short answer visible. */
export const roundUsd = (value: number) => Math.round(value * 1e8) / 1e8;
