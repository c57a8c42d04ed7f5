import { z } from "zod";

// The one interface every LLM provider adapter implements, and the error it throws.

export type ProviderId = "openai" | "anthropic" | "google" | "mistral" | "xai" | "azure" | "ollama";

export const PROVIDER_IDS: readonly ProviderId[] = [
  "openai",
  "anthropic",
  "google",
  "mistral",
  "xai",
  "azure",
  "ollama",
];

/** A provider id given by a client (GraphQL arguments). */
export const providerIdSchema = z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]], {
  error: `The provider is one of ${PROVIDER_IDS.join(", ")}`,
});

/** Names for messages shown to people (errors, availability reasons). */
export const PROVIDER_NAMES: Record<ProviderId, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google Gemini",
  mistral: "Mistral",
  xai: "xAI",
  azure: "Azure OpenAI",
  ollama: "Ollama",
};

/** An image sent with a user's turn, to a model that reads images. */
export interface TurnImage {
  /** image/png, image/jpeg or image/webp. */
  mimeType: string;
  /** The file's bytes, base64-encoded (every provider takes images inline). */
  base64: string;
}

export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
  /** Each adapter places them the provider's own way, before the turn's text. */
  images?: TurnImage[];
}

export interface CompletionRequest {
  /** Provider-native model name (no "provider/" prefix; for Azure the deployment name). */
  model: string;
  /** Each adapter places it the provider's own way (system message, top-level `system`, `systemInstruction`). */
  system?: string;
  messages: ChatTurn[];
  /** Not sent when undefined. */
  temperature?: number;
  /** Not sent when undefined, except for Anthropic, which requires `max_tokens` (a default applies). */
  maxOutputTokens?: number;
  /**
   * How long the connection may stay silent (no byte at all; the provider's pings count as life) before
   * the call fails with PROVIDER_TIMEOUT. Undefined: no limit.
   */
  idleTimeoutMs?: number;
  /**
   * Called when the provider has accepted the call (HTTP 2xx): from then on it charges for the prompt,
   * whatever becomes of the stream.
   */
  onAccepted?: () => void;
}

/**
 * Token usage with the same meaning for every provider:
 * - promptTokens: all input tokens, including cached ones (and Anthropic's cache writes);
 * - cachedTokens: the subset of promptTokens read from the provider's prompt cache;
 * - completionTokens: all billed output tokens INCLUDING reasoning/thinking tokens (OpenAI counts reasoning
 *   inside completion_tokens; xAI reports it beside completion_tokens; Gemini reports thoughtsTokenCount
 *   beside candidatesTokenCount; the adapters add them up where needed);
 * - reasoningTokens: the reasoning subset of completionTokens (0 where the provider does not report it).
 */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

export type StreamEvent = { type: "delta"; text: string } | { type: "usage"; usage: TokenUsage };

export interface EmbeddingRequest {
  /** The provider's own model id (no "provider/" prefix; for Azure the deployment name). */
  model: string;
  inputs: string[];
  /** Documents are indexed, queries searched: Gemini takes it as taskType RETRIEVAL_DOCUMENT / RETRIEVAL_QUERY. */
  purpose: "document" | "query";
  /** Ask for vectors of this length where the provider can shorten them. Not sent when undefined. */
  dimensions?: number;
}

export interface EmbeddingResult {
  /** One vector per input, in input order, as the provider sent them (not normalised here). */
  vectors: number[][];
  /**
   * Input tokens as the provider reports them; where it reports none (Gemini, some local servers) they are
   * counted with the o200k tokenizer (documents/chunking/token-count.ts), a close estimate.
   */
  promptTokens: number;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  /**
   * Yields text deltas as they arrive and one usage event at the end (when the provider reports usage).
   * Throws ProviderError for HTTP errors, error events inside the stream and streams that end early.
   * When `signal` aborts, the request is cancelled and the iteration rejects with `signal.reason`.
   */
  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  /**
   * Text embeddings, one call for all inputs; absent for providers without an embeddings API (Anthropic,
   * xAI). Throws ProviderError like `stream` (HTTP errors, unreachable provider, a malformed answer);
   * when `signal` aborts, rejects with `signal.reason`. No retries here (see embeddings/embedder.ts).
   */
  embed?(request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult>;
}

/** What every cloud adapter factory takes. `baseUrl` has no trailing slash. */
export interface AdapterOptions {
  apiKey: string;
  baseUrl: string;
  /** For tests and instrumentation; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type ProviderErrorCode =
  | "PROVIDER_AUTH"
  | "PROVIDER_RATE_LIMITED"
  | "PROVIDER_UNAVAILABLE"
  /** The provider stopped sending anything (PROVIDER_IDLE_TIMEOUT_MS). */
  | "PROVIDER_TIMEOUT"
  | "CONTEXT_TOO_LONG"
  | "PROVIDER_BAD_REQUEST"
  | "PROVIDER_ERROR";

export interface ProviderErrorOptions {
  code: ProviderErrorCode;
  /** null only for a model id whose provider prefix is not known. */
  provider: ProviderId | null;
  /** Human readable; never contains keys. */
  message: string;
  /** HTTP status of the failed response; undefined for errors reported inside a 200 stream. */
  status?: number;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly code: ProviderErrorCode;
  readonly provider: ProviderId | null;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: ProviderErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.provider = options.provider;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
