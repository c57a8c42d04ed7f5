import { randomUUID } from "node:crypto";
import type { Admission, BudgetGate } from "../budgets/budget-gate.js";
import type { PromptSize } from "../budgets/worst-case.js";
import type { ChatService } from "../chats/chat-service.js";
import { DEFAULT_CHAT_TITLE } from "../chats/default-title.js";
import { isUuid } from "../db/uuid.js";
import type { AnswerRetrieval } from "../documents/answer-retrieval.js";
import { IMAGE_PROMPT_TOKENS, type MessageImages } from "../documents/message-images.js";
import { BadInputError, ConflictError, NotFoundError } from "../errors/app-errors.js";
import { type Message, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { isVisibleTo } from "../sharing/shared-items.js";
import type { AnswerControl } from "./answer-control.js";
import type { AnswerGenerator } from "./answer-generator.js";
import type { AnswerStarter, ChatSettings } from "./answer-starter.js";
import { MAX_WRITE_ATTEMPTS, timeAfter, writeIfUnchanged } from "./chat-writes.js";

export interface SendMessageInput {
  chatId: string;
  content: string;
  model?: string | null;
  temperature?: number | null;
  clientMessageId?: string | null;
  stream?: boolean | null;
  /** Search the person's document library for this question too (the chat's own documents always are). */
  useLibrary?: boolean | null;
  /** Images of the person's (documents of this chat or their library) sent with the message. */
  attachmentIds?: readonly string[] | null;
}

export interface MessagePair {
  userMessage: Message;
  assistantMessage: Message;
}

export type StreamEvent =
  | { __typename: "MessageDelta"; messageId: string; text: string }
  | { __typename: "MessageCompleted"; message: Message }
  | { __typename: "MessageFailed"; messageId: string; code: string; message: string };

interface Dependencies {
  prisma: PrismaClient;
  chats: ChatService;
  generator: AnswerGenerator;
  starter: AnswerStarter;
  control: AnswerControl;
  budgets: BudgetGate;
  /** The passages an answer may be given, for its worst-case cost. */
  retrieval?: Pick<AnswerRetrieval, "applies" | "reservedBytes">;
  /** Checks and links the images sent with a message. */
  images?: Pick<MessageImages, "attachable" | "link">;
}

type ChatWithAssistant = ChatSettings & { messageVersion: number; title: string; userId: string };

const busy = () => new ConflictError("The chat is changing right now; please try again");

/**
 * Sending, regenerating and editing messages (each a compare-and-set on the chat, see chat-writes),
 * stopping answers, and following them.
 */
export class MessageService {
  constructor(private readonly deps: Dependencies) {}

  /** A message of one of the user's chats, or NOT_FOUND. */
  async findOwned(userId: string, messageId: string): Promise<Message> {
    const message = isUuid(messageId)
      ? await this.deps.prisma.message.findFirst({ where: { id: messageId, chat: { userId } } })
      : null;
    if (!message) throw new NotFoundError("Message");
    return message;
  }

  /**
   * Saves the user's message, then starts the answer. The same clientMessageId twice (a retry, the
   * offline outbox) returns the first pair instead of sending again.
   */
  async send(userId: string, input: SendMessageInput): Promise<MessagePair> {
    await this.deps.starter.assertKnown(input.model);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const chat = await this.chat(userId, input.chatId);
      if (input.clientMessageId) {
        const existing = await this.findByClientId(chat.id, input.clientMessageId);
        if (existing) return this.awaitIfBlocking(existing, input.stream);
      }
      const chosenModel = await this.deps.starter.modelFor(chat, input.model);
      const imageIds = await this.attachable(userId, chat.id, input.attachmentIds);
      const last = await this.lastMessage(chat.id);
      const sentAt = timeAfter(last?.createdAt);
      const userMessageId = randomUUID();
      // Refused before anything is written: the text stays with the sender.
      const admission = await this.admit(
        chat,
        chosenModel,
        null,
        Boolean(input.useLibrary),
        input.content,
        imageIds.length,
      );
      let written: [Message, Message, ...unknown[]] | null;
      try {
        written = await writeIfUnchanged<[Message, Message, ...unknown[]]>(this.deps.prisma, chat, [
          this.deps.prisma.message.create({
            data: {
              id: userMessageId,
              chatId: chat.id,
              role: "user",
              content: input.content,
              clientMessageId: input.clientMessageId ?? null,
              useLibrary: Boolean(input.useLibrary),
              createdAt: sentAt,
              updatedAt: sentAt,
            },
          }),
          // One millisecond later: the pair keeps its order even within one transaction's now().
          this.deps.prisma.message.create({
            data: this.answerData(chat.id, userMessageId, admission, timeAfter(sentAt)),
          }),
          ...this.links(userMessageId, imageIds),
        ]);
      } catch (error) {
        await this.deps.budgets.release(admission.reservationId);
        // Two identical sends raced and the other one won: the next round returns its pair.
        if (isUniqueViolation(error) && input.clientMessageId) continue;
        throw error;
      }
      if (!written) {
        await this.deps.budgets.release(admission.reservationId);
        continue;
      }
      const [userMessage, assistantMessage] = written;
      const pair = await this.start(
        userId,
        chat,
        { userMessage, assistantMessage },
        {
          temperature: input.temperature,
          // The chat's first exchange: title it after the answer (unless the user named it).
          titleAfter: chat.title === DEFAULT_CHAT_TITLE && !last,
          maxOutputTokens: admission.maxOutputTokens,
        },
      );
      return this.awaitIfBlocking(pair, input.stream);
    }
    throw busy();
  }

  /** Replaces the chat's last answer with a new one. */
  async regenerate(userId: string, messageId: string): Promise<Message> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const answer = await this.findOwned(userId, messageId).catch((error: unknown) => {
        // Replaced by a concurrent regeneration after this one had started deciding.
        if (attempt > 0 && error instanceof NotFoundError)
          throw new ConflictError("This answer was replaced meanwhile");
        throw error;
      });
      const chat = await this.chat(userId, answer.chatId);
      const last = await this.lastMessage(answer.chatId);
      if (answer.role !== "assistant" || last?.id !== answer.id || !answer.replyToId) {
        throw new BadInputError("Only the chat's last answer can be regenerated");
      }
      // Refused before anything changes when the organisation no longer offers the model.
      const modelId = await this.deps.starter.modelFor(chat, answer.model);
      await this.deps.control.stop(answer);
      const userMessage = await this.deps.prisma.message.findUnique({ where: { id: answer.replyToId } });
      if (!userMessage) continue; // the turn changed meanwhile: look again
      const admission = await this.admit(
        chat,
        modelId,
        timeAfter(userMessage.createdAt),
        userMessage.useLibrary,
      );
      const written = await writeIfUnchanged<[Message, Message]>(this.deps.prisma, chat, [
        this.deps.prisma.message.delete({ where: { id: answer.id } }),
        this.deps.prisma.message.create({
          data: this.answerData(chat.id, userMessage.id, admission, timeAfter(userMessage.createdAt)),
        }),
      ]).catch(async (error: unknown) => {
        await this.deps.budgets.release(admission.reservationId);
        throw error;
      });
      if (!written) {
        await this.deps.budgets.release(admission.reservationId);
        continue;
      }
      const pair = await this.start(
        userId,
        chat,
        { userMessage, assistantMessage: written[1] },
        { maxOutputTokens: admission.maxOutputTokens },
      );
      return pair.assistantMessage;
    }
    throw busy();
  }

  /** Changes the chat's last user message; the answers after it are replaced by a new one. */
  async edit(userId: string, messageId: string, content: string): Promise<MessagePair> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const original = await this.findOwned(userId, messageId);
      const chat = await this.chat(userId, original.chatId);
      const lastUser = await this.deps.prisma.message.findFirst({
        where: { chatId: original.chatId, role: "user" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      if (original.role !== "user" || lastUser?.id !== original.id) {
        throw new BadInputError("Only the chat's last message of yours can be edited");
      }
      const later = await this.deps.prisma.message.findMany({
        where: { chatId: original.chatId, createdAt: { gt: original.createdAt } },
      });
      const previousModel = later.find((message) => message.role === "assistant")?.model;
      const modelId = await this.deps.starter.modelFor(chat, previousModel);
      const admission = await this.admit(chat, modelId, original.createdAt, original.useLibrary, content);
      for (const message of later) await this.deps.control.stop(message);
      const now = new Date();
      const written = await writeIfUnchanged<[unknown, Message, Message]>(this.deps.prisma, chat, [
        this.deps.prisma.message.deleteMany({ where: { id: { in: later.map((message) => message.id) } } }),
        this.deps.prisma.message.update({ where: { id: original.id }, data: { content, updatedAt: now } }),
        this.deps.prisma.message.create({
          data: this.answerData(chat.id, original.id, admission, timeAfter(original.createdAt, now)),
        }),
      ]).catch(async (error: unknown) => {
        await this.deps.budgets.release(admission.reservationId);
        throw error;
      });
      if (!written) {
        await this.deps.budgets.release(admission.reservationId);
        continue;
      }
      return this.start(
        userId,
        chat,
        { userMessage: written[1], assistantMessage: written[2] },
        { maxOutputTokens: admission.maxOutputTokens },
      );
    }
    throw busy();
  }

  /** Stops an answer (on whichever replica generates it); the partial text is kept as STOPPED. */
  async stop(userId: string, messageId: string): Promise<Message> {
    const message = await this.findOwned(userId, messageId);
    if (message.role !== "assistant") throw new BadInputError("Only answers can be stopped");
    await this.deps.control.stop(message);
    // Gone meanwhile (its chat deleted, the answer replaced by a regenerate or an edit): NOT_FOUND, as
    // for an id that was never there.
    const settled = await this.deps.prisma.message.findUnique({ where: { id: messageId } });
    if (!settled) throw new NotFoundError("Message");
    return settled;
  }

  /**
   * The events of one answer for one subscriber (see followAnswer for the guarantees). Ownership is
   * checked before the stream starts, so a foreign or unknown id fails the subscription itself.
   */
  async follow(
    userId: string,
    messageId: string,
    signal?: AbortSignal,
  ): Promise<AsyncGenerator<StreamEvent>> {
    await this.findOwned(userId, messageId);
    return this.events(messageId, signal);
  }

  private async *events(messageId: string, signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    for await (const event of this.deps.control.follow(messageId, signal)) {
      if (event.type === "delta") {
        yield { __typename: "MessageDelta", messageId, text: event.text };
      } else if (event.message.status === "failed") {
        yield {
          __typename: "MessageFailed",
          messageId,
          code: event.message.errorCode ?? "PROVIDER_ERROR",
          message: event.message.errorMessage ?? "The answer could not be generated",
        };
      } else {
        yield { __typename: "MessageCompleted", message: event.message };
      }
    }
  }

  /** Starts the answer of a freshly written pair; one that cannot start comes back FAILED. */
  private async start(
    userId: string,
    chat: ChatWithAssistant,
    pair: MessagePair,
    options: { temperature?: number | null; titleAfter?: boolean; maxOutputTokens?: number },
  ): Promise<MessagePair> {
    const started = await this.deps.starter.start({
      userId,
      chat,
      ...pair,
      temperature: options.temperature,
      titleAfter: options.titleAfter ?? false,
      maxOutputTokens: options.maxOutputTokens,
    });
    if (started) return pair;
    const assistantMessage =
      (await this.deps.prisma.message
        .findUnique({ where: { id: pair.assistantMessage.id } })
        .catch(() => null)) ?? pair.assistantMessage;
    return { userMessage: pair.userMessage, assistantMessage };
  }

  /** With `stream: false` the caller waits for the finished answer. */
  private async awaitIfBlocking(pair: MessagePair, stream: boolean | null | undefined) {
    if (stream !== false) return pair;
    await this.deps.control.settled(pair.assistantMessage.id);
    const assistantMessage = await this.deps.prisma.message.findUniqueOrThrow({
      where: { id: pair.assistantMessage.id },
    });
    return { userMessage: pair.userMessage, assistantMessage };
  }

  /**
   * The user's chat with its assistant — only while the user may still use it: an assistant made
   * personal by someone else (or otherwise out of reach) no longer shapes this chat's answers.
   */
  private async chat(userId: string, chatId: string): Promise<ChatWithAssistant> {
    const chat = await this.deps.chats.findOwned(userId, chatId, { assistant: true });
    return {
      ...chat,
      assistant: chat.assistant && isVisibleTo(userId, chat.assistant) ? chat.assistant : null,
    };
  }

  private async findByClientId(chatId: string, clientMessageId: string): Promise<MessagePair | null> {
    const userMessage = await this.deps.prisma.message.findFirst({ where: { chatId, clientMessageId } });
    if (!userMessage) return null;
    const assistantMessage = await this.deps.prisma.message.findFirst({
      where: { replyToId: userMessage.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return assistantMessage ? { userMessage, assistantMessage } : null;
  }

  private lastMessage(chatId: string) {
    return this.deps.prisma.message.findFirst({
      where: { chatId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
  }

  /**
   * Admits the answer against the person's budgets (see BudgetGate), with the prompt it will send: the
   * chat's messages before `before` (all when null), the new text, the assistant's instructions, and the
   * most the passages of the person's documents can add. The reservation is the answer's id.
   */
  private async admit(
    chat: ChatWithAssistant,
    modelId: string,
    before: Date | null,
    useLibrary: boolean,
    newText?: string,
    newImages = 0,
  ): Promise<Admission> {
    const [size] = await this.deps.prisma.$queryRaw<(PromptSize & { images: number })[]>`
      with sent as (
        select id, content from chat_messages
        where chat_id = ${chat.id}::uuid and (${before}::timestamptz is null or created_at < ${before}::timestamptz))
      select coalesce(sum(octet_length(content)), 0)::int as bytes, count(*)::int as turns,
        (select count(*)::int from app_message_attachments where message_id in (select id from sent)) as images
      from sent`;
    const images = (size?.images ?? 0) + newImages;
    const extra = [newText, chat.assistant?.systemPrompt].filter((text): text is string => Boolean(text));
    const retrieval = this.deps.retrieval;
    const passages =
      retrieval && (await retrieval.applies(chat.userId, { chatId: chat.id, useLibrary }))
        ? retrieval.reservedBytes
        : 0;
    return this.deps.budgets.admit(
      modelId,
      {
        bytes:
          (size?.bytes ?? 0) +
          passages +
          // Bytes count as tokens here; an image counts as the most a provider makes of one.
          images * IMAGE_PROMPT_TOKENS +
          extra.reduce((sum, text) => sum + Buffer.byteLength(text, "utf8"), 0),
        turns: (size?.turns ?? 0) + extra.length,
      },
      { reservationId: randomUUID() },
    );
  }

  private attachable(userId: string, chatId: string, ids: readonly string[] | null | undefined) {
    if (!ids?.length) return Promise.resolve([]);
    if (!this.deps.images) throw new BadInputError("Images cannot be sent here", { field: "attachmentIds" });
    return this.deps.images.attachable(userId, chatId, ids);
  }

  private links(messageId: string, imageIds: readonly string[]) {
    return imageIds.length > 0 && this.deps.images ? [this.deps.images.link(messageId, imageIds)] : [];
  }

  private answerData(chatId: string, replyToId: string, admission: Admission, createdAt: Date) {
    return {
      id: admission.reservationId,
      chatId,
      role: "assistant",
      content: "",
      model: admission.modelId,
      budgetFallbackFrom: admission.fallbackFrom,
      status: "streaming",
      replyToId,
      createdAt,
      updatedAt: createdAt,
      leaseExpiresAt: this.deps.generator.newLease(),
    };
  }
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
