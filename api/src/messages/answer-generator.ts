import { requireIdentity } from "../db/request-identity.js";
import type { AnswerRetrieval } from "../documents/answer-retrieval.js";
import type { SearchScope } from "../documents/document-search.js";
import type { MessageImages, TurnWithImages } from "../documents/message-images.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { type ModelInfo, supportsVision } from "../providers/catalogue.js";
import { type ProviderCall, streamWithRetry } from "../providers/retry.js";
import { type ChatTurn, ProviderError, type ProviderId, type TokenUsage } from "../providers/types.js";
import type { AnswerStreamBus } from "../streaming/answer-stream-bus.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import { estimateUsage, recordUsage, type UsageOutcome, type UsageRecord } from "../usage/usage-recorder.js";
import { type AnswerLeaseTimes, DEFAULT_LEASE_TIMES } from "./answer-lease.js";
import { AnswerSaves } from "./answer-saves.js";

export interface GenerationRequest {
  userId: string;
  chatId: string;
  assistantMessageId: string;
  modelId: string;
  /** Undefined when the model does not accept a temperature. */
  temperature: number | undefined;
  system?: string;
  /** The turns to send; a user's turn names its images, given to the model once it is known. */
  history: TurnWithImages[];
  /** Called after a successful answer (e.g. to title a new chat); failures there are the callee's. */
  onComplete?: (answer: string) => void;
  /** The personal API key the answer was asked with (its usage is the key's). */
  apiKeyId?: string | null;
  /** The completion's limit a hard budget allows (its reservation is the answer's id). */
  maxOutputTokens?: number;
  /** Where the answer's passages are searched (the chat's documents, the library), with what. */
  retrieval?: SearchScope & { question: string };
}

export type FinalStatus = "complete" | "stopped" | "failed" | "interrupted";

const USAGE_OUTCOMES: Record<FinalStatus, UsageOutcome> = {
  complete: "completed",
  stopped: "stopped",
  failed: "failed",
  interrupted: "interrupted",
};

/** Hooks for metrics; called inline, so they must be quick and must not throw. */
export interface AnswerObserver {
  /** The provider's first text arrived this many seconds after the call (retries included). */
  firstToken(provider: ProviderId, seconds: number): void;
  /** The answer's final state is saved; usage is what was recorded (reported or estimated). */
  finished(outcome: {
    status: FinalStatus;
    provider: ProviderId | null;
    usage: TokenUsage | null;
    errorCode: string | null;
  }): void;
}

interface ActiveGeneration {
  chatId: string;
  controller: AbortController;
  /** Why we aborted: a user's stop, or the server shutting down. */
  abortStatus: "stopped" | "interrupted";
  done: Promise<void>;
}

export interface AnswerGeneratorOptions {
  prisma: PrismaClient;
  models: ModelAccess;
  bus: AnswerStreamBus;
  /** Stop requests reach the generator from every replica. */
  broadcast: ReplicaBroadcast;
  logger: Logger;
  /** How often the growing answer is written while streaming (default 1 s). */
  saveIntervalMs?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** PROVIDER_IDLE_TIMEOUT_MS; undefined: no limit. */
  providerIdleTimeoutMs?: number;
  lease?: Partial<AnswerLeaseTimes>;
  /** Pauses between attempts of the final save (tests shorten them). */
  finalSaveDelaysMs?: readonly number[];
  /** Gives back an answer's budget reservation when it made no provider call to settle it. */
  budgets?: { release(reservationId: string): Promise<void> };
  /** Finds the passages of the person's documents an answer is given (and saves them as its sources). */
  retrieval?: Pick<AnswerRetrieval, "prepare">;
  /** Gives the model the images sent with the turns (inline, or as their recognised text). */
  images?: Pick<MessageImages, "prepare">;
}

/** The broadcast topic of stop requests: the id of an answer to stop, wherever it is generated. */
export const STOP_TOPIC = "answer-stop";

// Postgres text cannot hold NUL; a model that emits one must not make the answer unsavable.
const NUL = String.fromCharCode(0);

/**
 * Generates answers on the server, independent of any client connection: streams from the provider,
 * publishes every delta to the bus, saves the text about once a second and once at the end (retried),
 * records usage, and ends with a final status. While it runs, it renews the answers' leases, so that
 * no other replica takes them for abandoned.
 */
export class AnswerGenerator {
  private readonly active = new Map<string, ActiveGeneration>();
  private readonly observers: AnswerObserver[] = [];
  private readonly lease: AnswerLeaseTimes;
  private leaseTimer: NodeJS.Timeout | undefined;
  /** When the shutdown's grace period runs out (drain): answers starting after it are not generated. */
  private graceEndsAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: AnswerGeneratorOptions) {
    this.lease = { ...DEFAULT_LEASE_TIMES, ...options.lease };
    options.broadcast.on(STOP_TOPIC, (messageId) => this.stopLocal(messageId, "stopped"));
  }

  observe(observer: AnswerObserver): void {
    this.observers.push(observer);
  }

  /** The lease a new answer row starts with; the generator renews it from then on. */
  newLease(): Date {
    return new Date(Date.now() + this.lease.durationMs);
  }

  /**
   * Starts generating; returns once subscribers can follow the answer, not when it is done. Past the
   * shutdown's grace period an answer is INTERRUPTED at once: a provider call made now would be cut
   * before its first token, and what the provider billed for it could not be counted.
   */
  start(request: GenerationRequest): void {
    const messageId = request.assistantMessageId;
    const generation: ActiveGeneration = {
      chatId: request.chatId,
      controller: new AbortController(),
      abortStatus: "stopped",
      done: Promise.resolve(),
    };
    if (Date.now() >= this.graceEndsAt) {
      generation.abortStatus = "interrupted";
      generation.controller.abort(new Error("answer interrupted: the server is shutting down"));
    }
    this.active.set(messageId, generation);
    this.options.bus.open(messageId);
    this.keepLeases();
    generation.done = this.run(request, generation)
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, messageId }, "answer generation crashed"),
      )
      .finally(() => this.active.delete(messageId));
  }

  /** Resolves when the answer (if generated here) has its final state saved. */
  async wait(messageId: string): Promise<void> {
    await this.active.get(messageId)?.done;
  }

  /** The answers generated in this process right now. */
  activeIds(): IterableIterator<string> {
    return this.active.keys();
  }

  isActive(messageId: string): boolean {
    return this.active.has(messageId);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Stops an answer generated by this process; false when it is not generated here. */
  stopLocal(messageId: string, status: "stopped" | "interrupted" = "stopped"): boolean {
    const generation = this.active.get(messageId);
    if (!generation) return false;
    generation.abortStatus = status;
    generation.controller.abort(new Error(`answer ${status}`));
    return true;
  }

  /**
   * Lets running answers finish for up to `graceMs`, then saves what is left as INTERRUPTED.
   * Used on shutdown.
   */
  async drain(graceMs: number): Promise<void> {
    this.graceEndsAt = Math.min(this.graceEndsAt, Date.now() + graceMs);
    const all = () => Promise.all([...this.active.values()].map((generation) => generation.done));
    const timedOut = await Promise.race([
      all().then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
    ]);
    if (timedOut) {
      for (const messageId of this.active.keys()) this.stopLocal(messageId, "interrupted");
      await all();
    }
  }

  close(): void {
    clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
  }

  /**
   * Renews the leases of all answers generated here, while there are any: one statement for everyone's
   * answers, through the database's named path for it (app_renew_answer_leases, SECURITY DEFINER) — the
   * timer runs in the context of the answer that started it, and row-level security would let an update
   * of that person reach only their own rows.
   */
  private keepLeases(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => {
      if (this.active.size === 0) return this.close();
      const ids = [...this.active.keys()];
      this.options.prisma.$queryRaw`select app_renew_answer_leases(${ids}::uuid[], ${this.newLease()})`.catch(
        (error: unknown) => this.options.logger.warn({ err: error }, "could not renew answer leases"),
      );
    }, this.lease.renewEveryMs);
    this.leaseTimer.unref();
  }

  private async run(asked: GenerationRequest, generation: ActiveGeneration): Promise<void> {
    const { prisma, models, bus, logger } = this.options;
    // The system prompt grows by the passages found for the question (once the model is known).
    let request = asked;
    const messageId = request.assistantMessageId;
    const saves = new AnswerSaves(prisma, messageId, logger, this.options.finalSaveDelaysMs);
    let content = "";
    let usage: TokenUsage | null = null;
    let model: ModelInfo | null = null;
    let status: FinalStatus = "complete";
    let failure: { code: string; message: string } | null = null;
    const call: ProviderCall = { accepted: false };
    let cutInFlight = false;
    const timing = { startedAt: performance.now(), firstTokenMs: null as number | null };

    let savedLength = 0;
    const timer = setInterval(() => {
      if (content.length === savedLength) return;
      savedLength = content.length;
      saves.progress(content);
    }, this.options.saveIntervalMs ?? 1_000);

    try {
      const identity = requireIdentity("An answer");
      const resolved = await models.resolve(identity, request.modelId);
      model = resolved.model;
      request = await this.withPassages(request, identity.orgId, generation.controller.signal);
      const messages = await this.withImages(request, resolved.model, generation.controller.signal);
      const provider = resolved.model.provider;
      const calledAt = performance.now();
      timing.startedAt = calledAt;
      const stream = streamWithRetry(
        resolved.adapter,
        {
          model: resolved.model.providerModel,
          system: request.system,
          messages,
          temperature: request.temperature,
          maxOutputTokens: request.maxOutputTokens,
          idleTimeoutMs: this.options.providerIdleTimeoutMs,
        },
        generation.controller.signal,
        {
          ...this.options.retry,
          call,
          onRetry: (error, attempt, delayMs) => {
            logger.warn(
              { code: error.code, attempt, delayMs, model: request.modelId },
              "retrying provider call",
            );
          },
        },
      );
      for await (const event of stream) {
        if (event.type === "delta") {
          const text = event.text.replaceAll(NUL, "");
          if (!content && text) {
            timing.firstTokenMs = performance.now() - calledAt;
            const seconds = timing.firstTokenMs / 1000;
            for (const observer of this.observers) observer.firstToken(provider, seconds);
          }
          content += text;
          bus.append(messageId, text);
        } else {
          usage = event.usage;
        }
      }
    } catch (error) {
      if (generation.controller.signal.aborted) {
        status = generation.abortStatus;
        cutInFlight = call.accepted;
      } else {
        status = "failed";
        failure =
          error instanceof ProviderError
            ? { code: error.code, message: error.message }
            : { code: "PROVIDER_ERROR", message: "The answer could not be generated" };
        if (!(error instanceof ProviderError))
          logger.error({ err: error, messageId }, "answer generation failed");
      }
    } finally {
      clearInterval(timer);
    }

    const saved = await this.saveFinal(saves, content, status, failure);
    const recordedUsage = await this.recordCall(request, model, usage, content, cutInFlight, {
      outcome: USAGE_OUTCOMES[saved.status],
      firstTokenMs: timing.firstTokenMs,
      durationMs: performance.now() - timing.startedAt,
    });
    const outcome = {
      status: saved.status,
      provider: model?.provider ?? null,
      usage: recordedUsage,
      errorCode: saved.failure?.code ?? null,
    };
    for (const observer of this.observers) observer.finished(outcome);
    await bus.end(messageId);
    await prisma.chat
      .update({ where: { id: request.chatId }, data: { updatedAt: new Date() } })
      .catch(() => {}); // the chat may have been deleted meanwhile
    if (saved.status === "complete") request.onComplete?.(content);
  }

  /** The request with the passages of the person's documents in its system prompt, when any are relevant. */
  private async withPassages(
    request: GenerationRequest,
    orgId: string,
    signal: AbortSignal,
  ): Promise<GenerationRequest> {
    const { retrieval } = this.options;
    if (!request.retrieval || !retrieval) return request;
    const { question, ...scope } = request.retrieval;
    const found = await retrieval
      .prepare({
        userId: request.userId,
        orgId,
        messageId: request.assistantMessageId,
        question,
        scope,
        signal,
      })
      .catch((error: unknown) => {
        if (signal.aborted) throw error;
        // An answer without passages is better than none: the sources list stays empty.
        this.options.logger.warn({ err: error, messageId: request.assistantMessageId }, "retrieval failed");
        return null;
      });
    if (!found) return request;
    return {
      ...request,
      system: request.system ? `${request.system}\n\n${found.instructions}` : found.instructions,
    };
  }

  /**
   * The turns with their images, as the model takes them. When some went as their recognised text, the
   * answer says so (imagesAsText), so that the person knows the model did not see them.
   */
  private async withImages(
    request: GenerationRequest,
    model: ModelInfo,
    signal: AbortSignal,
  ): Promise<ChatTurn[]> {
    const { images, prisma } = this.options;
    const hasImages = request.history.some((turn) => turn.imageIds?.length);
    if (!images || !hasImages) return request.history.map(({ imageIds: _, ...turn }) => turn);
    const prepared = await images.prepare(
      request.history,
      { provider: model.provider, vision: supportsVision(model) },
      signal,
    );
    if (prepared.asText) {
      await prisma.message.update({
        where: { id: request.assistantMessageId },
        data: { imagesAsText: true },
      });
    }
    return prepared.turns;
  }

  /**
   * Writes the final state, retried. If that keeps failing, the answer is at least marked FAILED with a
   * code (its text stays as last saved); if even that fails, the lease runs out and recovery settles it.
   */
  private async saveFinal(
    saves: AnswerSaves,
    content: string,
    status: FinalStatus,
    failure: { code: string; message: string } | null,
  ) {
    const final = { status, errorCode: failure?.code ?? null, errorMessage: failure?.message ?? null };
    const result = await saves.final({ content, ...final, leaseExpiresAt: null });
    if (result !== "failed") return { status, failure };
    const unsaved = { code: "INTERNAL", message: "The answer could not be saved" };
    await saves.final({
      status: "failed",
      errorCode: unsaved.code,
      errorMessage: unsaved.message,
      leaseExpiresAt: null,
    });
    return { status: "failed" as const, failure: unsaved };
  }

  /**
   * Every provider call that produced something is paid for, whatever became of the answer; so is one
   * we cut off (stopped, interrupted) after the provider accepted it, before its first token: the
   * provider has read the prompt.
   */
  private async recordCall(
    request: GenerationRequest,
    model: ModelInfo | null,
    usage: TokenUsage | null,
    content: string,
    cutInFlight: boolean,
    call: Pick<UsageRecord, "outcome" | "firstTokenMs" | "durationMs">,
  ): Promise<TokenUsage | null> {
    if (!model || (!usage && !content && !cutInFlight)) {
      await this.options.budgets?.release(request.assistantMessageId);
      return null;
    }
    const prompt = [request.system ?? "", ...request.history.map((turn) => turn.content)].join("\n");
    const recorded = usage ?? estimateUsage(prompt, content, request.maxOutputTokens);
    await recordUsage(this.options.prisma, {
      userId: request.userId,
      chatId: request.chatId,
      messageId: request.assistantMessageId,
      model,
      purpose: "chat",
      usage: recorded,
      apiKeyId: request.apiKeyId ?? null,
      reservationId: request.assistantMessageId,
      ...call,
    }).catch((error: unknown) =>
      this.options.logger.warn(
        { err: error, messageId: request.assistantMessageId },
        "could not record usage",
      ),
    );
    return recorded;
  }
}
