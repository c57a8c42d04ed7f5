import type { MessagePort } from "node:worker_threads";
import { chunkDocument, type DocumentChunk } from "../chunking/chunk-document.js";
import { DocumentRejectedError, type DocumentRejectionCode } from "./document-rejected.js";
import { extractDocument } from "./extract-document.js";
import { createOcrEngine, type OcrEngine } from "./ocr-engine.js";
import type { ExtractedDocument, ExtractionLimits, ExtractionProgress } from "./types.js";

/** What extraction-pool.ts sends to a worker thread. */
export interface ExtractionTask {
  bytes: Uint8Array;
  filename: string;
  limits?: Partial<ExtractionLimits>;
  /** Receives one `ProgressMessage` per step, then `{ end: true }`. */
  progressPort: MessagePort;
}

/** A document's pages and, cut from them here too (it takes seconds on a long text), its chunks. */
export type ChunkedDocument = ExtractedDocument & { chunks: DocumentChunk[] };

export type ProgressMessage = { progress: ExtractionProgress } | { end: true };

/**
 * Errors lose their class and extra fields between threads, so a rejection travels as its code and
 * message and is rebuilt on the other side. Other errors are bugs and are thrown as they are.
 */
export type ExtractionOutcome =
  | { document: ChunkedDocument }
  | { rejection: { code: DocumentRejectionCode; message: string } };

// One tesseract engine per thread, started on the first document that needs OCR and kept for the next;
// it ends with the thread.
let ocrEngine: Promise<OcrEngine> | undefined;

function getOcrEngine(): Promise<OcrEngine> {
  ocrEngine ??= createOcrEngine().catch((error: unknown) => {
    ocrEngine = undefined;
    throw error;
  });
  return ocrEngine;
}

/** Runs in a piscina worker thread (see extraction-pool.ts). */
export default async function extract(task: ExtractionTask): Promise<ExtractionOutcome> {
  const { progressPort } = task;
  try {
    const document = await extractDocument(task.bytes, task.filename, {
      limits: task.limits,
      getOcrEngine,
      onProgress: (progress) => progressPort.postMessage({ progress } satisfies ProgressMessage),
    });
    return { document: { ...document, chunks: chunkDocument(document.pages) } };
  } catch (error) {
    if (error instanceof DocumentRejectedError) {
      return { rejection: { code: error.code, message: error.message } };
    }
    throw error;
  } finally {
    // The result travels on piscina's own port, which may overtake this one; the caller waits for this.
    progressPort.postMessage({ end: true } satisfies ProgressMessage);
    progressPort.close();
  }
}
