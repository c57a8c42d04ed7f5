import type { PrismaClient } from "../generated/prisma/client.js";

// With several replicas, another one may be generating right now; it saves at least every few seconds.
const STALE_AFTER_MS = 60_000;

/**
 * At start-up: answers left STREAMING by a crashed process become INTERRUPTED, keeping the text that
 * was saved. Alone (no Redis), every streaming answer is orphaned; with replicas, only stale ones.
 */
export async function recoverInterruptedAnswers(
  prisma: PrismaClient,
  options: { sharedWithReplicas: boolean },
) {
  const { count } = await prisma.message.updateMany({
    where: {
      status: "streaming",
      ...(options.sharedWithReplicas ? { updatedAt: { lt: new Date(Date.now() - STALE_AFTER_MS) } } : {}),
    },
    data: { status: "interrupted", updatedAt: new Date() },
  });
  return count;
}
