import { requireIdentity } from "../db/request-identity.js";
import type { MessageImages } from "../documents/message-images.js";
import type { Message, PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { currentRequest } from "../observability/request-context.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import type { AnswerGenerator } from "./answer-generator.js";
import { buildHistory } from "./history.js";
import type { TitleGenerator } from "./title-generator.js";

// Used when a model's context window is not known (it always is for catalogue models).
const FALLBACK_CONTEXT_WINDOW = 8_192;

export interface ChatSettings {
  id: string;
  model: string | null;
  temperature: { toNumber(): number } | null;
  assistant: { systemPrompt: string; model: string | null; temperature: number | null } | null;
}

export interface AnswerToStart {
  userId: string;
  chat: ChatSettings;
  userMessage: Message;
  assistantMessage: Message;
  /** Overrides for this answer (sendMessage's `model` and `temperature`). */
  temperature?: number | null;
  /** Title the chat after this answer (its first one). */
  titleAfter: boolean;
  /** The completion's limit its budgets allow (see BudgetGate). */
  maxOutputTokens?: number;
}

interface Dependencies {
  prisma: PrismaClient;
  models: ModelAccess;
  generator: AnswerGenerator;
  bus: AnswerStreamBus;
  titles: TitleGenerator;
  logger: Logger;
  /** Gives back the answer's budget reservation when it cannot start. */
  budgets?: { release(reservationId: string): Promise<void> };
  /** The images sent with the chat's messages. */
  images?: Pick<MessageImages, "ofMessages">;
}

/**
 * Hands a freshly saved answer row to the generator with its history, model and system prompt. If
 * that cannot be done, the answer is FAILED at once: no answer stays STREAMING with nothing behind it.
 */
export class AnswerStarter {
  constructor(private readonly deps: Dependencies) {}

  /** Rejects model ids that cannot exist for the organisation (see ModelAccess.assertKnown). */
  assertKnown(modelId: string | null | undefined): Promise<void> {
    return this.deps.models.assertKnown(requireIdentity("Choosing a model").orgId, modelId);
  }

  /**
   * The model of a new answer: the message's choice, else the chat's, the assistant's, the
   * organisation's default (else the server's) — checked: MODEL_DISABLED when it is not offered.
   */
  async modelFor(chat: ChatSettings, requested?: string | null): Promise<string> {
    const identity = requireIdentity("Choosing a model");
    const modelId =
      requested ??
      chat.model ??
      chat.assistant?.model ??
      (await this.deps.models.defaults(identity.orgId)).model;
    await this.deps.models.assertAllowed(identity, modelId);
    return modelId;
  }

  /** False when the answer could not be started (it is FAILED then, as far as it could be saved). */
  async start(answer: AnswerToStart): Promise<boolean> {
    try {
      await this.hand(answer);
      return true;
    } catch (error) {
      this.deps.logger.error(
        { err: error, messageId: answer.assistantMessage.id },
        "could not start an answer",
      );
      await this.deps.prisma.message
        .updateMany({
          where: { id: answer.assistantMessage.id, status: "streaming" },
          data: {
            status: "failed",
            errorCode: "INTERNAL",
            errorMessage: "The answer could not be started; please try again",
            leaseExpiresAt: null,
            updatedAt: new Date(),
          },
        })
        // Still unsaved: its lease runs out and recovery settles it.
        .catch(() => {});
      await this.deps.bus.announceEnd(answer.assistantMessage.id);
      await this.deps.budgets?.release(answer.assistantMessage.id);
      return false;
    }
  }

  private async hand({
    userId,
    chat,
    userMessage,
    assistantMessage,
    temperature,
    titleAfter,
    maxOutputTokens,
  }: AnswerToStart) {
    const { prisma, models, generator, titles } = this.deps;
    const { orgId } = requireIdentity("An answer");
    const modelId = assistantMessage.model ?? (await this.modelFor(chat));
    const known = await models.priced(orgId, modelId).catch(() => undefined);
    const defaults = await models.defaults(orgId);
    const stored = await prisma.message.findMany({
      where: { chatId: chat.id, createdAt: { lte: userMessage.createdAt } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, role: true, content: true, status: true },
    });
    const images = await this.deps.images?.ofMessages(
      stored.filter((message) => message.role === "user").map((message) => message.id),
    );
    const turns = stored.map((message) => ({ ...message, imageIds: images?.get(message.id) }));
    const chosenTemperature =
      temperature ?? chat.temperature?.toNumber() ?? chat.assistant?.temperature ?? defaults.temperature;
    const system = chat.assistant?.systemPrompt || undefined;
    const apiKeyId = currentRequest()?.apiKeyId ?? null;
    generator.start({
      userId,
      apiKeyId,
      chatId: chat.id,
      assistantMessageId: assistantMessage.id,
      modelId,
      maxOutputTokens,
      temperature: known && !known.supportsTemperature ? undefined : chosenTemperature,
      system,
      retrieval: { chatId: chat.id, useLibrary: userMessage.useLibrary, question: userMessage.content },
      history: buildHistory(turns, {
        contextWindow: known?.contextWindow ?? FALLBACK_CONTEXT_WINDOW,
        system,
      }),
      onComplete: titleAfter
        ? (text) =>
            void titles.generate({
              userId,
              apiKeyId,
              chatId: chat.id,
              chatModelId: modelId,
              question: userMessage.content,
              answer: text,
            })
        : undefined,
    });
  }
}
