import { Readability } from "@mozilla/readability";
import ExcelJS from "exceljs";
import { parseHTML } from "linkedom";
import mammoth from "mammoth";
import Papa from "papaparse";
import { extractImages, getDocumentProxy } from "unpdf";
import { detectLanguage } from "./detect-language.js";
import { detectDocumentType } from "./detect-type.js";
import { DocumentRejectedError } from "./document-rejected.js";
import { htmlToMarkdown } from "./html-to-markdown.js";
import { markdownTable } from "./markdown-table.js";
import { createOcrEngine, DEFAULT_OCR_LANGUAGES, type OcrEngine } from "./ocr-engine.js";
import { encodePng } from "./png-encoder.js";
import { decodeText } from "./text-decoding.js";
import {
  DEFAULT_EXTRACTION_LIMITS,
  type ExtractedDocument,
  type ExtractedPage,
  type ExtractionLimits,
  type ExtractionProgress,
} from "./types.js";
import { assertZipWithinLimits, readZipDirectory } from "./zip-archive.js";

export interface ExtractionOptions {
  limits?: Partial<ExtractionLimits>;
  onProgress?: (progress: ExtractionProgress) => void;
  /** Tesseract language codes with a `@tesseract.js-data/<code>` package. Default ["deu", "eng"]. */
  ocrLanguages?: string[];
  /**
   * Supplies a running OCR engine that outlives this call (starting tesseract takes about a second), and
   * is only called when a document needs OCR. Without it, an engine with `ocrLanguages` is started for
   * the document and stopped after it.
   */
  getOcrEngine?: () => Promise<OcrEngine>;
}

interface Context {
  limits: ExtractionLimits;
  progress: (progress: ExtractionProgress) => void;
  ocrLanguages: string[];
  getOcrEngine: (() => Promise<OcrEngine>) | undefined;
}

/** Turns an uploaded file into pages of Markdown; throws DocumentRejectedError for what it cannot read. */
export async function extractDocument(
  bytes: Uint8Array,
  filename: string,
  options: ExtractionOptions = {},
): Promise<ExtractedDocument> {
  const { kind, mimeType } = detectDocumentType(bytes, filename);
  const context: Context = {
    limits: { ...DEFAULT_EXTRACTION_LIMITS, ...options.limits },
    progress: options.onProgress ?? (() => {}),
    ocrLanguages: options.ocrLanguages ?? DEFAULT_OCR_LANGUAGES,
    getOcrEngine: options.getOcrEngine,
  };
  const pages = await extractPages(kind, bytes, context);
  const text = pages.map((page) => page.markdown).join("\n");
  // A photo without writing is still an image for a model that reads images: not an error.
  if (!text.trim() && kind !== "IMAGE") {
    throw new DocumentRejectedError("DOCUMENT_EMPTY", "No text could be found in the document.");
  }
  return {
    kind,
    mimeType,
    pageCount: pages.length,
    pages,
    ocrPages: pages.filter((page) => page.ocr).length,
    language: detectLanguage(text),
  };
}

function extractPages(kind: ExtractedDocument["kind"], bytes: Uint8Array, context: Context) {
  switch (kind) {
    case "PDF":
      return extractPdf(bytes, context);
    case "IMAGE":
      return extractImage(bytes, context);
    case "DOCX":
      return extractDocx(bytes, context);
    case "XLSX":
      return extractXlsx(bytes, context);
    case "CSV":
      return singlePage(context, () => csvToMarkdown(decodeText(bytes) ?? ""));
    case "HTML":
      return singlePage(context, () => htmlPageToMarkdown(decodeText(bytes) ?? ""));
    default:
      return singlePage(context, () => (decodeText(bytes) ?? "").trim());
  }
}

async function singlePage(context: Context, render: () => string): Promise<ExtractedPage[]> {
  const page = textPage(render());
  context.progress({ stage: "EXTRACTING", done: 1, total: 1 });
  return [page];
}

function textPage(markdown: string, page = 1): ExtractedPage {
  return { page, markdown, ocr: false };
}

async function extractPdf(bytes: Uint8Array, context: Context): Promise<ExtractedPage[]> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js may take over the buffer it is given, so it gets a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes));
  } catch (error) {
    if ((error as Error)?.name === "PasswordException") {
      throw new DocumentRejectedError(
        "DOCUMENT_ENCRYPTED",
        "The PDF is password-protected; remove the password and upload it again.",
      );
    }
    throw unreadablePdf(error);
  }
  try {
    assertPageCount(pdf.numPages, context.limits);
    const pages = await readPdfTextLayer(pdf, context);
    const scanned = pages.filter((page) => !page.markdown);
    if (scanned.length > 0) {
      await withOcr(context, async (recognize) => {
        for (const [index, page] of scanned.entries()) {
          const images = await pdfCall(() => extractImages(pdf, page.page));
          const largest = images.sort((a, b) => b.width * b.height - a.width * a.height)[0];
          if (largest) {
            page.markdown = (await recognize(encodePng(largest))).trim();
            page.ocr = true;
          }
          context.progress({ stage: "OCR", done: index + 1, total: scanned.length });
        }
      });
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

async function readPdfTextLayer(
  pdf: Awaited<ReturnType<typeof getDocumentProxy>>,
  context: Context,
): Promise<ExtractedPage[]> {
  const pages: ExtractedPage[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const content = await pdfCall(async () => (await pdf.getPage(number)).getTextContent());
    const text = content.items
      .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
      .join("")
      .trim();
    pages.push(textPage(text, number));
    context.progress({ stage: "EXTRACTING", done: number, total: pdf.numPages });
  }
  return pages;
}

/** pdf.js opens a damaged PDF lazily, so a missing page or object only shows when it is read. */
async function pdfCall<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw unreadablePdf(error);
  }
}

function unreadablePdf(cause: unknown) {
  return new DocumentRejectedError("DOCUMENT_UNREADABLE", "The PDF is damaged and could not be read.", {
    cause,
  });
}

async function extractImage(bytes: Uint8Array, context: Context): Promise<ExtractedPage[]> {
  const markdown = await withOcr(context, (recognize) => recognize(bytes));
  context.progress({ stage: "OCR", done: 1, total: 1 });
  return [{ page: 1, markdown: markdown.trim(), ocr: true }];
}

/** Runs `work` with OCR at hand; an engine of our own is only started once `work` asks for text. */
async function withOcr<T>(
  context: Context,
  work: (recognize: (image: Uint8Array) => Promise<string>) => Promise<T>,
) {
  if (context.getOcrEngine) {
    const getEngine = context.getOcrEngine;
    return work(async (image) => (await getEngine()).recognize(image));
  }
  let ownEngine: Promise<OcrEngine> | undefined;
  try {
    return await work(async (image) => {
      ownEngine ??= createOcrEngine(context.ocrLanguages);
      return (await ownEngine).recognize(image);
    });
  } finally {
    // A failed start has already rejected `work`; only a running engine needs stopping.
    if (ownEngine)
      await ownEngine.then(
        (engine) => engine.terminate(),
        () => {},
      );
  }
}

async function extractDocx(bytes: Uint8Array, context: Context): Promise<ExtractedPage[]> {
  assertZipWithinLimits(bytes, readZipDirectory(bytes), context.limits.maxDecompressedBytes);
  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }));
  } catch (error) {
    throw new DocumentRejectedError(
      "DOCUMENT_UNREADABLE",
      "The Word document is damaged and could not be read.",
      {
        cause: error,
      },
    );
  }
  context.progress({ stage: "EXTRACTING", done: 1, total: 1 });
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return [textPage(htmlToMarkdown(document.body))];
}

async function extractXlsx(bytes: Uint8Array, context: Context): Promise<ExtractedPage[]> {
  assertZipWithinLimits(bytes, readZipDirectory(bytes), context.limits.maxDecompressedBytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw new DocumentRejectedError(
      "DOCUMENT_UNREADABLE",
      "The Excel workbook is damaged and could not be read.",
      {
        cause: error,
      },
    );
  }
  assertPageCount(workbook.worksheets.length, context.limits);
  return workbook.worksheets.map((sheet, index) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cell.text ?? "";
      });
      rows.push(Array.from(cells, (cell) => cell ?? ""));
    });
    context.progress({ stage: "EXTRACTING", done: index + 1, total: workbook.worksheets.length });
    const table = markdownTable(rows);
    return textPage(table ? `# ${sheet.name}\n\n${table}` : "", index + 1);
  });
}

function csvToMarkdown(text: string): string {
  const { data } = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  return markdownTable(data);
}

function htmlPageToMarkdown(html: string): string {
  const { document } = parseHTML(html);
  // Readability keeps the main content and drops navigation, footers and other boilerplate.
  const article = new Readability(document as unknown as Document).parse();
  const content = article?.content
    ? parseHTML(`<!doctype html><html><body>${article.content}</body></html>`)
    : null;
  const title = article?.title ? `# ${article.title}\n\n` : "";
  // Readability rearranges the document it reads; without an article, the page is read afresh.
  const body = htmlToMarkdown((content?.document ?? parseHTML(html).document).body);
  return body.startsWith("# ") ? body : `${title}${body}`.trim();
}

function assertPageCount(count: number, limits: ExtractionLimits) {
  if (count > limits.maxPages) {
    throw new DocumentRejectedError(
      "DOCUMENT_TOO_MANY_PAGES",
      `The document has ${count} pages; at most ${limits.maxPages} can be processed.`,
    );
  }
}
