import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { ChunkStore } from "./chunk-store.js";
import type { DocumentEmbedder } from "./document-processor.js";

/** Which documents a search looks at: a chat's own, the person's library, or both. */
export interface SearchScope {
  chatId?: string | null;
  useLibrary: boolean;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  filename: string;
  ordinal: number;
  page: number;
  section: string;
  text: string;
  tokenCount: number;
  /** Reciprocal rank fusion of both rankings (k = 60). */
  score: number;
  /** 1-based place in the full-text ranking; null: not found by it. */
  lexicalRank: number | null;
  /** 1-based place in the vector ranking; null: not found by it (or no embedding model). */
  vectorRank: number | null;
}

export interface SearchOptions {
  first?: number;
  embedder?: DocumentEmbedder | null;
  signal?: AbortSignal;
}

interface ChunkRow {
  id: string;
  document_id: string;
  filename: string;
  ordinal: number;
  page: number;
  section: string;
  content: string;
  token_count: number;
  relevance: number;
}

/** Reciprocal rank fusion's constant: a hit's share is 1 / (k + rank). */
export const RRF_K = 60;
/** Candidates each ranking contributes to the fusion. */
const CANDIDATES = 50;
/**
 * A passage found only by its vector must be at least this similar (cosine) to the question: a vector
 * search always returns something, even for a question the documents know nothing about.
 */
export const MIN_VECTOR_SIMILARITY = 0.3;

/**
 * Hybrid retrieval over a person's documents: full-text search in each chunk's language (any of the
 * question's words, ranked by cover density), vector similarity when an embedding model is set, fused by
 * reciprocal rank. Runs as the request's identity: row-level security keeps it to the person's own.
 */
export class DocumentSearch {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly chunks: ChunkStore,
    private readonly logger: Logger,
  ) {}

  /**
   * The best passages for `query`. When the embedding provider fails, full-text search alone answers
   * (a search never fails for want of vectors).
   */
  async search(
    userId: string,
    query: string,
    scope: SearchScope,
    options: SearchOptions = {},
  ): Promise<SearchHit[]> {
    const text = query.trim();
    if (!text) return [];
    const { embedder, signal } = options;
    const [lexical, vector] = await Promise.all([
      this.lexical(userId, text, scope),
      embedder
        ? this.vector(userId, text, scope, embedder, signal).catch((error: unknown) => {
            if (signal?.aborted) throw error;
            this.logger.warn(
              { err: error, model: embedder.model },
              "vector search failed; full-text search only",
            );
            return [];
          })
        : [],
    ]);
    return fuse(lexical, vector).slice(0, options.first ?? 8);
  }

  /** Whether any ready document is in scope (retrieval is skipped for chats without any). */
  async hasDocuments(userId: string, scope: SearchScope): Promise<boolean> {
    const found = await this.prisma.document.findFirst({
      where: { userId, status: "READY", OR: scopeWhere(scope) },
      select: { id: true },
    });
    return found !== null;
  }

  /** The chunks just before and after `hit` in its document. */
  neighbours(hit: Pick<SearchHit, "documentId" | "ordinal">) {
    return this.prisma.documentChunk.findMany({
      where: { documentId: hit.documentId, ordinal: { in: [hit.ordinal - 1, hit.ordinal + 1] } },
      orderBy: { ordinal: "asc" },
      select: { id: true, ordinal: true, page: true, section: true, content: true, tokenCount: true },
    });
  }

  private lexical(userId: string, query: string, scope: SearchScope): Promise<ChunkRow[]> {
    // Any of the question's words (a question rarely repeats all words of its answer), stemmed in each
    // language; a chunk is matched by the query of its own language.
    return this.prisma.$queryRaw<ChunkRow[]>`
      with terms as (
        select 'german' as language, tsvector_to_array(to_tsvector('german', ${query})) as lexemes
        union all select 'english', tsvector_to_array(to_tsvector('english', ${query}))
        union all select 'simple', tsvector_to_array(to_tsvector('simple', ${query}))
      ), queries as (
        select t.language,
               to_tsquery('simple', string_agg('''' || replace(replace(l, '\\', '\\\\'), '''', '''''') || '''', ' | ')) as query
        from terms t, unnest(t.lexemes) as l
        group by t.language
      )
      select c.id, c.document_id, d.filename, c.ordinal, c.page, c.section, c.content, c.token_count,
             ts_rank_cd(c.search_vector, q.query, 1)::float8 as relevance
      from app_document_chunks c
      join app_documents d on d.id = c.document_id
      join queries q on q.language = c.language
      where d.user_id = ${userId}::uuid and d.status = 'READY' and ${scopeSql(scope)}
        and c.search_vector @@ q.query
      order by relevance desc, c.id
      limit ${CANDIDATES}`;
  }

  private async vector(
    userId: string,
    query: string,
    scope: SearchScope,
    embedder: DocumentEmbedder,
    signal?: AbortSignal,
  ): Promise<ChunkRow[]> {
    const [vector] = await embedder.embed([query], "query", signal);
    if (!vector) return [];
    const values = Array.from(vector);
    const dims = values.length;
    if ((await this.chunks.vectorColumn()) === "vector") {
      // The cast to the model's dimension matches the partial HNSW index of that dimension.
      const typed = Prisma.raw(`vector(${Math.trunc(dims)})`);
      const literal = `[${values.join(",")}]`;
      return this.prisma.$queryRaw<ChunkRow[]>`
        select c.id, c.document_id, d.filename, c.ordinal, c.page, c.section, c.content, c.token_count,
               (1 - (c.embedding::${typed} <=> ${literal}::${typed}))::float8 as relevance
        from app_document_chunks c
        join app_documents d on d.id = c.document_id
        where d.user_id = ${userId}::uuid and d.status = 'READY' and ${scopeSql(scope)}
          and c.embedding_model = ${embedder.model} and c.embedding_dims = ${dims}
        order by c.embedding::${typed} <=> ${literal}::${typed}
        limit ${CANDIDATES}`;
    }
    return this.prisma.$queryRaw<ChunkRow[]>`
      select c.id, c.document_id, d.filename, c.ordinal, c.page, c.section, c.content, c.token_count,
             app_vector_similarity(c.embedding, ${values}::real[]) as relevance
      from app_document_chunks c
      join app_documents d on d.id = c.document_id
      where d.user_id = ${userId}::uuid and d.status = 'READY' and ${scopeSql(scope)}
        and c.embedding_model = ${embedder.model} and c.embedding_dims = ${dims}
      order by relevance desc, c.id
      limit ${CANDIDATES}`;
  }
}

function scopeWhere(scope: SearchScope): Prisma.DocumentWhereInput[] {
  return [
    ...(scope.chatId ? [{ chatId: scope.chatId }] : []),
    ...(scope.useLibrary ? [{ scope: "LIBRARY" }] : []),
  ];
}

function scopeSql(scope: SearchScope): Prisma.Sql {
  return Prisma.sql`(d.chat_id = ${scope.chatId ?? null}::uuid or (${scope.useLibrary} and d.scope = 'LIBRARY'))`;
}

/** Reciprocal rank fusion of both rankings, after the relevance gate on vector hits. */
export function fuse(lexical: ChunkRow[], vector: ChunkRow[]): SearchHit[] {
  const hits = new Map<string, SearchHit>();
  const hitOf = (row: ChunkRow): SearchHit => {
    let hit = hits.get(row.id);
    if (!hit) {
      hit = {
        chunkId: row.id,
        documentId: row.document_id,
        filename: row.filename,
        ordinal: row.ordinal,
        page: row.page,
        section: row.section,
        text: row.content,
        tokenCount: row.token_count,
        score: 0,
        lexicalRank: null,
        vectorRank: null,
      };
      hits.set(row.id, hit);
    }
    return hit;
  };
  for (const [index, row] of lexical.entries()) {
    const hit = hitOf(row);
    hit.lexicalRank = index + 1;
    hit.score += 1 / (RRF_K + index + 1);
  }
  const lexicalIds = new Set(lexical.map((row) => row.id));
  for (const [index, row] of vector.entries()) {
    if (row.relevance < MIN_VECTOR_SIMILARITY && !lexicalIds.has(row.id)) continue;
    const hit = hitOf(row);
    hit.vectorRank = index + 1;
    hit.score += 1 / (RRF_K + index + 1);
  }
  // Equal scores (a full-text hit and a vector hit at the same place): the full-text one first, then the
  // better vector place; the id only makes the order repeatable.
  const place = (rank: number | null) => rank ?? Number.POSITIVE_INFINITY;
  return [...hits.values()].sort(
    (a, b) =>
      b.score - a.score ||
      place(a.lexicalRank) - place(b.lexicalRank) ||
      place(a.vectorRank) - place(b.vectorRank) ||
      a.chunkId.localeCompare(b.chunkId),
  );
}
