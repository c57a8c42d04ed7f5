import { afterAll, describe, expect, it } from "vitest";
import { buildPdf, readFixture } from "../../../test/fixtures/documents/build-documents.js";
import { chunkDocument } from "../chunking/chunk-document.js";
import { DocumentRejectedError } from "./document-rejected.js";
import { extractDocument } from "./extract-document.js";
import { createExtractionPool } from "./extraction-pool.js";
import type { ExtractionProgress } from "./types.js";

const pool = createExtractionPool({ threads: 2 });
afterAll(() => pool.close());

describe("createExtractionPool", () => {
  it("extracts a PDF in a thread as extractDocument does in-process", async () => {
    const pdf = await buildPdf(["First page in the pool.", "Second page in the pool."]);
    const inProcess = await extractDocument(pdf, "pool.pdf");
    const progress: ExtractionProgress[] = [];

    const fromPool = await pool.extract(pdf.slice(), "pool.pdf", { onProgress: (p) => progress.push(p) });

    expect(fromPool).toEqual({ ...inProcess, chunks: chunkDocument(inProcess.pages) });
    expect(progress).toEqual([
      { stage: "EXTRACTING", done: 1, total: 2 },
      { stage: "EXTRACTING", done: 2, total: 2 },
    ]);
  });

  it("hands the bytes' buffer over instead of copying it", async () => {
    const bytes = new TextEncoder().encode("Handed over, not copied.");
    const document = await pool.extract(bytes, "note.txt", {});
    expect(document.pages[0]?.markdown).toBe("Handed over, not copied.");
    expect(bytes.byteLength).toBe(0);
  });

  it("copies bytes that share their buffer and leaves them intact", async () => {
    const whole = new TextEncoder().encode("xxShared buffer text.xx");
    const view = whole.subarray(2, whole.length - 2);
    const document = await pool.extract(view, "note.txt", {});
    expect(document.pages[0]?.markdown).toBe("Shared buffer text.");
    expect(view.byteLength).toBe(19);
  });

  it("rebuilds a rejection with its code and message", async () => {
    const error = await pool
      .extract(new Uint8Array([0, 1, 2, 3, 255]), "data.bin", {})
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(DocumentRejectedError);
    expect(error.code).toBe("DOCUMENT_UNSUPPORTED_TYPE");
    expect(error.message).toMatch(/not supported/);
  });

  it("passes limits to the thread", async () => {
    const pdf = await buildPdf(["one", "two"]);
    const error = await pool.extract(pdf, "two.pdf", { limits: { maxPages: 1 } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DocumentRejectedError);
    expect(error.code).toBe("DOCUMENT_TOO_MANY_PAGES");
  });

  it("runs OCR in the thread and reports its progress", async () => {
    const progress: ExtractionProgress[] = [];
    const document = await pool.extract(readFixture("german-scan.png"), "scan.png", {
      onProgress: (p) => progress.push(p),
    });
    expect(document).toMatchObject({ kind: "IMAGE", ocrPages: 1, language: "german" });
    expect(document.pages[0]?.markdown).toContain("Stadtbibliothek");
    expect(progress).toEqual([{ stage: "OCR", done: 1, total: 1 }]);
  }, 60_000);

  it("rejects with the signal's reason when aborted during extraction", async () => {
    const controller = new AbortController();
    const reason = new Error("upload cancelled");
    const extraction = pool.extract(readFixture("scanned.pdf"), "scan.pdf", {
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
    });
    await expect(extraction).rejects.toBe(reason);
  }, 60_000);

  it("rejects at once with a signal that is already aborted", async () => {
    const signal = AbortSignal.abort(new Error("too late"));
    await expect(pool.extract(new TextEncoder().encode("text"), "a.txt", { signal })).rejects.toThrow(
      "too late",
    );
  });

  it("keeps working after an aborted extraction", async () => {
    const document = await pool.extract(new TextEncoder().encode("Still alive."), "a.txt", {});
    expect(document.pages[0]?.markdown).toBe("Still alive.");
  });

  it("closes, and a closed pool takes no more work", async () => {
    const own = createExtractionPool({ threads: 1 });
    await own.extract(new TextEncoder().encode("warm up"), "a.txt", {});
    await expect(own.close()).resolves.toBeUndefined();
    await expect(own.extract(new TextEncoder().encode("late"), "a.txt", {})).rejects.toThrow(
      "The extraction pool is closed.",
    );
  });
});
