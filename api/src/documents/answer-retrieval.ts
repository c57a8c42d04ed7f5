import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { EmbedderFor } from "./document-processor.js";
import type { DocumentSearch, SearchHit, SearchScope } from "./document-search.js";

export interface RetrievalRequest {
  userId: string;
  orgId: string;
  messageId: string;
  question: string;
  scope: SearchScope;
  signal?: AbortSignal;
}

export interface RetrievedContext {
  /** Appended to the system prompt: the passages, numbered as the answer cites them. */
  instructions: string;
  sources: number;
}

export interface AnswerRetrievalOptions {
  prisma: PrismaClient;
  search: DocumentSearch;
  embedderFor: EmbedderFor;
  logger: Logger;
  /** RETRIEVAL_CONTEXT_TOKENS: the passages an answer is given, at most. */
  contextTokens: number;
}

/** Hits considered for an answer; neighbours are added around the best few. */
const CANDIDATE_HITS = 12;
const WITH_NEIGHBOURS = 2;
const EXCERPT_CHARS = 300;
/**
 * The budget's worst case counts a prompt's UTF-8 bytes as its tokens (no tokenizer makes more). Passages
 * are therefore capped twice: by tokens (our tokenizer, for the context budget) and by this many bytes per
 * budget token, and `reservedBytes` reserves exactly those bytes.
 */
const BYTES_PER_TOKEN = 4;
const INSTRUCTIONS =
  "Passages from the user's documents follow, each with its number. Where they answer the question, " +
  "use them and cite each passage you use as [n] right after the statement it supports; do not cite " +
  "passages you did not use. Where they do not contain the answer, say so briefly and answer as well as " +
  "you can. Answer in the language of the question.";

/**
 * Finds the passages an answer is given and records them as the answer's sources ([1], [2] …). Done by
 * the generator right before the provider call, so that sending a message stays fast.
 */
export class AnswerRetrieval {
  constructor(private readonly options: AnswerRetrievalOptions) {}

  /** The most a prompt can grow by retrieval, in bytes (for the budget's worst case). */
  get reservedBytes(): number {
    return this.options.contextTokens * BYTES_PER_TOKEN + INSTRUCTIONS.length + 1_000;
  }

  applies(userId: string, scope: SearchScope): Promise<boolean> {
    if (!scope.chatId && !scope.useLibrary) return Promise.resolve(false);
    return this.options.search.hasDocuments(userId, scope);
  }

  /** The passages for this answer, saved as its sources; null when none is relevant. */
  async prepare(request: RetrievalRequest): Promise<RetrievedContext | null> {
    const { prisma, search, logger } = this.options;
    if (!(await this.applies(request.userId, request.scope))) return null;
    const embedder = await this.options.embedderFor(request.orgId).catch((error: unknown) => {
      logger.warn({ err: error }, "no embedder for retrieval; full-text search only");
      return null;
    });
    const hits = await search.search(request.userId, request.question, request.scope, {
      first: CANDIDATE_HITS,
      embedder,
      signal: request.signal,
    });
    const passages = await this.withinBudget(hits);
    if (passages.length === 0) return null;
    await prisma.messageSource.createMany({
      data: passages.map((passage, index) => ({
        messageId: request.messageId,
        position: index + 1,
        userId: request.userId,
        documentId: passage.hit.documentId,
        chunkId: passage.hit.chunkId,
        filename: passage.hit.filename,
        page: passage.hit.page,
        section: passage.hit.section,
        excerpt: excerptOf(passage.hit.text),
        score: passage.hit.score,
      })),
      skipDuplicates: true,
    });
    const numbered = passages.map((passage, index) => {
      const where = [passage.hit.filename, `page ${passage.hit.page}`, passage.hit.section].filter(Boolean);
      return `[${index + 1}] ${where.join(", ")}\n${passage.text}`;
    });
    return { instructions: `${INSTRUCTIONS}\n\n${numbered.join("\n\n")}`, sources: passages.length };
  }

  /** The best hits (the best few with the chunks around them) as long as the budget lasts. */
  private async withinBudget(hits: SearchHit[]) {
    const maxTokens = this.options.contextTokens;
    const maxBytes = maxTokens * BYTES_PER_TOKEN;
    const passages: { hit: SearchHit; text: string }[] = [];
    const used = new Set(hits.map((hit) => hit.chunkId));
    let tokens = 0;
    let bytes = 0;
    for (const [index, hit] of hits.entries()) {
      let text = hit.text;
      let passageTokens = hit.tokenCount;
      if (index < WITH_NEIGHBOURS) {
        const around = (await this.options.search.neighbours(hit)).filter(
          (chunk) => !used.has(chunk.id) && chunk.page === hit.page,
        );
        const before = around.filter((chunk) => chunk.ordinal < hit.ordinal);
        const after = around.filter((chunk) => chunk.ordinal > hit.ordinal);
        const extended = [
          ...before.map((chunk) => chunk.content),
          hit.text,
          ...after.map((chunk) => chunk.content),
        ].join("\n\n");
        const extendedTokens = passageTokens + around.reduce((sum, chunk) => sum + chunk.tokenCount, 0);
        if (tokens + extendedTokens <= maxTokens && bytes + Buffer.byteLength(extended) <= maxBytes) {
          text = extended;
          passageTokens = extendedTokens;
          for (const chunk of around) used.add(chunk.id);
        }
      }
      const passageBytes = Buffer.byteLength(text);
      if (tokens + passageTokens > maxTokens || bytes + passageBytes > maxBytes) break;
      tokens += passageTokens;
      bytes += passageBytes;
      passages.push({ hit, text });
    }
    return passages;
  }
}

/** The start of a passage, cut at a word, for the source list under the answer. */
export function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_CHARS) return flat;
  const cut = flat.slice(0, EXCERPT_CHARS);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > EXCERPT_CHARS / 2 ? lastSpace : EXCERPT_CHARS)}…`;
}
