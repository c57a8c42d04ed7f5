import pLimit from "p-limit";
import type { BudgetGate } from "../budgets/budget-gate.js";
import { DEFAULT_CHAT_TITLE } from "../chats/default-title.js";
import { currentIdentity, runAs } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { parseModelId } from "../providers/catalogue.js";
import { cheapModelFor } from "../providers/title-model.js";
import { BackgroundCompletion } from "./background-completion.js";

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

  private readonly completion: BackgroundCompletion;

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
  ) {
    this.completion = new BackgroundCompletion(options);
  }

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
    try {
      const conversation = `User: ${request.question.slice(0, EXCERPT_CHARS)}\n\nAssistant: ${request.answer.slice(0, EXCERPT_CHARS)}`;
      const result = await this.completion.complete({
        userId: request.userId,
        chatId: request.chatId,
        apiKeyId: request.apiKeyId ?? null,
        modelId: this.modelFor(request.chatModelId),
        fallbackModelId: request.chatModelId,
        system: TITLE_PROMPT,
        prompt: conversation,
        maxOutputTokens: TITLE_MAX_TOKENS,
        purpose: "title",
        signal: AbortSignal.any([AbortSignal.timeout(TITLE_TIMEOUT_MS), this.stopping.signal]),
      });
      if ("skipped" in result) {
        logger.info({ chatId: request.chatId }, "chat title skipped: no budget left");
        return null;
      }
      const title = cleanTitle(result.text);
      if (!title) return null;
      // Only replace the default: the user may have renamed the chat meanwhile.
      await prisma.chat.updateMany({
        where: { id: request.chatId, title: DEFAULT_CHAT_TITLE },
        data: { title },
      });
      return title;
    } catch (error) {
      logger.warn({ err: error, chatId: request.chatId }, "could not generate a chat title");
      return null;
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
