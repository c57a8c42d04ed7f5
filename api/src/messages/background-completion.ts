import { BudgetExceededError } from "../budgets/budget-exceeded.js";
import type { BudgetGate } from "../budgets/budget-gate.js";
import { promptSize } from "../budgets/worst-case.js";
import { requireIdentity } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ModelAccess, ModelDisabledError } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import type { ModelInfo } from "../providers/catalogue.js";
import { type ProviderCall, streamWithRetry } from "../providers/retry.js";
import type { TokenUsage } from "../providers/types.js";
import { estimateUsage, recordUsage, type UsageOutcome, type UsagePurpose } from "../usage/usage-recorder.js";

export interface BackgroundCompletionRequest {
  userId: string;
  chatId: string | null;
  /** The personal API key the work is done for. */
  apiKeyId?: string | null;
  /** The model asked for; when the organisation does not offer it to this person, `fallbackModelId`. */
  modelId: string;
  fallbackModelId?: string;
  system: string;
  prompt: string;
  maxOutputTokens: number;
  purpose: UsagePurpose;
  /** Cancels the call (a timeout, a shutdown); what the provider billed is still recorded. */
  signal: AbortSignal;
}

/** Why a background completion made no text, when that is not an error. */
export type SkipReason = "BUDGET_EXCEEDED";

/**
 * A short completion nobody waits for (a chat's title, a document's summary) with a cheap model: admitted
 * against the person's budgets (skipped, not failed, when they have no room), and paid for whatever
 * became of it.
 */
export class BackgroundCompletion {
  constructor(
    private readonly options: {
      prisma: PrismaClient;
      models: ModelAccess;
      logger: Logger;
      budgets?: BudgetGate;
      /** PROVIDER_IDLE_TIMEOUT_MS. */
      providerIdleTimeoutMs?: number;
    },
  ) {}

  /** The text, or the reason it was skipped; throws when the call failed. */
  async complete(request: BackgroundCompletionRequest): Promise<{ text: string } | { skipped: SkipReason }> {
    const { prisma, logger } = this.options;
    let called: ModelInfo | null = null;
    let text = "";
    let usage: TokenUsage | null = null;
    const call: ProviderCall = { accepted: false };
    let failed = false;
    const startedAt = performance.now();
    let firstTokenMs: number | null = null;
    let reservationId: string | null = null;
    try {
      const { adapter, model } = await this.resolve(request.modelId, request.fallbackModelId);
      const admission = await this.options.budgets?.admit(
        model.id,
        promptSize([request.system, request.prompt]),
        {
          maxOutputTokens: request.maxOutputTokens,
          apiKeyId: request.apiKeyId ?? null,
          fallback: false,
        },
      );
      reservationId = admission?.reservationId ?? null;
      called = model;
      const stream = streamWithRetry(
        adapter,
        {
          model: model.providerModel,
          system: request.system,
          messages: [{ role: "user", content: request.prompt }],
          temperature: model.supportsTemperature ? 0.3 : undefined,
          maxOutputTokens: request.maxOutputTokens,
          idleTimeoutMs: this.options.providerIdleTimeoutMs,
        },
        request.signal,
        { call },
      );
      for await (const event of stream) {
        if (event.type === "delta") {
          if (!text && event.text) firstTokenMs = performance.now() - startedAt;
          text += event.text;
        } else usage = event.usage;
      }
      return { text };
    } catch (error) {
      if (error instanceof BudgetExceededError) return { skipped: "BUDGET_EXCEEDED" };
      failed = true;
      throw error;
    } finally {
      // A call that produced something is paid for, also when it failed half-way; so is one the provider
      // accepted that we cut off (shutdown, timeout) before its first token: it has read the prompt.
      const cutInFlight = call.accepted && request.signal.aborted;
      if (called && (usage || text || cutInFlight)) {
        const outcome: UsageOutcome = request.signal.aborted
          ? "interrupted"
          : failed
            ? "failed"
            : "completed";
        await recordUsage(prisma, {
          userId: request.userId,
          chatId: request.chatId,
          messageId: null,
          model: called,
          purpose: request.purpose,
          usage: usage ?? estimateUsage(request.system + request.prompt, text, request.maxOutputTokens),
          outcome,
          apiKeyId: request.apiKeyId ?? null,
          firstTokenMs,
          durationMs: performance.now() - startedAt,
          reservationId,
        }).catch((error: unknown) =>
          logger.warn(
            { err: error, chatId: request.chatId, purpose: request.purpose },
            "could not record usage",
          ),
        );
      } else if (reservationId) {
        await this.options.budgets?.release(reservationId);
      }
    }
  }

  /** The model asked for, unless the organisation does not offer it to this person: then the fallback. */
  private async resolve(modelId: string, fallbackModelId: string | undefined) {
    const identity = requireIdentity("A background completion");
    try {
      return await this.options.models.resolve(identity, modelId);
    } catch (error) {
      if (!(error instanceof ModelDisabledError) || !fallbackModelId || fallbackModelId === modelId)
        throw error;
      return this.options.models.resolve(identity, fallbackModelId);
    }
  }
}
