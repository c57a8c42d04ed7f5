import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import {
  documentErrorText,
  documentKind,
  kindAndSize,
  stagePercent,
  stageText,
  statusText,
} from "./document-status";
import { uploadForm } from "./upload";

afterEach(() => updatePreferences({ language: "system" }));

const document = (patch: Partial<Parameters<typeof statusText>[0]> = {}) => ({
  status: "READY" as const,
  progress: { __typename: "DocumentProgress" as const, stage: "DONE" as const, done: 0, total: 0 },
  pageCount: 3,
  chunkCount: 7,
  ocrPages: 0,
  errorCode: null,
  error: null,
  ...patch,
});

describe("a document's kind, size and status in words", () => {
  it("names the kind by the detected type, else by the extension", () => {
    expect(documentKind("application/pdf", "x.bin")).toBe("pdf");
    expect(documentKind("image/webp", "photo")).toBe("image");
    expect(documentKind("application/octet-stream", "Notes.MD")).toBe("markdown");
    expect(documentKind("", "page.htm")).toBe("html");
    expect(documentKind("", "archive.zip")).toBe("other");
    updatePreferences({ language: "de" });
    expect(kindAndSize({ mimeType: "image/png", filename: "a.png", sizeBytes: 2_400_000 })).toBe(
      "Bild · 2,4 MB",
    );
  });

  it("says a ready photo without writing has no text, not 0 passages", () => {
    updatePreferences({ language: "en" });
    expect(statusText(document({ pageCount: 1, chunkCount: 0, ocrPages: 1 }))).toBe("1 page · no text found");
    updatePreferences({ language: "de" });
    expect(statusText(document({ pageCount: 1, chunkCount: 0, ocrPages: 1 }))).toBe(
      "1 Seite · kein Text erkannt",
    );
    updatePreferences({ language: "en" });
  });

  it("says which page OCR is on, in both languages", () => {
    const ocr = { __typename: "DocumentProgress" as const, stage: "OCR" as const, done: 2, total: 5 };
    updatePreferences({ language: "de" });
    expect(stageText(ocr)).toBe("OCR Seite 2 von 5");
    updatePreferences({ language: "en" });
    expect(stageText(ocr)).toBe("OCR page 2 of 5");
    expect(stagePercent(ocr)).toBe(40);
    expect(stagePercent({ ...ocr, stage: "CHUNKING" })).toBeUndefined();
    expect(statusText(document({ status: "PROCESSING", progress: { ...ocr, stage: "QUEUED" } }))).toBe(
      "Waiting to be processed",
    );
  });

  it("counts pages and passages once ready", () => {
    updatePreferences({ language: "de" });
    expect(statusText(document())).toBe("3 Seiten · 7 Abschnitte");
    updatePreferences({ language: "en" });
    expect(statusText(document({ pageCount: 1, chunkCount: 1, ocrPages: 1 }))).toBe(
      "1 page · 1 passage · 1 read by OCR",
    );
    expect(statusText(document({ pageCount: null }))).toBe("7 passages");
  });

  it("explains every refusal and failure", () => {
    updatePreferences({ language: "en" });
    expect(documentErrorText({ code: "DOCUMENT_UNSUPPORTED_TYPE" })).toMatch(/not supported/);
    expect(documentErrorText({ code: "DOCUMENT_TOO_LARGE", extensions: { maxBytes: 25_000_000 } })).toBe(
      "The file is too large: a file may be at most 25 MB.",
    );
    expect(
      documentErrorText({
        code: "STORAGE_QUOTA_EXCEEDED",
        extensions: { quotaBytes: 500_000_000, usedBytes: 499_000_000 },
      }),
    ).toMatch(/500 MB in all, and 499 MB is used/);
    expect(documentErrorText({ code: "BAD_USER_INPUT", message: "A document needs a file name" })).toBe(
      "A document needs a file name",
    );
    expect(documentErrorText({ code: "SOMETHING_NEW", message: "The server's sentence" })).toBe(
      "The server's sentence",
    );
    updatePreferences({ language: "de" });
    expect(statusText(document({ status: "FAILED", errorCode: "DOCUMENT_ENCRYPTED" }))).toMatch(
      /^Fehlgeschlagen: Die Datei ist mit einem Passwort geschützt/,
    );
  });
});

describe("the upload's form", () => {
  it("follows the multipart request specification, the file left null in the operation", async () => {
    const file = new File(["hello"], "hello.txt", { type: "text/plain" });
    const form = uploadForm({ file, scope: "CHAT", chatId: "c1" });
    const operations = JSON.parse(String(form.get("operations")));
    expect(operations.query).toMatch(/mutation UploadDocument/);
    expect(operations.variables).toEqual({ input: { scope: "CHAT", chatId: "c1", file: null } });
    expect(JSON.parse(String(form.get("map")))).toEqual({ "0": ["variables.input.file"] });
    expect((form.get("0") as File).name).toBe("hello.txt");
  });
});
