import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { currentRequest } from "../observability/request-context.js";
import type { ModelInfo } from "../providers/catalogue.js";
import { costUsd } from "../providers/cost.js";
import type { TokenUsage } from "../providers/types.js";

export type UsagePurpose = "chat" | "title" | "embedding" | "summary";

/** How a provider call ended: completed, stopped by the user, failed, or interrupted (process or connection died). */
export type UsageOutcome = "completed" | "stopped" | "failed" | "interrupted";

export interface UsageRecord {
  userId: string;
  chatId: string | null;
  messageId: string | null;
  model: ModelInfo;
  purpose: UsagePurpose;
  usage: TokenUsage;
  outcome: UsageOutcome;
  /** The personal API key the call was made for; default: the current request's. */
  apiKeyId?: string | null;
  /** From the call to the provider's first text (retries included); null when none came. */
  firstTokenMs?: number | null;
  durationMs?: number | null;
  /** The budget reservation the call was admitted with (settled with this event). */
  reservationId?: string | null;
}

/**
 * One row in chat_token_usage per provider call (a usage event), with its cost by the model's prices;
 * the database adds the user's groups and the daily rollup in the same statement's transaction. A call is paid
 * for whatever happened to its chat: when the chat or message was deleted meanwhile, the row is kept
 * without them rather than lost to the foreign key. An answer is billed once: when its row exists
 * already (recovery estimated it, or the other way round), nothing is added.
 */
export async function recordUsage(prisma: PrismaClient, record: UsageRecord): Promise<void> {
  try {
    await prisma.tokenUsage.create({ data: usageRow(record) });
  } catch (error) {
    if (isKnownError(error, "P2002") && record.purpose === "chat") return;
    if (!isKnownError(error, "P2003")) throw error;
    await prisma.tokenUsage.create({ data: usageRow({ ...record, chatId: null, messageId: null }) });
  }
}

const isKnownError = (error: unknown, code: string) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;

function usageRow(record: UsageRecord) {
  const { usage, model } = record;
  return {
    userId: record.userId,
    chatId: record.chatId,
    messageId: record.messageId,
    model: model.id,
    provider: model.provider,
    purpose: record.purpose,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.promptTokens + usage.completionTokens,
    estimatedCost: costUsd(model.prices, usage).toFixed(10),
    priceId: model.prices.versionId ?? null,
    outcome: record.outcome,
    apiKeyId: record.apiKeyId === undefined ? (currentRequest()?.apiKeyId ?? null) : record.apiKeyId,
    firstTokenMs: wholeMs(record.firstTokenMs),
    durationMs: wholeMs(record.durationMs),
    reservationId: record.reservationId ?? null,
  };
}

const wholeMs = (value: number | null | undefined) =>
  value == null ? null : Math.min(2_147_483_647, Math.max(0, Math.round(value)));

/**
 * A rough count for calls the provider never reported usage for (stopped or failed streams still
 * cost money): about four characters per token.
 */
export function estimateUsage(
  promptText: string,
  completionText: string,
  maxOutputTokens?: number,
): TokenUsage {
  // The provider stopped at the completion's limit, whatever the text's length suggests.
  const completionTokens = Math.ceil(completionText.length / 4);
  return {
    promptTokens: Math.ceil(promptText.length / 4),
    completionTokens:
      maxOutputTokens === undefined ? completionTokens : Math.min(completionTokens, maxOutputTokens),
    cachedTokens: 0,
    reasoningTokens: 0,
  };
}
