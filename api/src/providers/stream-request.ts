import type { z } from "zod";
import { isErrorPayload, providerErrorFromPayload, providerErrorFromResponse } from "./http-errors.js";
import { isRecord, parseJson } from "./json.js";
import { readServerSentEvents, type SseMessage } from "./sse.js";
import { PROVIDER_NAMES, ProviderError, type ProviderId } from "./types.js";

// The HTTP plumbing every adapter shares: POST JSON, map failures, read the SSE answer.

export interface StreamRequest {
  provider: ProviderId;
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** See CompletionRequest.idleTimeoutMs. */
  idleTimeoutMs?: number;
  /** See CompletionRequest.onAccepted. */
  onAccepted?: () => void;
}

/**
 * POSTs `body` and yields the SSE messages of the answer. HTTP errors become ProviderErrors, network
 * failures PROVIDER_UNAVAILABLE, silence beyond `idleTimeoutMs` PROVIDER_TIMEOUT, and an abort rejects
 * with `signal.reason`.
 */
export async function* streamRequest(request: StreamRequest): AsyncGenerator<SseMessage> {
  const { provider, fetch: fetchImplementation } = request;
  const watchdog = new IdleWatchdog(request.idleTimeoutMs);
  const signal = watchdog.guard(request.signal);
  try {
    let response: Response;
    try {
      response = await fetchImplementation(request.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...request.headers },
        body: JSON.stringify(request.body),
        signal,
      });
    } catch (error) {
      throw transportError(provider, error, request.signal, watchdog);
    }
    if (!response.ok) {
      const error = await providerErrorFromResponse(provider, response);
      request.signal.throwIfAborted();
      throw error;
    }
    if (!response.body) throw streamEndedEarly(provider);
    request.onAccepted?.();
    try {
      yield* readServerSentEvents(response.body, () => watchdog.alive());
    } catch (error) {
      throw transportError(provider, error, request.signal, watchdog);
    }
  } finally {
    watchdog.stop();
  }
}

/** Aborts the call when nothing has arrived for `timeoutMs`; every chunk of bytes resets it. */
class IdleWatchdog {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number | undefined) {
    if (timeoutMs === undefined) return;
    this.timer = setTimeout(() => this.controller.abort(new Error("provider idle")), timeoutMs);
    this.timer.unref();
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** The caller's signal, also aborted by this watchdog. */
  guard(signal: AbortSignal): AbortSignal {
    return this.timer ? AbortSignal.any([signal, this.controller.signal]) : signal;
  }

  alive(): void {
    this.timer?.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Parses one `data:` payload with `schema`. Error objects sent inside the stream and malformed data
 * become ProviderErrors.
 */
export function parseStreamPayload<Schema extends z.ZodType>(
  provider: ProviderId,
  data: string,
  schema: Schema,
): z.infer<Schema> {
  const payload = parseJson(data);
  if (isErrorPayload(payload)) throw providerErrorFromPayload(provider, payload);
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new ProviderError({
      code: "PROVIDER_ERROR",
      provider,
      message: `${PROVIDER_NAMES[provider]} sent stream data this client does not understand`,
      cause: payload === undefined ? data.slice(0, 200) : result.error,
    });
  }
  return result.data;
}

/** Non-SSE text inside the stream: Gemini appends a raw JSON error object this way. */
export function unframedStreamError(provider: ProviderId, text: string): ProviderError {
  const payload = parseJson(text);
  if (isRecord(payload) && isErrorPayload(payload)) return providerErrorFromPayload(provider, payload);
  return new ProviderError({
    code: "PROVIDER_ERROR",
    provider,
    message: `${PROVIDER_NAMES[provider]} sent data that is not a server-sent event`,
    cause: text.slice(0, 200),
  });
}

/** The connection closed before the provider's end marker: the answer is incomplete. */
export function streamEndedEarly(provider: ProviderId): ProviderError {
  return new ProviderError({
    code: "PROVIDER_UNAVAILABLE",
    provider,
    message: `${PROVIDER_NAMES[provider]} closed the stream before the answer was complete`,
  });
}

function transportError(
  provider: ProviderId,
  error: unknown,
  signal: AbortSignal,
  watchdog: IdleWatchdog,
): unknown {
  if (signal.aborted) return signal.reason;
  if (watchdog.fired) {
    return new ProviderError({
      code: "PROVIDER_TIMEOUT",
      provider,
      message: `${PROVIDER_NAMES[provider]} sent nothing for ${Math.round((watchdog.timeoutMs ?? 0) / 1000)} seconds`,
    });
  }
  return requestFailure(provider, error, signal);
}

/**
 * What a failed fetch (or body read) becomes: the abort reason when the caller aborted, a ProviderError as
 * is, anything else PROVIDER_UNAVAILABLE ("Could not reach …").
 */
export function requestFailure(provider: ProviderId, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  const cause = error instanceof Error && isRecord(error.cause) ? error.cause.code : undefined;
  return new ProviderError({
    code: "PROVIDER_UNAVAILABLE",
    provider,
    message: `Could not reach ${PROVIDER_NAMES[provider]}${typeof cause === "string" ? ` (${cause})` : ""}`,
    cause: error,
  });
}
