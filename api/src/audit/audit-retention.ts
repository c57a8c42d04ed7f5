import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";

const DAY_MS = 86_400_000;

/**
 * Deletes audit entries past their organisation's retention (AUDIT_RETENTION_DAYS unless the
 * organisation set its own), through the one database function allowed to, which records the deletion
 * in the chain. Runs at start and then daily; with several replicas each runs it, which is harmless
 * (the second finds nothing to delete).
 */
export function scheduleAuditRetention(
  prisma: PrismaClient,
  logger: Logger,
  defaultDays: number,
): { stop(): void } {
  const prune = async () => {
    try {
      const removed = await pruneAuditLog(prisma, defaultDays);
      if (removed > 0) logger.info({ removed, retentionDays: defaultDays }, "old audit entries deleted");
    } catch (error) {
      logger.warn({ err: error }, "audit retention failed; retried tomorrow");
    }
  };
  const first = setTimeout(prune, 60_000);
  const daily = setInterval(prune, DAY_MS);
  first.unref();
  daily.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}

/** One pass now (tests, tools). */
export async function pruneAuditLog(prisma: PrismaClient, defaultDays: number): Promise<number> {
  const rows = await prisma.$queryRaw<{ removed: bigint }[]>`
    select app_prune_audit_log(${defaultDays}::integer) as removed`;
  return Number(rows[0]?.removed ?? 0);
}
