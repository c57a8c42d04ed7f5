import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { DocumentRejectedError } from "./document-rejected.js";
import type {
  ChunkedDocument,
  ExtractionOutcome,
  ExtractionTask,
  ProgressMessage,
} from "./extraction-worker.js";
import type { ExtractionLimits, ExtractionProgress } from "./types.js";

export interface ExtractionPool {
  /**
   * Extracts a document in a worker thread, like `extractDocument` (and cuts it into chunks, like
   * `chunkDocument`), and rejects with the same
   * DocumentRejectedError. The bytes' buffer is handed over to the thread instead of copied when the
   * bytes span all of it, so afterwards `bytes` is empty; pass a copy to keep them. Aborting `signal`
   * stops the thread that runs the extraction and rejects with the signal's reason.
   */
  extract(
    bytes: Uint8Array,
    filename: string,
    options: {
      limits?: Partial<ExtractionLimits>;
      onProgress?: (progress: ExtractionProgress) => void;
      signal?: AbortSignal;
    },
  ): Promise<ChunkedDocument>;
  /** Stops every thread (and its OCR engine) at once; extractions still running reject, later ones too. */
  close(): Promise<void>;
}

/** How long an idle thread lives: it holds a started OCR engine, which takes about a second to start. */
const idleTimeoutMs = 60_000;

/**
 * A pool of worker threads for extraction: PDF parsing and OCR take seconds of CPU, which would stall
 * every other request on the main event loop. Threads start on demand, up to `threads`.
 */
export function createExtractionPool(options: { threads: number }): ExtractionPool {
  const piscina = new Piscina<ExtractionTask, ExtractionOutcome>({
    ...workerEntry(),
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: idleTimeoutMs,
  });
  // A destroyed piscina would start fresh threads for new tasks, which nothing would stop.
  let closed = false;

  return {
    async extract(bytes, filename, { limits, onProgress, signal }) {
      if (closed) throw new Error("The extraction pool is closed.");
      signal?.throwIfAborted();
      const owned =
        bytes.buffer instanceof ArrayBuffer &&
        bytes.byteOffset === 0 &&
        bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : new Uint8Array(bytes);
      const { port1: progressPort, port2: workerPort } = new MessageChannel();
      const ended = new Promise<void>((resolve) => {
        progressPort.on("message", (message: ProgressMessage) => {
          if ("end" in message) resolve();
          else onProgress?.(message.progress);
        });
        progressPort.on("close", () => resolve());
      });
      try {
        const task: ExtractionTask = { bytes: owned, filename, limits, progressPort: workerPort };
        const outcome = await piscina
          .run(task, { transferList: [workerPort, owned.buffer as ArrayBuffer], signal })
          .catch((error: unknown) => {
            throw signal?.aborted ? signal.reason : error;
          });
        await ended;
        if ("rejection" in outcome) {
          throw new DocumentRejectedError(outcome.rejection.code, outcome.rejection.message);
        }
        return outcome.document;
      } finally {
        progressPort.close();
      }
    },
    async close() {
      closed = true;
      await piscina.destroy();
    },
  };
}

/**
 * The worker file sits beside this one: `.js` in the build (dist/), `.ts` under tsx and Vitest, where the
 * thread needs tsx's loader to import TypeScript (threads do not inherit Vitest's transform).
 */
function workerEntry(): { filename: string; execArgv?: string[] } {
  if (import.meta.url.endsWith(".ts")) {
    const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return {
      filename: new URL("./extraction-worker.ts", import.meta.url).href,
      execArgv: ["--import", tsxLoader],
    };
  }
  return { filename: new URL("./extraction-worker.js", import.meta.url).href };
}
