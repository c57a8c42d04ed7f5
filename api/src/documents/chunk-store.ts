import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { DocumentChunk } from "./chunking/chunk-document.js";
import type { TextLanguage } from "./extraction/types.js";

// Chunks are inserted some at a time: the embedded database runs each statement on the event loop (its
// search vectors and index included), and one statement for a 200-page document stalled every stream
// for seconds.
const CHUNKS_PER_STATEMENT = 25;

/** How the database stores vectors: pgvector's `vector`, or `real[]` where the extension is missing. */
export type VectorColumn = "vector" | "array";

/**
 * Writes a document's chunks (their search vectors are set by a trigger) and their embeddings. The
 * embedding column's type depends on the database (see the documents migration), so it is asked once.
 */
export class ChunkStore {
  private column: Promise<VectorColumn> | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  vectorColumn(): Promise<VectorColumn> {
    this.column ??= this.prisma.$queryRaw<{ udt_name: string }[]>`
        select udt_name from information_schema.columns
        where table_name = 'app_document_chunks' and column_name = 'embedding'`
      .then(([row]) => (row?.udt_name === "vector" ? "vector" : "array"))
      .catch((error: unknown) => {
        this.column = null;
        throw error;
      });
    return this.column;
  }

  /** Replaces the document's chunks (a resumed job starts over); false when the document was deleted meanwhile. */
  async replace(
    document: { id: string; orgId: string; userId: string },
    chunks: DocumentChunk[],
    language: TextLanguage,
  ) {
    const batches: DocumentChunk[][] = [];
    for (let start = 0; start < chunks.length; start += CHUNKS_PER_STATEMENT) {
      batches.push(chunks.slice(start, start + CHUNKS_PER_STATEMENT));
    }
    const written = this.prisma.$transaction([
      this.prisma.documentChunk.deleteMany({ where: { documentId: document.id } }),
      ...batches.map((batch) =>
        this.prisma.documentChunk.createMany({
          data: batch.map((chunk) => ({
            orgId: document.orgId,
            userId: document.userId,
            documentId: document.id,
            ordinal: chunk.ordinal,
            page: chunk.page,
            section: chunk.section,
            content: chunk.text,
            tokenCount: chunk.tokenCount,
            language,
          })),
        }),
      ),
    ]);
    try {
      await written;
      return true;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") return false;
      throw error;
    }
  }

  /** The chunks still without a vector of `model`, in order. */
  unembedded(documentId: string, model: string) {
    return this.prisma.documentChunk.findMany({
      where: { documentId, OR: [{ embeddingModel: null }, { embeddingModel: { not: model } }] },
      orderBy: { ordinal: "asc" },
      select: { id: true, section: true, content: true },
    });
  }

  /** Stores one chunk's L2-normalised vector with its model and dimension. */
  async saveEmbedding(chunkId: string, model: string, vector: Float32Array): Promise<void> {
    const values = Array.from(vector);
    if ((await this.vectorColumn()) === "vector") {
      await this.prisma.$executeRaw`
        update app_document_chunks
        set embedding = ${`[${values.join(",")}]`}::vector, embedding_model = ${model}, embedding_dims = ${values.length}
        where id = ${chunkId}::uuid`;
    } else {
      await this.prisma.$executeRaw`
        update app_document_chunks
        set embedding = ${values}::real[], embedding_model = ${model}, embedding_dims = ${values.length}
        where id = ${chunkId}::uuid`;
    }
  }
}

/** What is embedded for a chunk: its heading breadcrumb and its text. */
export const embeddingText = (chunk: { section: string; content: string }) =>
  chunk.section ? `${chunk.section}\n\n${chunk.content}` : chunk.content;
