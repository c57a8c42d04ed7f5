import type { IncomingHttpHeaders } from "node:http";

// Types shared by the fake provider server and its per-provider wire formats.

export type FakeProviderId = "openai" | "anthropic" | "google" | "mistral" | "xai" | "azure" | "ollama";

export type ErrorStatus = 400 | 401 | 429 | 500 | 503;

export interface Scenario {
  /** The answer; default: a deterministic reply derived from the last user message. */
  text: string;
  /** How the HTTP body is cut into writes: one per event, random byte offsets, or all at once. */
  chunking: "words" | "random-bytes" | "single";
  /** Pause between writes in ms (0 = as fast as possible). */
  delayMs: number;
  /** Extra keep-alives: Anthropic ping events; `: ping` comments for the other SSE providers. */
  pings: boolean;
  /** Send the provider's mid-stream error after at least N characters of text, then end. */
  errorAfterChars?: number;
  /** Stop writing after at least N characters and keep the connection open until the client goes. */
  stallAfterChars?: number;
  /** Fail the next `times` requests with the provider's error body (400: a context-length error). */
  status?: { code: ErrorStatus; times: number; retryAfterSeconds?: number; body?: unknown };
  /** Reported in the provider's native fields; same meaning as TokenUsage (completion includes reasoning). */
  usage?: Partial<Usage>;
  /** Serve exactly this body (e.g. a recorded capture) instead of rendering one; chunking and delay apply. */
  replay?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** What a wire format needs to render one streamed answer. */
export interface StreamPlan {
  requestNumber: number;
  model: string;
  /** Text pieces, one per content event, already cut short for error/stall endings. */
  pieces: string[];
  ending: "complete" | "error" | "stall";
  /** A complete answer cut at the client's output-token limit ends with the provider's "length" reason. */
  truncated: boolean;
  usage: Usage;
  pings: boolean;
  /** OpenAI format: the client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
}

export interface JsonReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface ParsedRequest {
  model: string;
  lastUserText: string;
  /** Well-formed inline images in the last user turn, in the provider's own shape. */
  lastUserImages: number;
  /** All prompt text (system + messages), for the default prompt token count. */
  promptText: string;
  includeUsage: boolean;
  /** The client's limit on output tokens (max_tokens, max_completion_tokens, maxOutputTokens). */
  maxOutputTokens?: number;
}

export interface IncomingCall {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
}

/** Checks the credentials; returns the provider's reply to a missing or wrong key (Gemini and xAI use 400). */
export type AuthCheck = (call: IncomingCall, apiKey: string) => JsonReply | undefined;

export interface WireFormat {
  /** Parses and checks the body the way the provider would; returns its error reply for invalid ones. */
  parseRequest(body: unknown, pathModel: string | undefined): ParsedRequest | JsonReply;
  checkAuth: AuthCheck;
  errorReply(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply;
  contentType: string;
  extraHeaders?: Record<string, string>;
  /** The SSE body, one string per event or comment. */
  frames(plan: StreamPlan): string[];
}

export function isJsonReply(value: ParsedRequest | JsonReply): value is JsonReply {
  return "status" in value;
}
