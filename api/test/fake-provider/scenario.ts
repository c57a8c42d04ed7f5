import type { ErrorStatus, Scenario, Usage } from "./types.js";

// Scenario defaults, the [[fake:…]] markers and the deterministic answer text.

export const DEFAULT_SCENARIO: Omit<Scenario, "text"> = {
  chunking: "words",
  delayMs: 0,
  pings: false,
};

/** Markers in the last user message that end-to-end tests (through the API or a browser) can use. */
export const MARKERS = ["stall", "error", "429", "500", "slow", "long"] as const;
export type Marker = (typeof MARKERS)[number];

const MARKER_PATTERN = /\[\[fake:([a-z0-9]+)\]\]/g;
const PARTIAL_TEXT_CHARS = 40;

export function markersIn(text: string): Set<Marker> {
  const found = new Set<Marker>();
  for (const match of text.matchAll(MARKER_PATTERN)) {
    const marker = MARKERS.find((candidate) => candidate === match[1]);
    if (marker) found.add(marker);
  }
  return found;
}

/** Applies the markers that change the stream itself; 429/500 are handled by the server (once per prompt). */
export function applyMarkers(scenario: Scenario, markers: Set<Marker>, lastUserText: string): Scenario {
  const result = { ...scenario };
  if (markers.has("long")) result.text = longReply(lastUserText);
  if (markers.has("slow")) result.delayMs = 30;
  if (markers.has("stall")) result.stallAfterChars = PARTIAL_TEXT_CHARS;
  if (markers.has("error")) result.errorAfterChars = PARTIAL_TEXT_CHARS;
  return result;
}

export function markerStatus(
  markers: Set<Marker>,
): { code: ErrorStatus; retryAfterSeconds?: number } | undefined {
  if (markers.has("429")) return { code: 429, retryAfterSeconds: 1 };
  if (markers.has("500")) return { code: 500 };
  return undefined;
}

function topicOf(lastUserText: string): string {
  const topic = lastUserText.replace(MARKER_PATTERN, "").replace(/\s+/g, " ").trim();
  return topic.length > 60 ? `${topic.slice(0, 60)}…` : topic || "nothing";
}

/** Several sentences with multi-byte characters (2-, 3- and 4-byte UTF-8), derived from the prompt. */
export function defaultReply(lastUserText: string, images = 0): string {
  return [
    `Grüße 👋 … you wrote: „${topicOf(lastUserText)}“.`,
    ...(images > 0 ? [`(I see ${images} image${images === 1 ? "" : "s"}.)`] : []),
    "This answer comes from the fake provider and is the same every time.",
    "It mixes Straße, naïve café, 日本語 and emoji 🚀🧪 to exercise UTF-8 handling.",
    "That is all — done ✅",
  ].join(" ");
}

/** About 2,000 words. */
export function longReply(lastUserText: string): string {
  const paragraphs = [`Grüße 👋 … a long answer about „${topicOf(lastUserText)}“.`];
  for (let index = 1; index <= 100; index++) {
    paragraphs.push(
      `Paragraph ${index}: the fake provider keeps writing so that scrolling, streaming and rendering can be tested with a long answer — ü ✅.`,
    );
  }
  return paragraphs.join("\n\n");
}

/** A deterministic stand-in for a tokenizer: about four characters per token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function resolveUsage(scenario: Scenario, promptText: string): Usage {
  const given = scenario.usage ?? {};
  const reasoningTokens = given.reasoningTokens ?? 0;
  return {
    promptTokens: given.promptTokens ?? estimateTokens(promptText),
    cachedTokens: given.cachedTokens ?? 0,
    reasoningTokens,
    completionTokens: given.completionTokens ?? estimateTokens(scenario.text) + reasoningTokens,
  };
}

/** Words with their following whitespace; joined they give the text back exactly. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

/**
 * The pieces that fit in `maxTokens` output tokens (by estimateTokens), like a provider that stops at
 * the client's limit; `truncated` when something was left out.
 */
export function piecesWithinTokens(
  pieces: string[],
  maxTokens: number | undefined,
): { pieces: string[]; truncated: boolean } {
  if (maxTokens === undefined) return { pieces, truncated: false };
  const kept: string[] = [];
  let text = "";
  for (const piece of pieces) {
    if (estimateTokens(text + piece) > maxTokens) return { pieces: kept, truncated: true };
    kept.push(piece);
    text += piece;
  }
  return { pieces: kept, truncated: false };
}

/** The pieces up to and including the one that reaches `chars` characters. */
export function piecesUpTo(pieces: string[], chars: number): string[] {
  const kept: string[] = [];
  let sent = 0;
  for (const piece of pieces) {
    if (sent >= chars) break;
    kept.push(piece);
    sent += piece.length;
  }
  return kept;
}
