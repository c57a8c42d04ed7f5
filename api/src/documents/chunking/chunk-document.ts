import { type MarkdownBlock, markdownBlocks } from "./markdown-blocks.js";
import { splitSentences } from "./sentences.js";
import { countTokens, splitAtTokens } from "./token-count.js";

// Cuts extracted document pages into retrieval chunks: whole blocks packed up to a token target, within
// one page and one heading section, each chunk opening with the last sentences of the one before.

export interface PageText {
  page: number;
  markdown: string;
}

export interface DocumentChunk {
  /** 0-based, in document order. */
  ordinal: number;
  page: number;
  /** Heading breadcrumb, e.g. "Kapitel 2 › Kündigung"; "" before the first heading. */
  section: string;
  /** The chunk's own text, without the breadcrumb. */
  text: string;
  tokenCount: number;
}

export interface ChunkingOptions {
  /** Tokens a chunk aims for and (but for a single table row or code line) does not exceed; default 512. */
  targetTokens?: number;
  /** Tokens of whole sentences repeated from the previous chunk of the same section and page; default 64. */
  overlapTokens?: number;
}

export const DEFAULT_TARGET_TOKENS = 512;
export const DEFAULT_OVERLAP_TOKENS = 64;

/** What the packer moves around: a whole small block, one sentence of a large one, or a table slice. */
interface Piece {
  text: string;
  tokens: number;
  /** Index of the block on its page: sentences of the same block are joined by a space. */
  block: number;
  kind: MarkdownBlock["kind"];
  /** Prose pieces can lend their last sentences as overlap; tables and code cannot. */
  prose: boolean;
}

interface Sentence {
  text: string;
  tokens: number;
}

// Every join costs about one token ("\n\n" or a space).
const JOIN_TOKENS = 1;

export function chunkDocument(pages: PageText[], options: ChunkingOptions = {}): DocumentChunk[] {
  const target = Math.max(16, options.targetTokens ?? DEFAULT_TARGET_TOKENS);
  const overlap = Math.max(0, Math.min(options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS, target / 2));
  const chunks: DocumentChunk[] = [];
  const headings: string[] = [];
  for (const { page, markdown } of pages) {
    let pieces: Piece[] = [];
    const flush = () => {
      const section = headings.filter(Boolean).join(" › ");
      for (const text of packPieces(pieces, target, overlap)) {
        chunks.push({ ordinal: chunks.length, page, section, text, tokenCount: countTokens(text) });
      }
      pieces = [];
    };
    markdownBlocks(markdown).forEach((block, index) => {
      if (block.kind === "heading") {
        flush();
        headings.length = block.level - 1;
        headings[block.level - 1] = block.title;
        return;
      }
      pieces.push(...blockPieces(block, index, target));
    });
    flush();
  }
  return chunks;
}

function blockPieces(block: Exclude<MarkdownBlock, { kind: "heading" }>, index: number, target: number) {
  const piece = (text: string, tokens: number, prose: boolean): Piece => ({
    text,
    tokens,
    block: index,
    kind: block.kind,
    prose,
  });
  switch (block.kind) {
    case "table":
      return linePieces(block.rows, block.header, "", target).map((slice) =>
        piece(slice.text, slice.tokens, false),
      );
    case "code": {
      const opener = block.lines[0] ?? "```";
      const closed = block.lines.length > 1 && /^\s*(`{3,}|~{3,})\s*$/.test(block.lines.at(-1) ?? "");
      const inner = block.lines.slice(1, closed ? -1 : undefined);
      const closer = closed ? (block.lines.at(-1) ?? "") : opener.trim().replace(/[^`~].*$/, "");
      return linePieces(inner, opener, closer, target).map((slice) => piece(slice.text, slice.tokens, false));
    }
    default: {
      const tokens = countTokens(block.text);
      if (tokens <= target) return [piece(block.text, tokens, true)];
      return sentencesOf(block.text, target).map((sentence) => piece(sentence.text, sentence.tokens, true));
    }
  }
}

/** Sentences with their token counts; a sentence above `target` is cut at token boundaries. */
function sentencesOf(text: string, target: number): Sentence[] {
  return splitSentences(text).flatMap((sentence) => {
    const tokens = countTokens(sentence);
    if (tokens <= target) return [{ text: sentence, tokens }];
    return splitAtTokens(sentence, target).map((part) => ({ text: part.trim(), tokens: countTokens(part) }));
  });
}

/**
 * Groups lines (table rows, code lines) into slices of at most `target` tokens, never cutting a line, each
 * slice framed by `header` (a table's header row and separator, a code fence) and `footer`.
 */
function linePieces(lines: string[], header: string, footer: string, target: number): Sentence[] {
  const frameTokens = countTokens(header) + (footer ? countTokens(footer) + JOIN_TOKENS : 0);
  const slices: Sentence[] = [];
  let current: string[] = [];
  let tokens = frameTokens;
  const close = () => {
    const text = [header, ...current, ...(footer ? [footer] : [])].join("\n");
    slices.push({ text, tokens });
    current = [];
    tokens = frameTokens;
  };
  for (const line of lines) {
    const lineTokens = countTokens(line) + JOIN_TOKENS;
    if (current.length > 0 && tokens + lineTokens > target) close();
    current.push(line);
    tokens += lineTokens;
  }
  if (current.length > 0 || slices.length === 0) close();
  return slices;
}

/** Packs the pieces of one section on one page into chunk texts. */
function packPieces(pieces: Piece[], target: number, overlap: number): string[] {
  const texts: string[] = [];
  let current: Piece[] = [];
  let tokens = 0;
  for (const piece of pieces) {
    const cost = piece.tokens + (current.length > 0 ? JOIN_TOKENS : 0);
    if (current.length > 0 && tokens + cost > target) {
      texts.push(joinPieces(current));
      current = overlapPieces(current, overlap, target - piece.tokens - JOIN_TOKENS);
      tokens = current.reduce((sum, carried) => sum + carried.tokens + JOIN_TOKENS, 0);
    }
    tokens += piece.tokens + (current.length > 0 ? JOIN_TOKENS : 0);
    current.push(piece);
  }
  if (current.length > 0) texts.push(joinPieces(current));
  return texts;
}

/**
 * The last whole sentences of a chunk, up to `overlap` tokens and leaving room (`room`) for the piece that
 * follows; nothing when the chunk ends with a table or code.
 */
function overlapPieces(chunk: Piece[], overlap: number, room: number): Piece[] {
  const limit = Math.min(overlap, room);
  const carried: Piece[] = [];
  let tokens = 0;
  for (let index = chunk.length - 1; index >= 0; index--) {
    const piece = chunk[index];
    if (!piece?.prose) break;
    const sentences = piece.tokens <= limit ? [piece] : sentencePieces(piece);
    for (let at = sentences.length - 1; at >= 0; at--) {
      const sentence = sentences[at];
      if (!sentence || tokens + sentence.tokens + JOIN_TOKENS > limit) return carried;
      carried.unshift(sentence);
      tokens += sentence.tokens + JOIN_TOKENS;
    }
  }
  return carried;
}

function sentencePieces(piece: Piece): Piece[] {
  return splitSentences(piece.text).map((text) => ({ ...piece, text, tokens: countTokens(text) }));
}

function joinPieces(pieces: Piece[]): string {
  let text = "";
  pieces.forEach((piece, index) => {
    const previous = pieces[index - 1];
    if (previous) {
      const sameBlock = previous.block === piece.block;
      const sameList = previous.kind === "list-item" && piece.kind === "list-item";
      text += sameBlock ? " " : sameList ? "\n" : "\n\n";
    }
    text += piece.text;
  });
  return text;
}
