import { BadInputError } from "../errors/app-errors.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { findCatalogueModel } from "../providers/catalogue.js";
import { PROVIDER_NAMES, type ProviderId } from "../providers/types.js";
import { FIRST_TOKEN_BOUNDS_MS, percentileOf } from "./first-token-histogram.js";
import { roundUsd } from "./usage-service.js";

export const USAGE_GROUP_BY = [
  "USER",
  "GROUP",
  "MODEL",
  "PROVIDER",
  "API_KEY",
  "DAY",
  "WEEK",
  "MONTH",
] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

export interface UsageFilter {
  userIds?: readonly string[] | null;
  groupIds?: readonly string[] | null;
  models?: readonly string[] | null;
  providers?: readonly string[] | null;
}

export interface UsageDimension {
  groupBy: UsageGroupBy;
  /** The user's, group's or API key's id, the model id, the provider, or the date (YYYY-MM-DD). */
  key: string;
  label: string;
}

export interface UsageRow {
  key: string;
  label: string;
  dimensions: UsageDimension[];
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costUsd: number;
  /** From the histogram of the row's calls; null when none of them streamed a token. */
  p95FirstTokenMs: number | null;
}

export interface UsageReport {
  rows: UsageRow[];
  totals: UsageRow;
  /** The current calendar month's cost so far (UTC, within the filter), extrapolated to its end. */
  projectedMonthUsd: number | null;
}

export interface UsagePeriod {
  from: Date;
  to: Date;
}

/** The key of calls made in a signed-in session (no API key) and of a user outside every group. */
export const NO_KEY = "";

const DATE_DIMENSIONS = new Set<UsageGroupBy>(["DAY", "WEEK", "MONTH"]);
/** Dimensions only the per-person rollup (app_usage_daily) holds. */
const PER_PERSON = new Set<UsageGroupBy>(["USER", "GROUP", "API_KEY"]);

/** Each dimension as a column of app_usage_daily d (and g, the group a row is counted for). */
const DIMENSION_SQL: Record<UsageGroupBy, string> = {
  USER: "coalesce(d.user_id::text, '')",
  GROUP: "coalesce(g.group_id::text, '')",
  MODEL: "d.model::text",
  PROVIDER: "d.provider::text",
  API_KEY: "coalesce(d.api_key_id::text, '')",
  DAY: "to_char(d.day, 'YYYY-MM-DD')",
  WEEK: "to_char(date_trunc('week', d.day), 'YYYY-MM-DD')",
  MONTH: "to_char(date_trunc('month', d.day), 'YYYY-MM-DD')",
};

/** The rows' first-token histograms added up, element by element (21 plain sums). */
const SUMMED_BUCKETS = Prisma.raw(
  `array[${Array.from({ length: FIRST_TOKEN_BOUNDS_MS.length + 1 }, (_, index) => `coalesce(sum(d.first_token_buckets[${index + 1}]), 0)`).join(", ")}]::float8[]`,
);

interface SummedRow {
  /** The grouping set of the total (no dimension). */
  total: boolean;
  /** The dimensions' keys, k0 … k2. */
  [key: `k${number}`]: string;
  requests: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cost: string | null;
  buckets: number[] | null;
}

/**
 * Usage of one organisation between two instants, grouped by any of the dimensions, from the daily
 * rollups (app_usage_daily per person, key and model; app_usage_daily_models per model): whole UTC days, from the day of `from` to the day of the last instant before
 * `to`. A call counts once in the totals; grouped by GROUP, it counts for each group its user was in.
 * Row-level security limits the rows to the caller's own unless they are an admin.
 */
export async function usageReport(
  prisma: PrismaClient,
  orgId: string,
  period: UsagePeriod,
  groupBy: readonly UsageGroupBy[],
  filter: UsageFilter = {},
  now = new Date(),
): Promise<UsageReport> {
  const dimensions = [...new Set(groupBy)];
  if (dimensions.length > 3) throw new BadInputError("Group by at most three dimensions at once");
  if (period.from >= period.to) throw new BadInputError("`from` must be before `to`");
  const days = dayRange(period);
  // Grouped by GROUP, a call counts for each of its groups: the totals need a scan of their own.
  const separateTotal = dimensions.includes("GROUP");
  const [summed, totalOnly, projected] = await Promise.all([
    sums(prisma, orgId, days, dimensions, filter, !separateTotal),
    separateTotal ? sums(prisma, orgId, days, [], filter, false) : [],
    projectMonth(prisma, orgId, period, filter, now),
  ]);
  const grouped = dimensions.length ? summed.filter((row) => !row.total) : [];
  const total = separateTotal ? totalOnly[0] : summed.find((row) => row.total || !dimensions.length);
  const labels = await labelsFor(prisma, orgId, dimensions, grouped);
  const rows = grouped.map((row) => {
    const parts = dimensions.map((dimension, index) => {
      const key = row[`k${index}`] ?? "";
      return { groupBy: dimension, key, label: labels.get(`${dimension}:${key}`) ?? key };
    });
    return toRow(
      row,
      parts.map((part) => part.key).join("|"),
      parts.map((part) => part.label).join(" · "),
      parts,
    );
  });
  const first = dimensions[0];
  if (first && !DATE_DIMENSIONS.has(first)) {
    rows.sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
  }
  return {
    rows,
    totals: total ? toRow(total, "total", "Total", []) : emptyRow(),
    projectedMonthUsd: projected,
  };
}

/** The days of the rollup a period covers. */
function dayRange({ from, to }: UsagePeriod): { first: string; last: string } {
  return { first: utcDate(from), last: utcDate(new Date(to.getTime() - 1)) };
}

const utcDate = (instant: Date) => instant.toISOString().slice(0, 10);

function sums(
  prisma: PrismaClient,
  orgId: string,
  days: { first: string; last: string },
  dimensions: readonly UsageGroupBy[],
  filter: UsageFilter,
  withTotal: boolean,
): Promise<SummedRow[]> {
  const byGroup = dimensions.includes("GROUP");
  // One column per dimension (grouping by an array of them costs twice as much).
  const keys = Prisma.raw(
    dimensions.map((dimension, index) => `${DIMENSION_SQL[dimension]} as k${index}, `).join(""),
  );
  // Without anything per person, the organisation-wide rollup (one row per day and model) suffices.
  const perPerson =
    dimensions.some((dimension) => PER_PERSON.has(dimension)) ||
    Boolean(filter.userIds?.length) ||
    Boolean(filter.groupIds?.length);
  const rollup = Prisma.raw(perPerson ? "app_usage_daily" : "app_usage_daily_models");
  const groupJoin = byGroup
    ? Prisma.sql`left join lateral unnest(case when cardinality(d.group_ids) = 0 then array[null::uuid]
                   else d.group_ids end) as g(group_id) on true`
    : Prisma.empty;
  const conditions = [
    Prisma.sql`d.org_id = ${orgId}::uuid`,
    Prisma.sql`d.day between ${days.first}::date and ${days.last}::date`,
    ...filterConditions(filter),
  ];
  if (byGroup && filter.groupIds?.length) {
    conditions.push(Prisma.sql`g.group_id = any(${[...filter.groupIds]}::uuid[])`);
  }
  // The rows and (one scan, a grouping set of its own) their total.
  const expressions = dimensions.map((dimension) => DIMENSION_SQL[dimension]).join(", ");
  const positions = dimensions.map((_, index) => index + 2).join(", ");
  const grouping = !dimensions.length
    ? Prisma.empty
    : withTotal
      ? Prisma.raw(`group by grouping sets ((${expressions}), ()) order by 1, ${positions}`)
      : Prisma.raw(`group by ${expressions} order by 1, ${positions}`);
  const totalFlag = Prisma.raw(
    dimensions.length && withTotal ? `grouping(${expressions}) > 0 as total, ` : "false as total, ",
  );
  return prisma.$queryRaw<SummedRow[]>`
    select ${totalFlag}${keys}sum(d.requests)::float8 as requests, sum(d.prompt_tokens)::float8 as prompt_tokens,
           sum(d.cached_tokens)::float8 as cached_tokens, sum(d.completion_tokens)::float8 as completion_tokens,
           sum(d.reasoning_tokens)::float8 as reasoning_tokens, sum(d.cost_usd)::text as cost,
           ${SUMMED_BUCKETS} as buckets
      from ${rollup} d ${groupJoin}
     where ${Prisma.join(conditions, " and ")}
     ${grouping}`;
}

function filterConditions(filter: UsageFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.userIds?.length) conditions.push(Prisma.sql`d.user_id = any(${[...filter.userIds]}::uuid[])`);
  if (filter.groupIds?.length) conditions.push(Prisma.sql`d.group_ids && ${[...filter.groupIds]}::uuid[]`);
  if (filter.models?.length) conditions.push(Prisma.sql`d.model = any(${[...filter.models]}::text[])`);
  if (filter.providers?.length)
    conditions.push(Prisma.sql`d.provider = any(${[...filter.providers]}::text[])`);
  return conditions;
}

/** This month's cost so far, scaled to the whole month; null when the period ends before this month. */
async function projectMonth(
  prisma: PrismaClient,
  orgId: string,
  period: UsagePeriod,
  filter: UsageFilter,
  now: Date,
): Promise<number | null> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  if (period.to <= monthStart) return null;
  const [month] = await sums(prisma, orgId, dayRange({ from: monthStart, to: now }), [], filter, false);
  const spent = Number(month?.cost ?? 0);
  const elapsed = Math.max(now.getTime() - monthStart.getTime(), 3_600_000);
  return roundUsd((spent * (monthEnd.getTime() - monthStart.getTime())) / elapsed);
}

function toRow(row: SummedRow, key: string, label: string, dimensions: UsageDimension[]): UsageRow {
  return {
    key,
    label,
    dimensions,
    requests: Number(row.requests ?? 0),
    promptTokens: Number(row.prompt_tokens ?? 0),
    cachedTokens: Number(row.cached_tokens ?? 0),
    completionTokens: Number(row.completion_tokens ?? 0),
    reasoningTokens: Number(row.reasoning_tokens ?? 0),
    costUsd: roundUsd(Number(row.cost ?? 0)),
    p95FirstTokenMs: row.buckets ? percentileOf(row.buckets, 0.95) : null,
  };
}

const emptyRow = (): UsageRow => ({
  key: "total",
  label: "Total",
  dimensions: [],
  requests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  p95FirstTokenMs: null,
});

/** Names for the ids of the rows, in a handful of queries (`DIMENSION:key` → label). */
async function labelsFor(
  prisma: PrismaClient,
  orgId: string,
  dimensions: readonly UsageGroupBy[],
  rows: SummedRow[],
): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const keysOf = (dimension: UsageGroupBy) => {
    const index = dimensions.indexOf(dimension);
    return index < 0 ? [] : [...new Set(rows.map((row) => row[`k${index}`] ?? "").filter(Boolean))];
  };
  const set = (dimension: UsageGroupBy, key: string, label: string) =>
    labels.set(`${dimension}:${key}`, label);
  const users = keysOf("USER");
  const groups = keysOf("GROUP");
  const keys = keysOf("API_KEY");
  const models = keysOf("MODEL");
  const [userRows, groupRows, keyRows, modelRows] = await Promise.all([
    users.length
      ? prisma.user.findMany({
          where: { id: { in: users } },
          select: { id: true, username: true, deletedAt: true },
        })
      : [],
    groups.length
      ? prisma.group.findMany({ where: { id: { in: groups } }, select: { id: true, name: true } })
      : [],
    keys.length
      ? prisma.$queryRaw<
          { id: string; name: string }[]
        >`select id, name from app_api_key_names(${keys}::uuid[])`
      : [],
    models.length
      ? prisma.modelConfig.findMany({
          where: { orgId, modelId: { in: models }, displayName: { not: null } },
          select: { modelId: true, displayName: true },
        })
      : [],
  ]);
  set("USER", "", "(erased account)");
  for (const user of userRows)
    set("USER", user.id, user.deletedAt ? `${user.username} (deleted)` : user.username);
  set("GROUP", "", "(no group)");
  for (const group of groupRows) set("GROUP", group.id, group.name);
  set("API_KEY", NO_KEY, "Session");
  for (const key of keyRows) set("API_KEY", key.id, key.name);
  for (const model of models) set("MODEL", model, findCatalogueModel(model)?.name ?? model);
  for (const model of modelRows) set("MODEL", model.modelId, model.displayName!);
  for (const provider of keysOf("PROVIDER")) {
    set("PROVIDER", provider, PROVIDER_NAMES[provider as ProviderId] ?? provider);
  }
  return labels;
}
