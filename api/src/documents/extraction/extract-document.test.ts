import { afterAll, describe, expect, it } from "vitest";
import {
  buildDocx,
  buildPdf,
  buildXlsx,
  buildZip,
  docxShapedEntries,
  readFixture,
} from "../../../test/fixtures/documents/build-documents.js";
import { buildPng } from "../../../test/fixtures/documents/png.js";
import type { DocumentRejectionCode } from "./document-rejected.js";
import { DocumentRejectedError } from "./document-rejected.js";
import { type ExtractionOptions, extractDocument } from "./extract-document.js";
import { createOcrEngine, type OcrEngine } from "./ocr-engine.js";
import type { ExtractionProgress } from "./types.js";

// Starting tesseract takes about a second; the OCR tests share one engine.
let ocrEngine: Promise<OcrEngine> | undefined;
const getOcrEngine = () => {
  ocrEngine ??= createOcrEngine();
  return ocrEngine;
};
afterAll(async () => {
  if (ocrEngine) await (await ocrEngine).terminate();
});

const ocrTimeout = 60_000;
const germanScanText = new TextDecoder().decode(readFixture("german-scan.txt"));

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function rejectionOf(
  bytes: Uint8Array,
  filename: string,
  options?: ExtractionOptions,
): Promise<DocumentRejectedError> {
  const error = await extractDocument(bytes, filename, options).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DocumentRejectedError);
  return error as DocumentRejectedError;
}

async function expectRejected(
  bytes: Uint8Array,
  filename: string,
  code: DocumentRejectionCode,
  options?: ExtractionOptions,
) {
  const error = await rejectionOf(bytes, filename, options);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/\w+ .*\./);
}

/** The share of the words of `expected` that occur in `actual`, ignoring case and punctuation. */
function wordsFound(expected: string, actual: string): number {
  const words = (text: string) => text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const found = new Set(words(actual));
  const wanted = words(expected);
  return wanted.filter((word) => found.has(word)).length / wanted.length;
}

describe("extractDocument: PDF", () => {
  it("keeps each page's text on its page number", async () => {
    const pdf = await buildPdf(["Alpha is on the first page.", "", "Gamma is on the third page."]);
    const progress: ExtractionProgress[] = [];

    const document = await extractDocument(pdf, "report.pdf", { onProgress: (p) => progress.push(p) });

    expect(document).toMatchObject({ kind: "PDF", mimeType: "application/pdf", pageCount: 3, ocrPages: 0 });
    expect(document.pages).toEqual([
      { page: 1, markdown: "Alpha is on the first page.", ocr: false },
      { page: 2, markdown: "", ocr: false },
      { page: 3, markdown: "Gamma is on the third page.", ocr: false },
    ]);
    expect(document.language).toBe("english");
    expect(progress.filter((p) => p.stage === "EXTRACTING")).toEqual([
      { stage: "EXTRACTING", done: 1, total: 3 },
      { stage: "EXTRACTING", done: 2, total: 3 },
      { stage: "EXTRACTING", done: 3, total: 3 },
    ]);
  });

  it("rejects more pages than the limit allows", async () => {
    const pdf = await buildPdf(["one", "two", "three"]);
    await expectRejected(pdf, "long.pdf", "DOCUMENT_TOO_MANY_PAGES", { limits: { maxPages: 2 } });
  });

  it("rejects a password-protected PDF", async () => {
    await expectRejected(readFixture("encrypted.pdf"), "secret.pdf", "DOCUMENT_ENCRYPTED");
  });

  it("rejects a truncated PDF as unreadable", async () => {
    const pdf = await buildPdf(["This PDF is cut off halfway."]);
    await expectRejected(pdf.subarray(0, Math.floor(pdf.length / 2)), "cut.pdf", "DOCUMENT_UNREADABLE");
  });

  it("rejects a PDF without any text as empty", async () => {
    await expectRejected(await buildPdf(["", ""]), "blank.pdf", "DOCUMENT_EMPTY");
  });

  it(
    "reads a scanned page by OCR",
    async () => {
      const progress: ExtractionProgress[] = [];
      const document = await extractDocument(readFixture("scanned.pdf"), "scan.pdf", {
        getOcrEngine,
        onProgress: (p) => progress.push(p),
      });

      expect(document).toMatchObject({ kind: "PDF", pageCount: 1, ocrPages: 1, language: "german" });
      expect(document.pages[0]?.ocr).toBe(true);
      expect(wordsFound(germanScanText, document.pages[0]?.markdown ?? "")).toBeGreaterThanOrEqual(0.8);
      expect(progress).toContainEqual({ stage: "OCR", done: 1, total: 1 });
    },
    ocrTimeout,
  );
});

describe("extractDocument: images", () => {
  it(
    "takes a picture without writing as an image with no text, not as an empty file",
    async () => {
      const document = await extractDocument(buildPng(64), "photo.png", { getOcrEngine });
      expect(document).toMatchObject({ kind: "IMAGE", mimeType: "image/png", pageCount: 1 });
      expect(document.pages.map((page) => page.markdown.trim())).toEqual([""]);
    },
    ocrTimeout,
  );

  it(
    "reads German text from a PNG",
    async () => {
      const progress: ExtractionProgress[] = [];
      const document = await extractDocument(readFixture("german-scan.png"), "scan.png", {
        getOcrEngine,
        onProgress: (p) => progress.push(p),
      });

      expect(document).toMatchObject({ kind: "IMAGE", mimeType: "image/png", pageCount: 1, ocrPages: 1 });
      expect(document.language).toBe("german");
      expect(document.pages[0]?.ocr).toBe(true);
      expect(wordsFound(germanScanText, document.pages[0]?.markdown ?? "")).toBeGreaterThanOrEqual(0.8);
      expect(document.pages[0]?.markdown).toContain("Stadtbibliothek");
      expect(progress).toEqual([{ stage: "OCR", done: 1, total: 1 }]);
    },
    ocrTimeout,
  );

  it(
    "starts and stops an engine of its own without getOcrEngine",
    async () => {
      const document = await extractDocument(readFixture("german-scan.png"), "scan.png", {
        ocrLanguages: ["deu"],
      });
      expect(document.pages[0]?.markdown).toContain("Stadtbibliothek");
    },
    ocrTimeout,
  );
});

describe("extractDocument: Office files", () => {
  it("turns a Word document's headings and table into Markdown", async () => {
    const progress: ExtractionProgress[] = [];
    const document = await extractDocument(await buildDocx(), "report.docx", {
      onProgress: (p) => progress.push(p),
    });

    expect(document).toMatchObject({ kind: "DOCX", pageCount: 1, ocrPages: 0 });
    expect(document.pages[0]?.markdown).toBe(
      [
        "# Quarterly Report",
        "The figures for the region are **final**",
        "## Sales by Region",
        "| Region | Revenue |\n| --- | --- |\n| North | 1200 |\n| South | 950 |",
      ].join("\n\n"),
    );
    expect(progress).toEqual([{ stage: "EXTRACTING", done: 1, total: 1 }]);
  });

  it("turns each sheet of a workbook into a page with a table", async () => {
    const progress: ExtractionProgress[] = [];
    const document = await extractDocument(await buildXlsx(), "data.xlsx", {
      onProgress: (p) => progress.push(p),
    });

    expect(document).toMatchObject({ kind: "XLSX", pageCount: 2 });
    expect(document.pages).toEqual([
      {
        page: 1,
        markdown: "# People\n\n| Name | City |\n| --- | --- |\n| Anna | Köln |\n| Ben | Hamburg |",
        ocr: false,
      },
      { page: 2, markdown: "# Prices\n\n| Item | Price |\n| --- | --- |\n| Coffee | 2.5 |", ocr: false },
    ]);
    expect(progress.at(-1)).toEqual({ stage: "EXTRACTING", done: 2, total: 2 });
  });

  it("rejects a workbook with more sheets than the limit allows", async () => {
    await expectRejected(await buildXlsx(), "data.xlsx", "DOCUMENT_TOO_MANY_PAGES", {
      limits: { maxPages: 1 },
    });
  });

  it("rejects a ZIP bomb whose entries declare more than the limit", async () => {
    const zeros = new Uint8Array(2 * 1024 * 1024);
    const bomb = buildZip(docxShapedEntries(zeros));
    await expectRejected(bomb, "bomb.docx", "DOCUMENT_TOO_LARGE", {
      limits: { maxDecompressedBytes: 1024 * 1024 },
    });
  });

  it("rejects a ZIP bomb that declares small sizes but unpacks to more", async () => {
    const bomb = buildZip(docxShapedEntries(new Uint8Array(8 * 1024 * 1024), 1000));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectRejected(bomb, "bomb.docx", "DOCUMENT_TOO_LARGE", {
      limits: { maxDecompressedBytes: 1024 * 1024 },
    });
  });

  it("rejects a DOCX-shaped ZIP that is not a Word document", async () => {
    const fake = buildZip(docxShapedEntries(utf8("<not-word/>")));
    await expectRejected(fake, "fake.docx", "DOCUMENT_UNREADABLE");
  });

  it("rejects a ZIP that is no Office document", async () => {
    const archive = buildZip([{ name: "notes.txt", data: utf8("hello") }]);
    await expectRejected(archive, "notes.zip", "DOCUMENT_UNSUPPORTED_TYPE");
  });
});

describe("extractDocument: text formats", () => {
  it("renders CSV with quotes and semicolons as a table", async () => {
    const csv = 'Name;Comment;Amount\n"Müller, Hans";"Said ""hi""; left";12,50\nSchmidt;;3\n';
    const document = await extractDocument(utf8(csv), "export.csv");

    expect(document).toMatchObject({ kind: "CSV", mimeType: "text/csv", pageCount: 1 });
    expect(document.pages[0]?.markdown).toBe(
      [
        "| Name | Comment | Amount |",
        "| --- | --- | --- |",
        '| Müller, Hans | Said "hi"; left | 12,50 |',
        "| Schmidt |  | 3 |",
      ].join("\n"),
    );
  });

  it("keeps an HTML page's main content and drops navigation and footer", async () => {
    const article = Array.from(
      { length: 6 },
      (_, index) =>
        `<p>Paragraph ${index + 1} of the article explains how the city library reopens after its renovation, with new reading rooms and longer opening hours for everyone.</p>`,
    ).join("");
    const html = `<!doctype html><html><head><title>Library reopens</title></head><body>
      <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/contact">Contact us today</a></nav>
      <main><article><h1>Library reopens</h1>${article}</article></main>
      <footer>Copyright 2026 Example Corp. All rights reserved. Imprint and privacy policy.</footer>
      </body></html>`;

    const document = await extractDocument(utf8(html), "page.html");

    const markdown = document.pages[0]?.markdown ?? "";
    expect(document).toMatchObject({ kind: "HTML", mimeType: "text/html", pageCount: 1 });
    expect(markdown.startsWith("# Library reopens\n\nParagraph 1 of the article")).toBe(true);
    expect(markdown).toContain("Paragraph 6 of the article");
    expect(markdown).not.toContain("Contact us");
    expect(markdown).not.toContain("Copyright");
  });

  it("recognises HTML by content when the name says nothing", async () => {
    const html = "<!DOCTYPE html><html><body><p>Just one line of text in a page.</p></body></html>";
    const document = await extractDocument(utf8(html), "download");
    expect(document.kind).toBe("HTML");
    expect(document.pages[0]?.markdown).toContain("Just one line of text in a page.");
  });

  it("reads UTF-8 text and detects its language", async () => {
    const text = "Die Straße ist nass, und der Bäcker hat für uns noch Brötchen.\r\nAuch das Café ist offen.";
    const document = await extractDocument(utf8(`\uFEFF${text}`), "notes.txt");

    expect(document).toMatchObject({ kind: "TEXT", mimeType: "text/plain", language: "german" });
    expect(document.pages).toEqual([
      {
        page: 1,
        markdown: "Die Straße ist nass, und der Bäcker hat für uns noch Brötchen.\nAuch das Café ist offen.",
        ocr: false,
      },
    ]);
  });

  it("reads Windows-1252 text with umlauts", async () => {
    const text = "Grüße aus Köln: Die Maße sind größer, und der Preis ist 5 €.";
    const windows1252 = Uint8Array.from(text, (character) =>
      character === "€" ? 0x80 : character.charCodeAt(0),
    );

    const document = await extractDocument(windows1252, "brief.txt");

    expect(document.pages[0]?.markdown).toBe(text);
    expect(document.language).toBe("german");
  });

  it("keeps Markdown as it is", async () => {
    const markdown = "# Title\n\nSome *text* with a [link](https://example.com).\n\n- one\n- two";
    const document = await extractDocument(utf8(`${markdown}\n\n`), "README.md");
    expect(document).toMatchObject({ kind: "MARKDOWN", mimeType: "text/markdown" });
    expect(document.pages[0]?.markdown).toBe(markdown);
  });

  it("reports progress for single-page formats", async () => {
    const progress: ExtractionProgress[] = [];
    await extractDocument(utf8("hello world"), "a.txt", { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([{ stage: "EXTRACTING", done: 1, total: 1 }]);
  });

  it("rejects a text file with only whitespace as empty", async () => {
    await expectRejected(utf8("  \n\t\n"), "blank.txt", "DOCUMENT_EMPTY");
  });

  it("rejects a CSV without cells as empty", async () => {
    await expectRejected(utf8("\n\n"), "blank.csv", "DOCUMENT_EMPTY");
  });
});

describe("extractDocument: type by content", () => {
  it("rejects random bytes", async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256);
    await expectRejected(random, "data.bin", "DOCUMENT_UNSUPPORTED_TYPE");
    await expectRejected(random, "data.txt", "DOCUMENT_UNSUPPORTED_TYPE");
  });

  it("rejects a Windows executable, whatever its name", async () => {
    const executable = new Uint8Array(512);
    executable.set(utf8("MZ"), 0);
    executable.set(utf8("This program cannot be run in DOS mode."), 78);
    await expectRejected(executable, "setup.exe", "DOCUMENT_UNSUPPORTED_TYPE");
    await expectRejected(executable, "invoice.pdf", "DOCUMENT_UNREADABLE");
  });

  it("reads a PDF renamed to .docx as the PDF it is", async () => {
    const pdf = await buildPdf(["A PDF in disguise."]);
    const document = await extractDocument(pdf, "letter.docx");
    expect(document.kind).toBe("PDF");
    expect(document.pages[0]?.markdown).toBe("A PDF in disguise.");
  });

  it("reads a Word document renamed to .txt as Word", async () => {
    const document = await extractDocument(await buildDocx(), "report.txt");
    expect(document.kind).toBe("DOCX");
  });

  it("rejects a legacy compound file (.doc)", async () => {
    const compound = new Uint8Array(1024);
    compound.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expectRejected(compound, "old.doc", "DOCUMENT_UNSUPPORTED_TYPE");
    compound.set(Buffer.from("EncryptedPackage", "utf16le"), 512);
    await expectRejected(compound, "locked.docx", "DOCUMENT_ENCRYPTED");
  });

  it("lets a real Word document pass a tight but sufficient size limit", async () => {
    const document = await extractDocument(await buildDocx(), "report.docx", {
      limits: { maxDecompressedBytes: 1024 * 1024 },
    });
    expect(document.kind).toBe("DOCX");
  });
});
