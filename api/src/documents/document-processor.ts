import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import { type ChunkStore, embeddingText } from "./chunk-store.js";
import { readDocumentFile } from "./document-files.js";
import type { ClaimedJob } from "./document-jobs.js";
import type { DocumentSummaries } from "./document-summaries.js";
import { DocumentRejectedError } from "./extraction/document-rejected.js";
import type { ExtractionPool } from "./extraction/extraction-pool.js";
import type { ExtractionLimits, ExtractionProgress } from "./extraction/types.js";

/** Embeds texts for one organisation (see embeddings/); null when no EMBEDDING_MODEL is set. */
export interface DocumentEmbedder {
  readonly model: string;
  embed(inputs: string[], purpose: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]>;
}

export type EmbedderFor = (orgId: string) => Promise<DocumentEmbedder | null>;

export type ProgressStage =
  | "QUEUED"
  | ExtractionProgress["stage"]
  | "CHUNKING"
  | "EMBEDDING"
  | "SUMMARISING"
  | "DONE";

export interface DocumentProgress {
  stage: ProgressStage;
  done: number;
  total: number;
}

export interface DocumentProcessorOptions {
  prisma: PrismaClient;
  logger: Logger;
  pool: ExtractionPool;
  chunks: ChunkStore;
  embedderFor: EmbedderFor;
  limits?: Partial<ExtractionLimits>;
  /** The short summary, queued once a document is ready (silently skipped where no model can write it). */
  summaries?: Pick<DocumentSummaries, "queue" | "summarise">;
  /** Progress is written at most this often (ms). */
  progressEveryMs?: number;
}

const EMBED_BATCH = 64;

/**
 * The work of a document's jobs, run as its owner: extract (in a worker thread), chunk, index, embed.
 * Unreadable files end FAILED with the reason; an embedding failure leaves the document READY for
 * full-text search and queues the embedding again.
 */
export class DocumentProcessor {
  constructor(private readonly options: DocumentProcessorOptions) {}

  handle = async (job: ClaimedJob, signal: AbortSignal): Promise<void> => {
    if (job.kind === "process") return this.process(job, signal);
    if (job.kind === "embed") return this.embedJob(job, signal);
    if (job.kind === "summarise") return this.options.summaries?.summarise(job, signal);
  };

  private async process(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { prisma, pool } = this.options;
    const document = await prisma.document.findFirst({ where: { id: job.documentId } });
    if (!document) return; // deleted meanwhile
    const content = await readDocumentFile(prisma, document.id);
    if (content?.byteLength !== Number(document.sizeBytes)) {
      // Its upload's process died before the whole file was stored.
      await this.update(
        document.id,
        {
          status: "FAILED",
          errorCode: "DOCUMENT_INCOMPLETE",
          error: "The upload did not finish; upload the file again.",
        },
        { stage: "DONE", done: 0, total: 0 },
      );
      return;
    }
    await this.update(document.id, { status: "PROCESSING" }, { stage: "EXTRACTING", done: 0, total: 0 });
    const progress = this.throttledProgress(document.id);
    let extracted: Awaited<ReturnType<ExtractionPool["extract"]>>;
    try {
      extracted = await pool.extract(content, document.filename, {
        limits: this.options.limits,
        onProgress: progress,
        signal,
      });
    } catch (error) {
      if (!(error instanceof DocumentRejectedError)) throw error;
      await this.update(
        document.id,
        { status: "FAILED", errorCode: error.code, error: error.message },
        { stage: "DONE", done: 0, total: 0 },
      );
      return;
    }
    signal.throwIfAborted();
    await this.update(
      document.id,
      { pageCount: extracted.pageCount, ocrPages: extracted.ocrPages, language: extracted.language },
      {
        stage: "CHUNKING",
        done: 0,
        total: extracted.pageCount,
      },
    );
    const { chunks } = extracted;
    if (!(await this.options.chunks.replace(document, chunks, extracted.language))) return; // deleted meanwhile
    const embeddingModel = await this.embed(job, document.id, signal).catch(async (error: unknown) => {
      if (signal.aborted) throw error;
      // Full-text search works without vectors; the embedding is tried again in the background.
      this.options.logger.warn(
        { err: error, documentId: document.id },
        "could not embed a document; queued again",
      );
      await prisma.documentJob.upsert({
        where: { documentId_kind: { documentId: document.id, kind: "embed" } },
        create: {
          documentId: document.id,
          orgId: job.owner.orgId,
          kind: "embed",
          runAt: new Date(Date.now() + 60_000),
        },
        update: {},
      });
      return null;
    });
    await this.update(
      document.id,
      { status: "READY", chunkCount: chunks.length, embeddingModel, error: null, errorCode: null },
      { stage: "DONE", done: chunks.length, total: chunks.length },
    );
    await this.options.summaries?.queue(document.id, job.owner.orgId);
  }

  private async embedJob(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const model = await this.embed(job, job.documentId, signal);
    if (model) {
      await this.options.prisma.document.updateMany({
        where: { id: job.documentId },
        data: { embeddingModel: model, updatedAt: new Date() },
      });
    }
  }

  /** Embeds the chunks without a vector of the current model; the model's id, or null without one. */
  private async embed(job: ClaimedJob, documentId: string, signal: AbortSignal): Promise<string | null> {
    const embedder = await this.options.embedderFor(job.owner.orgId);
    if (!embedder) return null;
    const pending = await this.options.chunks.unembedded(documentId, embedder.model);
    for (let start = 0; start < pending.length; start += EMBED_BATCH) {
      const batch = pending.slice(start, start + EMBED_BATCH);
      await this.setProgress(documentId, { stage: "EMBEDDING", done: start, total: pending.length });
      const vectors = await embedder.embed(batch.map(embeddingText), "document", signal);
      for (const [index, chunk] of batch.entries()) {
        await this.options.chunks.saveEmbedding(chunk.id, embedder.model, vectors[index]!);
      }
    }
    return embedder.model;
  }

  private throttledProgress(documentId: string) {
    let last = 0;
    return (progress: ExtractionProgress) => {
      const now = Date.now();
      if (now - last < (this.options.progressEveryMs ?? 500) && progress.done < progress.total) return;
      last = now;
      void this.setProgress(documentId, progress).catch(() => {});
    };
  }

  private setProgress(documentId: string, progress: DocumentProgress) {
    return this.options.prisma.document.updateMany({
      where: { id: documentId },
      data: { progress: { ...progress }, updatedAt: new Date() },
    });
  }

  private update(
    documentId: string,
    data: Prisma.DocumentUpdateManyMutationInput,
    progress: DocumentProgress,
  ) {
    return this.options.prisma.document.updateMany({
      where: { id: documentId },
      data: { ...data, progress: { ...progress }, updatedAt: new Date() },
    });
  }
}
