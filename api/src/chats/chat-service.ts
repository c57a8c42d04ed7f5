import type { AuditTrail } from "../audit/audit-trail.js";
import { requireIdentity } from "../db/request-identity.js";
import { isUuid } from "../db/uuid.js";
import { BadInputError, ConflictError, NotFoundError } from "../errors/app-errors.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { AnswerControl } from "../messages/answer-control.js";
import { MAX_WRITE_ATTEMPTS } from "../messages/chat-writes.js";
import type { ModelAccess } from "../models/model-access.js";
import { DEFAULT_CHAT_TITLE } from "./default-title.js";

export interface ChatInput {
  title?: string | null;
  model?: string | null;
  temperature?: number | null;
  assistantId?: string | null;
}

/** Conversations of one user: create, rename, re-configure, delete, find. */
export class ChatService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly answers: AnswerControl,
    private readonly models: Pick<ModelAccess, "assertKnown">,
    private readonly audit: AuditTrail,
  ) {}

  /** The user's chat, or NOT_FOUND (also for other users' chats: no hint that it exists). */
  async findOwned<Include extends Prisma.ChatInclude>(userId: string, chatId: string, include?: Include) {
    const chat = isUuid(chatId)
      ? await this.prisma.chat.findFirst({ where: { id: chatId, userId }, include: include as Include })
      : null;
    if (!chat) throw new NotFoundError("Chat");
    return chat;
  }

  /**
   * A new chat. With a client-chosen `id` (a chat started offline), creating it again returns the chat
   * as it is: a repeated request after a lost response creates nothing twice.
   */
  async create(userId: string, input: ChatInput & { id?: string | null }) {
    const id = input.id ?? undefined;
    if (id !== undefined) {
      if (!isUuid(id)) throw new BadInputError("A chat id must be a UUID", { field: "id" });
      const existing = await this.existing(userId, id);
      if (existing) return existing;
    }
    await this.validate(userId, input);
    try {
      return await this.prisma.chat.create({
        data: {
          id,
          userId,
          title: input.title?.trim() || DEFAULT_CHAT_TITLE,
          model: input.model ?? null,
          temperature: input.temperature ?? null,
          assistantId: input.assistantId ?? null,
        },
      });
    } catch (error) {
      if (id === undefined || !isUniqueViolation(error)) throw error;
      // The same id created by a concurrent request a moment ago — or a chat the user cannot see.
      const existing = await this.existing(userId, id);
      if (existing) return existing;
      throw new ConflictError("This chat id is already in use", { field: "id" });
    }
  }

  /** The chat with this id if it is the user's; CONFLICT if the id belongs to someone else's chat. */
  private async existing(userId: string, id: string) {
    const chat = await this.prisma.chat.findUnique({ where: { id } });
    if (chat && chat.userId !== userId)
      throw new ConflictError("This chat id is already in use", { field: "id" });
    return chat;
  }

  async update(userId: string, chatId: string, input: ChatInput) {
    await this.findOwned(userId, chatId);
    await this.validate(userId, input);
    return this.prisma.chat.update({
      where: { id: chatId },
      data: {
        ...(input.title !== undefined ? { title: input.title?.trim() || DEFAULT_CHAT_TITLE } : {}),
        ...(input.model !== undefined ? { model: input.model } : {}),
        ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
        ...(input.assistantId !== undefined ? { assistantId: input.assistantId } : {}),
      },
    });
  }

  /**
   * Deletes the chat once its answers have stopped, on whichever replica they were generated (their
   * partial text is saved and their cost recorded first). An answer started meanwhile moves the
   * chat's message version on, and the round repeats.
   */
  async delete(userId: string, chatId: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const chat = await this.findOwned(userId, chatId);
      const streaming = await this.prisma.message.findMany({
        where: { chatId, status: "streaming" },
        select: { id: true, status: true },
      });
      await Promise.all(streaming.map((message) => this.answers.stop(message)));
      // The entry names the chat by its id only: its title is the person's content.
      const { count } = await this.audit.change(
        (tx) => tx.chat.deleteMany({ where: { id: chatId, messageVersion: chat.messageVersion } }),
        (deleted) =>
          deleted.count === 1 ? { action: "chat.deleted", target: { type: "chat", id: chatId } } : null,
      );
      if (count === 1) return true;
    }
    throw new ConflictError("The chat is changing right now; please try again");
  }

  private async validate(userId: string, input: ChatInput) {
    await this.models.assertKnown(requireIdentity("A chat").orgId, input.model);
    if (input.assistantId) {
      const readable = isUuid(input.assistantId)
        ? await this.prisma.assistant.findFirst({
            where: { id: input.assistantId, OR: [{ userId }, { isGlobal: true }] },
            select: { id: true },
          })
        : null;
      if (!readable) throw new NotFoundError("Assistant", { field: "assistantId" });
    }
  }
}

/** Where the chat list of a user, optionally searched by title and message text, comes from. */
export function chatListWhere(userId: string, search?: string | null): Prisma.ChatWhereInput {
  // Prisma hands `contains` to LIKE as it is: % and _ typed by the user are characters to find.
  const term = search?.trim().replace(/[\\%_]/g, (character) => `\\${character}`);
  if (!term) return { userId };
  return {
    userId,
    OR: [
      { title: { contains: term, mode: "insensitive" } },
      { messages: { some: { content: { contains: term, mode: "insensitive" } } } },
    ],
  };
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
