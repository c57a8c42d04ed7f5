import type { Viewer } from "../auth/viewer.js";
import { BadInputError, ForbiddenError } from "../errors/app-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type UsageFilter, type UsageGroupBy, type UsagePeriod, usageReport } from "./usage-report.js";
import { startOfMonth } from "./usage-service.js";

/** A report's period: default from the start of this month (UTC) to now. */
export function periodOf(args: { from?: Date | null; to?: Date | null }, now = new Date()): UsagePeriod {
  const period = { from: args.from ?? startOfMonth(now), to: args.to ?? now };
  if (period.from >= period.to) throw new BadInputError("`from` must be before `to`");
  return period;
}

export function assertMayReadOrganizationUsage(viewer: Viewer): void {
  if (!viewer.isAdmin) throw new ForbiddenError("Only admins of the organisation see its usage");
}

/** The organisation's usage, for its admins. */
export function organizationUsage(
  prisma: PrismaClient,
  viewer: Viewer,
  period: UsagePeriod,
  groupBy: readonly UsageGroupBy[],
  filter: UsageFilter,
) {
  assertMayReadOrganizationUsage(viewer);
  return usageReport(prisma, viewer.orgId, period, groupBy, filter);
}

/** The viewer's own usage: the same report, whatever users the filter names. */
export function myUsage(
  prisma: PrismaClient,
  viewer: Viewer,
  period: UsagePeriod,
  groupBy: readonly UsageGroupBy[],
  filter: UsageFilter,
) {
  return usageReport(prisma, viewer.orgId, period, groupBy, { ...filter, userIds: [viewer.userId] });
}

export interface OrganizationStats {
  users: number;
  activeUsers7d: number;
  chats: number;
  messages: number;
  assistants: number;
  templates: number;
  /** Uploaded documents (none until documents and retrieval arrive). */
  documents: number;
}

export async function organizationStats(prisma: PrismaClient, viewer: Viewer): Promise<OrganizationStats> {
  assertMayReadOrganizationUsage(viewer);
  const [row] = await prisma.$queryRaw<
    {
      users: bigint;
      active_users_7d: bigint;
      chats: bigint;
      messages: bigint;
      assistants: bigint;
      templates: bigint;
    }[]
  >`select * from app_organization_stats()`;
  return {
    users: Number(row?.users ?? 0),
    activeUsers7d: Number(row?.active_users_7d ?? 0),
    chats: Number(row?.chats ?? 0),
    messages: Number(row?.messages ?? 0),
    assistants: Number(row?.assistants ?? 0),
    templates: Number(row?.templates ?? 0),
    documents: 0,
  };
}
