import { IMAGE_PROMPT_TOKENS, type TurnWithImages } from "../documents/message-images.js";

export interface StoredTurn {
  role: string;
  content: string;
  status: string;
  /** The images sent with a user's message (their document ids). */
  imageIds?: string[];
}

// Characters per token, on the safe side for German and code.
const CHARS_PER_TOKEN = 3;
const TOKENS_PER_TURN = 4;

export const estimateTokens = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN) + TOKENS_PER_TURN;

/**
 * The turns to send to the model: answers that have text (failed ones without text are skipped),
 * and no more than fits the context window beside the system prompt and room for the answer.
 * The oldest turns are dropped first; the latest user message is always kept.
 */
export function buildHistory(
  messages: StoredTurn[],
  options: { contextWindow: number; system?: string; reservedForAnswer?: number },
): TurnWithImages[] {
  const turns: TurnWithImages[] = messages
    .filter(
      (message) => message.role === "user" || (message.role === "assistant" && message.content.length > 0),
    )
    .map((message) => ({
      role: message.role === "user" ? "user" : "assistant",
      content: message.content,
      ...(message.role === "user" && message.imageIds?.length ? { imageIds: message.imageIds } : {}),
    }));

  const reserved = options.reservedForAnswer ?? Math.min(8_192, Math.floor(options.contextWindow / 4));
  let budget = options.contextWindow - reserved - (options.system ? estimateTokens(options.system) : 0);
  const kept: TurnWithImages[] = [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index]!;
    const cost = estimateTokens(turn.content) + (turn.imageIds?.length ?? 0) * IMAGE_PROMPT_TOKENS;
    if (kept.length > 0 && cost > budget) break;
    kept.unshift(turn);
    budget -= cost;
  }
  // Providers expect the conversation to open with the user.
  while (kept.length > 1 && kept[0]!.role !== "user") kept.shift();
  return kept;
}
