import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { estimateUsage, recordUsage } from "../usage/usage-recorder.js";

export interface AnswerRecoveryOptions {
  prisma: PrismaClient;
  bus: AnswerStreamBus;
  logger: Logger;
  /** For the prices of an abandoned answer's model. */
  registry: Pick<ProviderRegistry, "resolve">;
  /** Whether this process generates the answer right now (those are never abandoned). */
  isGeneratedHere(messageId: string): boolean;
  sweepEveryMs: number;
}

/**
 * Settles answers that no process generates any more — their replica crashed, or it failed before
 * the generator started: they become INTERRUPTED with the text saved so far, everyone following them
 * is told, and the call is billed by an estimate (its process died before it could record the usage).
 * This is the one path that writes another process's answers, and only once their lease has run out
 * (see answer-lease.ts).
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
    await this.bill(ids).catch((error: unknown) =>
      logger.warn({ err: error }, "could not record the usage of recovered answers"),
    );
    return count;
  }

  /**
   * An estimate (the conversation before it, and the text saved) for each recovered answer that has
   * text and no usage row: exactly what its generator would have recorded had it lived, from what is
   * known. Where the generator did record it, the row is there and nothing is added (usage-recorder).
   */
  private async bill(ids: string[]): Promise<void> {
    const { prisma, registry, logger } = this.options;
    const answers = await prisma.message.findMany({
      where: {
        id: { in: ids },
        status: "interrupted",
        content: { not: "" },
        usage: { none: { purpose: "chat" } },
      },
      include: { chat: { select: { userId: true } } },
    });
    for (const answer of answers) {
      let model: ReturnType<ProviderRegistry["resolve"]>["model"];
      try {
        model = registry.resolve(answer.model ?? "").model;
      } catch {
        logger.warn(
          { messageId: answer.id, model: answer.model },
          "cannot bill a recovered answer of an unknown model",
        );
        continue;
      }
      const before = await prisma.message.findMany({
        where: { chatId: answer.chatId, createdAt: { lt: answer.createdAt } },
        select: { content: true },
      });
      await recordUsage(prisma, {
        userId: answer.chat.userId,
        chatId: answer.chatId,
        messageId: answer.id,
        model,
        purpose: "chat",
        usage: estimateUsage(before.map((message) => message.content).join("\n"), answer.content),
      });
    }
  }
}

/** Streaming, and its lease has run out (or it never had one: rows from before leases). */
const abandoned = (): Prisma.MessageWhereInput => ({
  status: "streaming",
  OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: new Date() } }],
});
