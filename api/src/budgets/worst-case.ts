import type { ModelInfo } from "../providers/catalogue.js";

/** What a prompt holds, as far as its worst-case cost is concerned. */
export interface PromptSize {
  /** UTF-8 bytes of the system prompt and every turn sent. */
  bytes: number;
  turns: number;
}

/**
 * The completion's limit when a hard budget applies and the request asks for none: long enough for a
 * reasoning model's thinking and a long answer, and the worst case a request reserves.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;
/** Less room than this many output tokens is no answer: the request is refused instead. */
export const MIN_OUTPUT_TOKENS = 64;
// Each turn's role and separators, generously.
const TOKENS_PER_TURN = 8;

/**
 * The most a call can cost: no tokenizer yields more tokens than the text has bytes (byte-level BPE
 * falls back to single bytes), and no provider bills more input than the model's context window. So
 * the reservation holds whatever the provider reports, and a hard budget cannot be overrun.
 */
export function worstCase(model: ModelInfo, prompt: PromptSize, maxOutputTokens?: number) {
  const promptTokens = Math.min(prompt.bytes + TOKENS_PER_TURN * (prompt.turns + 1), model.contextWindow);
  return {
    promptUsd: (promptTokens * model.prices.inputPerMTok) / 1_000_000,
    usdPerOutputToken: model.prices.outputPerMTok / 1_000_000,
    maxOutputTokens: maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    minOutputTokens: Math.min(MIN_OUTPUT_TOKENS, maxOutputTokens ?? MIN_OUTPUT_TOKENS),
  };
}

/** The size of these texts as a prompt. */
export function promptSize(texts: readonly (string | null | undefined)[]): PromptSize {
  let bytes = 0;
  let turns = 0;
  for (const text of texts) {
    if (!text) continue;
    bytes += Buffer.byteLength(text, "utf8");
    turns += 1;
  }
  return { bytes, turns };
}
