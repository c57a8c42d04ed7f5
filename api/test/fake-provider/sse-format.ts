import type { JsonReply } from "./types.js";

// Small helpers the wire formats share.

/** One `data:` event with `\n\n` framing (OpenAI, Mistral, xAI, Ollama). */
export function dataEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export const DONE_EVENT = "data: [DONE]\n\n";
export const PING_COMMENT = ": ping\n\n";

/** Keep-alives go before every fourth content event when the scenario asks for them. */
export function wantsPing(pings: boolean, index: number): boolean {
  return pings && index % 4 === 0;
}

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): JsonReply {
  return headers ? { status, body, headers } : { status, body };
}

export function retryAfterHeader(seconds: number | undefined): Record<string, string> | undefined {
  return seconds === undefined ? undefined : { "retry-after": String(seconds) };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing chunking can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fixed thinking text, streamed as reasoning deltas where a provider shows reasoning. */
export const REASONING_PIECES = ["First", ", the", " user", " wants", " a", " short", " answer", "."];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The text of a message content that may be a string or a list of `{type:"text", text}` blocks. */
/** How many parts of a content array match (0 for a plain string). */
export function countParts(content: unknown, matches: (part: Record<string, unknown>) => boolean): number {
  return Array.isArray(content) ? content.filter((part) => isRecord(part) && matches(part)).length : 0;
}

export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}
