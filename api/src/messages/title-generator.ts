import pLimit from "p-limit";
import { BudgetExceededError } from "../budgets/budget-exceeded.js";
import type { BudgetGate } from "../budgets/budget-gate.js";
import { promptSize } from "../budgets/worst-case.js";
import { DEFAULT_CHAT_TITLE } from "../chats/default-title.js";
import { currentIdentity, requireIdentity, runAs } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ModelAccess, ModelDisabledError } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { type ModelInfo, parseModelId } from "../providers/catalogue.js";
import { type ProviderCall, streamWithRetry } from "../providers/retry.js";
import { cheapModelFor } from "../providers/title-model.js";
import type { TokenUsage } from "../providers/types.js";
import { estimateUsage, recordUsage, type UsageOutcome } from "../usage/usage-recorder.js";

const TITLE_PROMPT =
  "Write a short title (at most six words) for the conversation below, in its language. " +
  "Answer with the title only, without quotes or final punctuation.";
const EXCERPT_CHARS = 1_500;
const TITLE_TIMEOUT_MS = 30_000;
const TITLE_MAX_TOKENS = 30;
/**
 * Titles are not urgent: a few at a time, so that many new chats at once (a team starting its day)
 * neither compete with the answers being streamed nor run into the provider's rate limit.
 */
const CONCURRENT_TITLES = 4;

export interface TitleRequest {
  userId: string;
  chatId: string;
  /** The model that answered; its provider's cheap model is preferred. */
  chatModelId: string;
  question: string;
  answer: string;
  /** The personal API key the chat's answer was asked with. */
  apiKeyId?: string | null;
}

/**
 * Titles a new chat in the background with a cheap model. A failure leaves the default title and
 * logs a warning; it never reaches the user.
 */
export class TitleGenerator {
  private readonly limit = pLimit(CONCURRENT_TITLES);
  private readonly inFlight = new Set<Promise<string | null>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly options: {
      prisma: PrismaClient;
      models: ModelAccess;
      logger: Logger;
      titleModel?: string;
      /** PROVIDER_IDLE_TIMEOUT_MS. */
      providerIdleTimeoutMs?: number;
      /** Titles count against the person's budgets; one without room is skipped. */
      budgets?: BudgetGate;
    },
  ) {}

  /** Queues the title; resolves with it (null when none could be made) once it is written. */
  generate(request: TitleRequest): Promise<string | null> {
    // The queue runs a title whenever a slot frees up, in whichever request freed it: it must run as its own chat's owner.
    const identity = currentIdentity();
    const title = this.limit(() => runAs(identity, () => this.write(request)));
    this.inFlight.add(title);
    void title.finally(() => this.inFlight.delete(title));
    return title;
  }

  /**
   * At shutdown: lets titles in progress finish for up to `graceMs`, then stops the rest — each
   * still records what its provider call cost before the database closes.
   */
  async drain(graceMs: number): Promise<void> {
    const all = () => Promise.all([...this.inFlight]);
    const finished = await Promise.race([
      all().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
    if (finished) return;
    this.stopping.abort(new Error("shutting down"));
    await all();
  }

  private async write(request: TitleRequest): Promise<string | null> {
    const { prisma, logger } = this.options;
    let called: { model: ModelInfo; prompt: string } | null = null;
    let text = "";
    let usage: TokenUsage | null = null;
    let signal: AbortSignal | undefined;
    const call: ProviderCall = { accepted: false };
    let cutInFlight = false;
    let outcome: UsageOutcome = "completed";
    const startedAt = performance.now();
    let firstTokenMs: number | null = null;
    let reservationId: string | null = null;
    try {
      const { adapter, model } = await this.resolve(request.chatModelId);
      const conversation = `User: ${request.question.slice(0, EXCERPT_CHARS)}\n\nAssistant: ${request.answer.slice(0, EXCERPT_CHARS)}`;
      const admission = await this.options.budgets?.admit(
        model.id,
        promptSize([TITLE_PROMPT, conversation]),
        {
          maxOutputTokens: TITLE_MAX_TOKENS,
          apiKeyId: request.apiKeyId ?? null,
          fallback: false,
        },
      );
      reservationId = admission?.reservationId ?? null;
      called = { model, prompt: TITLE_PROMPT + conversation };
      signal = AbortSignal.any([AbortSignal.timeout(TITLE_TIMEOUT_MS), this.stopping.signal]);
      const stream = streamWithRetry(
        adapter,
        {
          model: model.providerModel,
          system: TITLE_PROMPT,
          messages: [{ role: "user", content: conversation }],
          temperature: model.supportsTemperature ? 0.3 : undefined,
          maxOutputTokens: TITLE_MAX_TOKENS,
          idleTimeoutMs: this.options.providerIdleTimeoutMs,
        },
        signal,
        { call },
      );
      for await (const event of stream) {
        if (event.type === "delta") {
          if (!text && event.text) firstTokenMs = performance.now() - startedAt;
          text += event.text;
        } else usage = event.usage;
      }
      const title = cleanTitle(text);
      if (!title) return null;
      // Only replace the default: the user may have renamed the chat meanwhile.
      await prisma.chat.updateMany({
        where: { id: request.chatId, title: DEFAULT_CHAT_TITLE },
        data: { title },
      });
      return title;
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        logger.info(
          { chatId: request.chatId, budgetId: error.extensions.budgetId },
          "chat title skipped: no budget left",
        );
        return null;
      }
      cutInFlight = call.accepted && Boolean(signal?.aborted);
      outcome = signal?.aborted ? "interrupted" : "failed";
      logger.warn({ err: error, chatId: request.chatId }, "could not generate a chat title");
      return null;
    } finally {
      // A call that produced something is paid for, also when it failed half-way; so is one the provider
      // accepted that we cut off (shutdown, timeout) before its first token: it has read the prompt.
      if (called && (usage || text || cutInFlight)) {
        await recordUsage(prisma, {
          userId: request.userId,
          chatId: request.chatId,
          messageId: null,
          model: called.model,
          purpose: "title",
          usage: usage ?? estimateUsage(called.prompt, text, TITLE_MAX_TOKENS),
          outcome,
          apiKeyId: request.apiKeyId ?? null,
          firstTokenMs,
          durationMs: performance.now() - startedAt,
          reservationId,
        }).catch((error: unknown) =>
          logger.warn({ err: error, chatId: request.chatId }, "could not record usage"),
        );
      } else if (reservationId) {
        await this.options.budgets?.release(reservationId);
      }
    }
  }

  /** The title model, unless the organisation does not offer it to this person: then the chat's own. */
  private async resolve(chatModelId: string) {
    const identity = requireIdentity("A title");
    const modelId = this.modelFor(chatModelId);
    try {
      return await this.options.models.resolve(identity, modelId);
    } catch (error) {
      if (!(error instanceof ModelDisabledError) || modelId === chatModelId) throw error;
      return this.options.models.resolve(identity, chatModelId);
    }
  }

  private modelFor(chatModelId: string): string {
    if (this.options.titleModel) return this.options.titleModel;
    const provider = parseModelId(chatModelId)?.provider;
    return (provider && cheapModelFor(provider)?.id) ?? chatModelId;
  }
}

export function cleanTitle(text: string): string {
  const firstLine = text.trim().split("\n")[0] ?? "";
  return firstLine
    .replace(/^["'„“«»\s]+|["'“”«»\s.!]+$/g, "")
    .replace(/^(title|titel)\s*:\s*/i, "")
    .slice(0, 80)
    .trim();
}
