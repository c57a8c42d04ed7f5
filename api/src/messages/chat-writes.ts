import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/**
 * Changes to a chat's sequence of messages, serialised per chat without holding a transaction open
 * while anything is awaited: a change is decided on what was read at `version` (chats.message_version),
 * then written in one batch transaction whose first statement moves the version on only if it is
 * still `version`. The row lock of that UPDATE orders concurrent writers; the loser changes nothing
 * and decides again on what is there now.
 */
export async function writeIfUnchanged<Results extends unknown[]>(
  prisma: PrismaClient,
  chat: { id: string; messageVersion: number },
  writes: [...{ [Index in keyof Results]: Prisma.PrismaPromise<Results[Index]> }],
): Promise<Results | null> {
  try {
    const [, ...results] = await prisma.$transaction([
      prisma.chat.update({
        where: { id: chat.id, messageVersion: chat.messageVersion },
        data: { messageVersion: { increment: 1 }, updatedAt: new Date() },
        select: { id: true },
      }),
      ...writes,
    ]);
    return results as Results;
  } catch (error) {
    // The version moved on (another change won), or the chat is gone: nothing was written.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") return null;
    throw error;
  }
}

/** How often a change is decided again after losing to concurrent ones, before CONFLICT. */
export const MAX_WRITE_ATTEMPTS = 8;

/**
 * A time for a new message that sorts after `after`, also when this replica's clock is behind the
 * one that wrote `after` (messages are ordered by created_at, then id).
 */
export function timeAfter(after: Date | null | undefined, now = new Date()): Date {
  return after && after.getTime() >= now.getTime() ? new Date(after.getTime() + 1) : now;
}
