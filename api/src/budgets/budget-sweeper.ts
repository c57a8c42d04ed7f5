import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";

const EVERY_MS = 60_000;
/** A reservation this old with no answer still being generated for it belongs to a call that died. */
export const ABANDONED_AFTER_MINUTES = 5;

/**
 * Releases the budget reservations of calls that died without an event (a crash before the provider
 * call, a lost process), so that their worst case does not hold room for ever. Every replica runs it;
 * the database locks make a second run find nothing.
 */
export function scheduleBudgetSweep(prisma: PrismaClient, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    sweepBudgetReservations(prisma).then(
      (released) => {
        if (released > 0) logger.info({ released }, "abandoned budget reservations released");
      },
      (error: unknown) => logger.warn({ err: error }, "could not sweep budget reservations"),
    );
  }, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** One pass now (tests, tools): how many reservations were released. */
export async function sweepBudgetReservations(
  prisma: PrismaClient,
  olderThanMinutes = ABANDONED_AFTER_MINUTES,
): Promise<number> {
  const [row] = await prisma.$queryRaw<{ released: number }[]>`
    select app_budget_sweep(${olderThanMinutes}::integer) as released`;
  return Number(row?.released ?? 0);
}
