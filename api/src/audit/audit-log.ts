import type { Viewer } from "../auth/viewer.js";
import { ForbiddenError } from "../errors/app-errors.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { AuditOutcome } from "./audit-actions.js";
import type { AuditTrail } from "./audit-trail.js";

export interface AuditFilter {
  actions?: string[] | null;
  /** The acting user or API key (a user also matches the keys they acted with). */
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: AuditOutcome | null;
  from?: Date | null;
  to?: Date | null;
  /** Words found in names, action, reason, address or request id. */
  search?: string | null;
}

/** Organisation admins read their organisation's log; platform operators also the platform's. */
export function assertMayReadAuditLog(viewer: Viewer): void {
  if (!viewer.isAdmin && !viewer.isPlatformAdmin) {
    throw new ForbiddenError("Only admins of the organisation read its audit log");
  }
}

/** The entries a filter selects (row-level security adds: only what the viewer may read). */
export function auditWhere(
  viewer: Viewer,
  filter: AuditFilter | null | undefined,
): Prisma.AuditEntryWhereInput {
  const scope: Prisma.AuditEntryWhereInput[] = [];
  if (viewer.isAdmin) scope.push({ orgId: viewer.orgId });
  if (viewer.isPlatformAdmin) scope.push({ orgId: null });
  const where: Prisma.AuditEntryWhereInput[] = [{ OR: scope }];
  if (filter?.actions?.length) where.push({ action: { in: filter.actions } });
  if (filter?.actorId) where.push({ OR: [{ actorId: filter.actorId }, { actorUserId: filter.actorId }] });
  if (filter?.targetType) where.push({ targetType: filter.targetType });
  if (filter?.targetId) where.push({ targetId: filter.targetId });
  if (filter?.outcome) where.push({ outcome: filter.outcome });
  if (filter?.from) where.push({ at: { gte: filter.from } });
  if (filter?.to) where.push({ at: { lt: filter.to } });
  for (const word of (filter?.search ?? "").split(/\s+/).filter(Boolean).slice(0, 5)) {
    const contains = { contains: word, mode: "insensitive" as const };
    where.push({
      OR: [
        { action: contains },
        { actorLabel: contains },
        { targetLabel: contains },
        { targetId: contains },
        { reason: contains },
        { ip: contains },
        { requestId: contains },
      ],
    });
  }
  return { AND: where };
}

export interface AuditBrokenLink {
  entryId: string;
  at: Date;
  action: string;
  /** altered: the entry's content no longer matches its hash; chain: its predecessor is not the one it was chained to. */
  problem: "altered" | "chain";
  orgId: string | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBroken: AuditBrokenLink | null;
}

/** One row of app_audit_breaks (the migrations): an organisation's chain, checked. */
export interface AuditBreakRow {
  org_id: string | null;
  checked: bigint | number | string;
  broken_id: string | null;
  broken_at: Date | string | null;
  broken_action: string | null;
  problem: "altered" | "chain" | null;
}

/**
 * What app_audit_breaks found, over every chain the caller may read (an admin: their organisation's;
 * the owner: all of them): the entries checked and the earliest broken link.
 */
export function summarizeAuditBreaks(rows: AuditBreakRow[]): AuditVerification & { organizations: number } {
  const broken = rows
    .filter((row) => row.broken_id)
    .map((row) => ({
      entryId: row.broken_id!,
      at: new Date(row.broken_at!),
      action: row.broken_action!,
      problem: row.problem!,
      orgId: row.org_id,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    ok: broken.length === 0,
    checked: rows.reduce((total, row) => total + Number(row.checked), 0),
    firstBroken: broken[0] ?? null,
    organizations: rows.length,
  };
}

/** The chains as the caller may read them, checked by the database (every hash recomputed). */
export async function verifyAuditChain(
  prisma: Pick<PrismaClient, "$queryRaw">,
  from: Date | null,
  to: Date | null,
): Promise<AuditVerification & { organizations: number }> {
  const rows = await prisma.$queryRaw<AuditBreakRow[]>`
    select * from app_audit_breaks(${from}::timestamptz, ${to}::timestamptz)`;
  return summarizeAuditBreaks(rows);
}

/** An admin's verification, itself recorded (who checked, and what they found). */
export async function verifyAuditLogFor(
  prisma: PrismaClient,
  audit: AuditTrail,
  viewer: Viewer,
  from: Date | null,
  to: Date | null,
): Promise<AuditVerification> {
  assertMayReadAuditLog(viewer);
  const result = await verifyAuditChain(prisma, from, to);
  await audit.record({
    action: "audit.verified",
    outcome: result.ok ? "success" : "failure",
    reason: result.firstBroken
      ? `entry ${result.firstBroken.entryId} (${result.firstBroken.action}) ${result.firstBroken.problem}`
      : null,
    changes: { checked: { after: result.checked } },
  });
  return { ok: result.ok, checked: result.checked, firstBroken: result.firstBroken };
}
