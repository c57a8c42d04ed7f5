import { NotFoundError } from "../errors/app-errors.js";
import type { Message, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { followAnswer, type SavedAnswer } from "../streaming/follow-answer.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import { type AnswerGenerator, STOP_TOPIC } from "./answer-generator.js";
import type { AnswerRecovery } from "./answer-recovery.js";

export interface AnswerControlOptions {
  prisma: PrismaClient;
  bus: AnswerStreamBus;
  broadcast: ReplicaBroadcast;
  generator: AnswerGenerator;
  recovery: AnswerRecovery;
  logger: Logger;
  /** How often a follower looks for itself when nothing arrives (see followAnswer). */
  idleCheckMs?: number;
}

/**
 * Stopping answers and waiting for their final state, wherever they are generated: here, on another
 * replica (through the bus), or nowhere any more (recovery settles them once their lease has run out).
 */
export class AnswerControl {
  constructor(private readonly options: AnswerControlOptions) {}

  /** Asks for the answer to stop and resolves once its final state is saved. */
  async stop(message: Pick<Message, "id" | "status">): Promise<void> {
    if (message.status !== "streaming") return;
    if (!this.options.generator.stopLocal(message.id)) {
      // Redis unreachable: the stop cannot travel, but waiting still ends (the answer ends on its own,
      // or its lease runs out).
      await this.options.broadcast
        .publish(STOP_TOPIC, message.id)
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error, messageId: message.id }, "could not send a stop request"),
        );
    }
    await this.settled(message.id);
  }

  /** Resolves when the answer has its final state saved (or no longer exists). */
  async settled(messageId: string): Promise<void> {
    if (this.options.generator.isActive(messageId)) return this.options.generator.wait(messageId);
    try {
      for await (const event of this.follow(messageId)) if (event.type === "final") return;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /** The events of one answer for one subscriber (see followAnswer for the guarantees). */
  follow(messageId: string, signal?: AbortSignal) {
    return followAnswer({
      bus: this.options.bus,
      messageId,
      load: () => this.load(messageId),
      signal,
      idleCheckMs: this.options.idleCheckMs,
    });
  }

  /** The answer as saved; one that nobody generates any more is settled first. */
  private async load(messageId: string): Promise<SavedAnswer<Message>> {
    const { prisma, generator, recovery } = this.options;
    let message = await prisma.message.findUnique({ where: { id: messageId } });
    if (!message) throw new NotFoundError("Message");
    const leaseOver = message.leaseExpiresAt === null || message.leaseExpiresAt.getTime() < Date.now();
    if (message.status === "streaming" && leaseOver && !generator.isActive(messageId)) {
      await recovery.interruptAbandoned([messageId]);
      message = (await prisma.message.findUnique({ where: { id: messageId } })) ?? message;
    }
    return { message, content: message.content, streaming: message.status === "streaming" };
  }
}
