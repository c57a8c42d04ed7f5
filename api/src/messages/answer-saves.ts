import { setTimeout as sleep } from "node:timers/promises";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";

type MessageData = Parameters<PrismaClient["message"]["update"]>[0]["data"];

export type FinalSave = "saved" | "gone" | "failed";

// Pauses between attempts of the final save (about 15 s in all): a database that fails over or
// restarts is back within them; the answer stays leased meanwhile.
const FINAL_SAVE_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * The writes of one answer while it is generated: progress saves about once a second, and one final
 * save. They are chained, so a progress save can never land after the final one; a failed progress
 * save only logs (the next one carries the text too), the final one is tried again.
 */
export class AnswerSaves {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly messageId: string,
    private readonly logger: Logger,
    private readonly delaysMs: readonly number[] = FINAL_SAVE_DELAYS_MS,
  ) {}

  progress(content: string): void {
    this.chain = this.chain
      .then(() => this.write({ content }))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, messageId: this.messageId }, "could not save the answer"),
      );
  }

  /** The answer's last write: "gone" when the message no longer exists (deleted meanwhile). */
  async final(data: MessageData): Promise<FinalSave> {
    await this.chain;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(data);
        return "saved";
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") return "gone";
        const delay = this.delaysMs[attempt];
        this.logger.warn(
          { err: error, messageId: this.messageId, attempt: attempt + 1 },
          delay === undefined
            ? "could not save the final answer; giving up"
            : "could not save the final answer; retrying",
        );
        if (delay === undefined) return "failed";
        await sleep(delay);
      }
    }
  }

  private write(data: MessageData) {
    return this.prisma.message.update({
      where: { id: this.messageId },
      data: { ...data, updatedAt: new Date() },
    });
  }
}
