import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";

export interface AnswerRecoveryOptions {
  prisma: PrismaClient;
  bus: AnswerStreamBus;
  logger: Logger;
  /** Whether this process generates the answer right now (those are never abandoned). */
  isGeneratedHere(messageId: string): boolean;
  sweepEveryMs: number;
}

/**
 * Settles answers that no process generates any more — their replica crashed, or it failed before
 * the generator started: they become INTERRUPTED with the text saved so far, and everyone following
 * them is told. This is the one path that writes another process's answers, and only once their lease
 * has run out (see answer-lease.ts).
 */
export class AnswerRecovery {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AnswerRecoveryOptions) {}

  /**
   * At start-up. Alone (no replicas share the answers), every answer left streaming is abandoned;
   * with replicas, only those whose lease has run out.
   */
  async recoverAtStart(alone: boolean): Promise<number> {
    return this.interrupt(alone ? { status: "streaming" } : abandoned());
  }

  /** The answers among `messageIds` (default: all) whose lease has run out are INTERRUPTED. */
  interruptAbandoned(messageIds?: string[]): Promise<number> {
    return this.interrupt({ ...abandoned(), ...(messageIds ? { id: { in: messageIds } } : {}) });
  }

  /** Looks every `sweepEveryMs` on this replica, so that no answer stays streaming for good. */
  start(): void {
    this.timer ??= setInterval(() => {
      this.interruptAbandoned().catch((error: unknown) =>
        this.options.logger.warn({ err: error }, "could not recover abandoned answers"),
      );
    }, this.options.sweepEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async interrupt(where: Prisma.MessageWhereInput): Promise<number> {
    const { prisma, bus, logger } = this.options;
    const found = await prisma.message.findMany({ where, select: { id: true } });
    const ids = found.map(({ id }) => id).filter((id) => !this.options.isGeneratedHere(id));
    if (ids.length === 0) return 0;
    const { count } = await prisma.message.updateMany({
      where: { ...where, id: { in: ids } },
      data: { status: "interrupted", leaseExpiresAt: null, updatedAt: new Date() },
    });
    await Promise.all(ids.map((id) => bus.announceEnd(id)));
    if (count > 0) logger.warn({ count }, "answers without a generator are now INTERRUPTED");
    return count;
  }
}

/** Streaming, and its lease has run out (or it never had one: rows from before leases). */
const abandoned = (): Prisma.MessageWhereInput => ({
  status: "streaming",
  OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: new Date() } }],
});
