import { type RequestIdentity, runAs } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { estimateUsage, recordUsage } from "../usage/usage-recorder.js";

export interface AnswerRecoveryOptions {
  prisma: PrismaClient;
  bus: AnswerStreamBus;
  logger: Logger;
  /** For the prices of an abandoned answer's model. */
  models: Pick<ModelAccess, "priced">;
  /** The answers this process generates right now (those are never abandoned). */
  generatedHere(): Iterable<string>;
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
    return this.interrupt(alone, null);
  }

  /** The answers among `messageIds` (default: all) whose lease has run out are INTERRUPTED. */
  interruptAbandoned(messageIds?: string[]): Promise<number> {
    return this.interrupt(false, messageIds ?? null);
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

  /**
   * Answers of every organisation, so through the database's one named path for it
   * (app_interrupt_abandoned_answers, SECURITY DEFINER); each is then billed as its owner.
   */
  private async interrupt(all: boolean, ids: string[] | null): Promise<number> {
    const { prisma, bus, logger } = this.options;
    const exclude = [...this.options.generatedHere()];
    const rows = await prisma.$queryRaw<RecoveredAnswer[]>`
      select id, chat_id as "chatId", user_id as "userId", org_id as "orgId"
      from app_interrupt_abandoned_answers(${all}, ${ids}::uuid[], ${exclude}::uuid[])`;
    if (rows.length === 0) return 0;
    await Promise.all(rows.map(({ id }) => bus.announceEnd(id)));
    logger.warn({ count: rows.length }, "answers without a generator are now INTERRUPTED");
    await Promise.all(
      rows.map((row) =>
        runAs(ownerOf(row), () => this.bill(row.id)).catch((error: unknown) =>
          logger.warn({ err: error, messageId: row.id }, "could not record the usage of a recovered answer"),
        ),
      ),
    );
    return rows.length;
  }

  /**
   * An estimate (the conversation before it, and the text saved) for each recovered answer that has
   * text and no usage row: exactly what its generator would have recorded had it lived, from what is
   * known. Where the generator did record it, the row is there and nothing is added (usage-recorder).
   */
  private async bill(id: string): Promise<void> {
    const { prisma, models, logger } = this.options;
    const answer = await prisma.message.findFirst({
      where: { id, status: "interrupted", content: { not: "" }, usage: { none: { purpose: "chat" } } },
    });
    if (!answer) return;
    let model: Awaited<ReturnType<ModelAccess["priced"]>>;
    try {
      model = await models.priced(answer.orgId, answer.model ?? "");
    } catch {
      logger.warn(
        { messageId: answer.id, model: answer.model },
        "cannot bill a recovered answer of an unknown model",
      );
      return;
    }
    const before = await prisma.message.findMany({
      where: { chatId: answer.chatId, createdAt: { lt: answer.createdAt } },
      select: { content: true },
    });
    await recordUsage(prisma, {
      userId: answer.userId,
      chatId: answer.chatId,
      messageId: answer.id,
      model,
      purpose: "chat",
      usage: estimateUsage(before.map((message) => message.content).join("\n"), answer.content),
      outcome: "interrupted",
      // Recovery runs long after the request: which key asked is not known any more.
      apiKeyId: null,
    });
  }
}

interface RecoveredAnswer {
  id: string;
  chatId: string;
  userId: string;
  orgId: string;
}

/** Billing an answer is the owner's own usage: nothing about roles is needed for it. */
const ownerOf = (row: RecoveredAnswer): RequestIdentity => ({
  userId: row.userId,
  orgId: row.orgId,
  orgAdmin: false,
  platformAdmin: false,
});
