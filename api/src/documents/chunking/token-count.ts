import { countTokens as countO200kTokens, decode, encode } from "gpt-tokenizer/encoding/o200k_base";

// Token counts for chunk sizes and embedding batches. o200k_base is OpenAI's current encoding; for the other
// providers' tokenizers it is a close estimate, which is all sizing needs. Text from documents may contain
// strings such as "<|endoftext|>": they count as ordinary text, never as special tokens.

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return text ? countO200kTokens(text, PLAIN_TEXT) : 0;
}

/**
 * Cuts `text` into pieces of at most `maxTokens` tokens each, at token boundaries that are also character
 * boundaries (a token may hold half an emoji), so that joined the pieces give `text` back exactly.
 */
export function splitAtTokens(text: string, maxTokens: number): string[] {
  const tokens = encode(text, PLAIN_TEXT);
  const pieces: string[] = [];
  let rest = text;
  let start = 0;
  while (start < tokens.length) {
    let end = Math.min(tokens.length, start + Math.max(1, maxTokens));
    let piece = decode(tokens.slice(start, end));
    // A cut inside a character decodes to U+FFFD and is no prefix of the rest: move it back.
    while (end > start + 1 && !rest.startsWith(piece)) {
      end--;
      piece = decode(tokens.slice(start, end));
    }
    if (!rest.startsWith(piece)) {
      // Even one token is part of a character: take tokens until the character is complete.
      while (end < tokens.length && !rest.startsWith(piece)) {
        end++;
        piece = decode(tokens.slice(start, end));
      }
    }
    pieces.push(piece);
    rest = rest.slice(piece.length);
    start = end;
  }
  return pieces;
}

/** The first `maxTokens` tokens of `text` (whole characters only). */
export function truncateToTokens(text: string, maxTokens: number): string {
  return splitAtTokens(text, maxTokens)[0] ?? "";
}
