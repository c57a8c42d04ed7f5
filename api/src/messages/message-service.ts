import { randomUUID } from "node:crypto";
import type { ChatService } from "../chats/chat-service.js";
import type { AppConfig } from "../config/env.js";
import { isUuid } from "../db/uuid.js";
import { BadInputError, NotFoundError } from "../errors/app-errors.js";
import { type Message, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { assertKnownModel } from "../models/known-model.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { followAnswer } from "../streaming/follow-answer.js";
import type { AnswerGenerator } from "./answer-generator.js";
import { buildHistory } from "./history.js";
import { DEFAULT_CHAT_TITLE, type TitleGenerator } from "./title-generator.js";

export interface SendMessageInput {
  chatId: string;
  content: string;
  model?: string | null;
  temperature?: number | null;
  clientMessageId?: string | null;
  stream?: boolean | null;
}

export interface MessagePair {
  userMessage: Message;
  assistantMessage: Message;
}

export type StreamEvent =
  | { __typename: "MessageDelta"; messageId: string; text: string }
  | { __typename: "MessageCompleted"; message: Message }
  | { __typename: "MessageFailed"; messageId: string; code: string; message: string };

// How long a stop or a blocking send waits for an answer generated elsewhere.
const ORPHAN_TIMEOUT_MS = 20_000;
// Used when a model's context window is not known (it always is for catalogue models).
const FALLBACK_CONTEXT_WINDOW = 8_192;

interface Dependencies {
  prisma: PrismaClient;
  config: AppConfig;
  chats: ChatService;
  generator: AnswerGenerator;
  titles: TitleGenerator;
  registry: ProviderRegistry;
  bus: AnswerStreamBus;
}

/** Sending, answering, stopping, regenerating and editing messages, and following answers. */
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
    const { prisma } = this.deps;
    const chat = await this.deps.chats.findOwned(userId, input.chatId, { assistant: true });
    if (input.clientMessageId) {
      const existing = await this.findByClientId(chat.id, input.clientMessageId);
      if (existing) return this.awaitIfBlocking(existing, input.stream);
    }
    if (input.model) assertKnownModel(input.model);
    const modelId = input.model ?? chat.model ?? chat.assistant?.model ?? this.deps.config.DEFAULT_MODEL;
    const temperature =
      input.temperature ??
      chat.temperature?.toNumber() ??
      chat.assistant?.temperature ??
      this.deps.config.DEFAULT_TEMPERATURE;

    const sentAt = new Date();
    let pair: MessagePair;
    try {
      // One batch transaction (ids made here): no interactive transaction holding a connection.
      const userMessageId = randomUUID();
      const [userMessage, assistantMessage] = await prisma.$transaction([
        prisma.message.create({
          data: {
            id: userMessageId,
            chatId: chat.id,
            role: "user",
            content: input.content,
            clientMessageId: input.clientMessageId ?? null,
            createdAt: sentAt,
            updatedAt: sentAt,
          },
        }),
        // One millisecond later: the pair keeps its order even within one transaction's now().
        prisma.message.create({
          data: answerData(chat.id, userMessageId, modelId, new Date(sentAt.getTime() + 1)),
        }),
        prisma.chat.update({ where: { id: chat.id }, data: { updatedAt: sentAt } }),
      ]);
      pair = { userMessage, assistantMessage };
    } catch (error) {
      // Two identical sends raced; the other one won.
      if (
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === "P2002" &&
        input.clientMessageId
      ) {
        const existing = await this.findByClientId(chat.id, input.clientMessageId);
        if (existing) return this.awaitIfBlocking(existing, input.stream);
      }
      throw error;
    }

    const isFirstAnswer = chat.title === DEFAULT_CHAT_TITLE && !(await this.hasEarlierAnswers(chat.id, pair));
    await this.startAnswer(userId, chat, pair, modelId, temperature, isFirstAnswer);
    return this.awaitIfBlocking(pair, input.stream);
  }

  /** Replaces the chat's last answer with a new one. */
  async regenerate(userId: string, messageId: string): Promise<Message> {
    const answer = await this.findOwned(userId, messageId);
    const last = await this.lastMessage(answer.chatId);
    if (answer.role !== "assistant" || last?.id !== answer.id || !answer.replyToId) {
      throw new BadInputError("Only the chat's last answer can be regenerated");
    }
    await this.stopAndWait(answer);
    const chat = await this.deps.chats.findOwned(userId, answer.chatId, { assistant: true });
    const userMessage = await this.deps.prisma.message.findUniqueOrThrow({ where: { id: answer.replyToId } });
    const modelId = answer.model ?? chat.model ?? chat.assistant?.model ?? this.deps.config.DEFAULT_MODEL;
    const assistantMessage = await this.deps.prisma.$transaction(async (tx) => {
      await tx.message.delete({ where: { id: answer.id } });
      return tx.message.create({ data: answerData(chat.id, userMessage.id, modelId, new Date()) });
    });
    const temperature =
      chat.temperature?.toNumber() ?? chat.assistant?.temperature ?? this.deps.config.DEFAULT_TEMPERATURE;
    await this.startAnswer(userId, chat, { userMessage, assistantMessage }, modelId, temperature, false);
    return assistantMessage;
  }

  /** Changes the chat's last user message; the answers after it are replaced by a new one. */
  async edit(userId: string, messageId: string, content: string): Promise<MessagePair> {
    const original = await this.findOwned(userId, messageId);
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
    for (const message of later) await this.stopAndWait(message);
    const chat = await this.deps.chats.findOwned(userId, original.chatId, { assistant: true });
    const previousModel = later.find((message) => message.role === "assistant")?.model;
    const modelId = previousModel ?? chat.model ?? chat.assistant?.model ?? this.deps.config.DEFAULT_MODEL;
    const now = new Date();
    const pair = await this.deps.prisma.$transaction(async (tx) => {
      await tx.message.deleteMany({ where: { id: { in: later.map((message) => message.id) } } });
      const userMessage = await tx.message.update({
        where: { id: original.id },
        data: { content, updatedAt: now },
      });
      const assistantMessage = await tx.message.create({
        data: answerData(
          chat.id,
          userMessage.id,
          modelId,
          new Date(Math.max(now.getTime(), original.createdAt.getTime() + 1)),
        ),
      });
      return { userMessage, assistantMessage };
    });
    const temperature =
      chat.temperature?.toNumber() ?? chat.assistant?.temperature ?? this.deps.config.DEFAULT_TEMPERATURE;
    await this.startAnswer(userId, chat, pair, modelId, temperature, false);
    return pair;
  }

  /** Stops an answer (on whichever replica generates it); the partial text is kept as STOPPED. */
  async stop(userId: string, messageId: string): Promise<Message> {
    const message = await this.findOwned(userId, messageId);
    if (message.role !== "assistant") throw new BadInputError("Only answers can be stopped");
    await this.stopAndWait(message);
    return this.deps.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
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
    const load = async () => {
      const message = await this.deps.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
      return { message, content: message.content, streaming: message.status === "streaming" };
    };
    for await (const event of followAnswer({ bus: this.deps.bus, messageId, load, signal })) {
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

  private async startAnswer(
    userId: string,
    chat: { id: string; assistant: { systemPrompt: string } | null },
    pair: MessagePair,
    modelId: string,
    temperature: number,
    titleAfter: boolean,
  ) {
    const { prisma, registry, generator, titles } = this.deps;
    const known = (await registry.listModels()).find((model) => model.id === modelId);
    const stored = await prisma.message.findMany({
      where: { chatId: chat.id, createdAt: { lte: pair.userMessage.createdAt } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { role: true, content: true, status: true },
    });
    const system = chat.assistant?.systemPrompt || undefined;
    await generator.start({
      userId,
      chatId: chat.id,
      assistantMessageId: pair.assistantMessage.id,
      modelId,
      temperature: known && !known.supportsTemperature ? undefined : temperature,
      system,
      history: buildHistory(stored, {
        contextWindow: known?.contextWindow ?? FALLBACK_CONTEXT_WINDOW,
        system,
      }),
      onComplete: titleAfter
        ? (answer) =>
            void titles.generate({
              userId,
              chatId: chat.id,
              chatModelId: modelId,
              question: pair.userMessage.content,
              answer,
            })
        : undefined,
    });
  }

  /** With `stream: false` the caller waits for the finished answer. */
  private async awaitIfBlocking(pair: MessagePair, stream: boolean | null | undefined) {
    if (stream !== false) return pair;
    await this.settled(pair.assistantMessage.id);
    const assistantMessage = await this.deps.prisma.message.findUniqueOrThrow({
      where: { id: pair.assistantMessage.id },
    });
    return { userMessage: pair.userMessage, assistantMessage };
  }

  private async stopAndWait(message: Message) {
    if (message.status !== "streaming") return;
    if (!this.deps.generator.stopLocal(message.id)) await this.deps.bus.requestStop(message.id);
    await this.settled(message.id);
  }

  /**
   * Resolves when the answer has its final state saved, wherever it is generated. An answer that no
   * process finishes in time (its replica died without a shutdown) is marked INTERRUPTED.
   */
  private async settled(messageId: string) {
    if (this.deps.generator.isActive(messageId)) return this.deps.generator.wait(messageId);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ORPHAN_TIMEOUT_MS);
    try {
      for await (const event of this.events(messageId, controller.signal)) {
        if (event.__typename !== "MessageDelta") return;
      }
    } finally {
      clearTimeout(timer);
    }
    await this.deps.prisma.message.updateMany({
      where: { id: messageId, status: "streaming" },
      data: { status: "interrupted", updatedAt: new Date() },
    });
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

  private async lastMessage(chatId: string) {
    return this.deps.prisma.message.findFirst({
      where: { chatId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
  }

  private async hasEarlierAnswers(chatId: string, pair: MessagePair) {
    const count = await this.deps.prisma.message.count({
      where: { chatId, role: "assistant", id: { not: pair.assistantMessage.id } },
    });
    return count > 0;
  }
}

function answerData(chatId: string, replyToId: string, modelId: string, createdAt: Date) {
  return {
    chatId,
    role: "assistant",
    content: "",
    model: modelId,
    status: "streaming",
    replyToId,
    createdAt,
    updatedAt: createdAt,
  };
}
