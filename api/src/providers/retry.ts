import { setTimeout as sleep } from "node:timers/promises";
import { type CompletionRequest, type ProviderAdapter, ProviderError, type StreamEvent } from "./types.js";

export interface RetryOptions {
  /** Attempts in total, including the first (default 3). */
  maxAttempts?: number;
  /** Delay before the first retry, doubled for each further one (default 500 ms). */
  baseDelayMs?: number;
  /** Upper bound of any delay, also of a provider's retry-after hint (default 10 s). */
  maxDelayMs?: number;
  onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
  /** Kept up to date with whether the provider has accepted the current attempt (see ProviderCall). */
  call?: ProviderCall;
}

/**
 * Whether the provider accepted the attempt on its way (answered 2xx) and may be working on it — not
 * one it refused, waiting for a retry. A call cut off after that is paid for: the provider read the prompt.
 */
export interface ProviderCall {
  accepted: boolean;
}

const RETRYABLE_CODES = new Set(["PROVIDER_RATE_LIMITED", "PROVIDER_UNAVAILABLE"]);

/** Rate limits and unavailability pass; other failures (bad key, bad request) would fail again. */
export function isRetryable(error: unknown): error is ProviderError {
  return error instanceof ProviderError && RETRYABLE_CODES.has(error.code);
}

/**
 * Streams with retries for rate limits and unavailability, but only until the first text delta has been
 * yielded: after that the caller has shown text, and a retry would repeat it. Abort ends the wait at once.
 */
export async function* streamWithRetry(
  adapter: ProviderAdapter,
  request: CompletionRequest,
  signal: AbortSignal,
  options: RetryOptions = {},
): AsyncGenerator<StreamEvent> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const { call } = options;
  const tracked: CompletionRequest = {
    ...request,
    onAccepted: () => {
      if (call) call.accepted = true;
      request.onAccepted?.();
    },
  };
  for (let attempt = 1; ; attempt++) {
    let sentText = false;
    try {
      for await (const event of adapter.stream(tracked, signal)) {
        if (event.type === "delta") sentText = true;
        yield event;
      }
      return;
    } catch (error) {
      if (!isRetryable(error) || sentText || attempt >= maxAttempts || signal.aborted) throw error;
      const delayMs = retryDelayMs(error, attempt, options);
      if (call) call.accepted = false;
      options.onRetry?.(error, attempt, delayMs);
      await waitBeforeRetry(delayMs, signal);
    }
  }
}

/**
 * The delay before retry number `attempt` (1 = the first retry): the provider's hint when it gave one,
 * else exponential backoff with jitter; both capped by `maxDelayMs`.
 */
export function retryDelayMs(
  error: ProviderError,
  attempt: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs"> = {},
): number {
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  if (error.retryAfterSeconds !== undefined) return Math.min(error.retryAfterSeconds * 1000, maxDelayMs);
  const exponential = (options.baseDelayMs ?? 500) * 2 ** (attempt - 1);
  // Jitter between 50 % and 100 % keeps clients that failed together from retrying together.
  return Math.min(exponential, maxDelayMs) * (0.5 + Math.random() * 0.5);
}

/** Sleeps `delayMs`; an abort ends the wait at once and rejects with `signal.reason`. */
export async function waitBeforeRetry(delayMs: number, signal: AbortSignal): Promise<void> {
  await sleep(delayMs, undefined, { signal }).catch((sleepError: unknown) => {
    signal.throwIfAborted();
    throw sleepError;
  });
}
