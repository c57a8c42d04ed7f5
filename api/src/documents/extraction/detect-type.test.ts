import { describe, expect, it } from "vitest";
import { buildPdf, buildZip } from "../../../test/fixtures/documents/build-documents.js";
import { detectDocumentType } from "./detect-type.js";
import { DocumentRejectedError } from "./document-rejected.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

function rejectionCode(bytes: Uint8Array, filename: string): string | undefined {
  try {
    detectDocumentType(bytes, filename);
  } catch (error) {
    if (error instanceof DocumentRejectedError) return error.code;
    throw error;
  }
  return undefined;
}

describe("detectDocumentType", () => {
  it("recognises binary formats by their magic numbers, whatever the name", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]);
    const webp = utf8("RIFF\u0000\u0000\u0000\u0000WEBPVP8 ");
    expect(detectDocumentType(png, "photo.txt")).toEqual({ kind: "IMAGE", mimeType: "image/png" });
    expect(detectDocumentType(jpeg, "photo")).toEqual({ kind: "IMAGE", mimeType: "image/jpeg" });
    expect(detectDocumentType(webp, "photo.png")).toEqual({ kind: "IMAGE", mimeType: "image/webp" });
    expect(detectDocumentType(await buildPdf(["x"]), "file.docx").kind).toBe("PDF");
  });

  it("finds a PDF header after leading junk", () => {
    expect(detectDocumentType(utf8(`${" ".repeat(200)}%PDF-1.7\n`), "a.pdf").kind).toBe("PDF");
  });

  it("tells Word from Excel by the entries inside the ZIP", () => {
    const entry = (name: string) => ({ name, data: utf8("<x/>") });
    expect(detectDocumentType(buildZip([entry("word/document.xml")]), "a.xlsx").kind).toBe("DOCX");
    expect(detectDocumentType(buildZip([entry("xl/workbook.xml")]), "a.docx").kind).toBe("XLSX");
    expect(rejectionCode(buildZip([entry("content.xml")]), "a.odt")).toBe("DOCUMENT_UNSUPPORTED_TYPE");
  });

  it("picks the text kind from the name, and HTML also from a doctype", () => {
    expect(detectDocumentType(utf8("a;b"), "x.csv").kind).toBe("CSV");
    expect(detectDocumentType(utf8("# Hi"), "x.MD").kind).toBe("MARKDOWN");
    expect(detectDocumentType(utf8("<p>hi</p>"), "x.htm").kind).toBe("HTML");
    expect(detectDocumentType(utf8("\uFEFF  <html lang=de>"), "x").kind).toBe("HTML");
    expect(detectDocumentType(utf8("plain words"), "x.log")).toEqual({
      kind: "TEXT",
      mimeType: "text/plain",
    });
  });

  it("refuses a file named as a binary format whose content is not that format", () => {
    expect(rejectionCode(utf8("just text"), "report.pdf")).toBe("DOCUMENT_UNREADABLE");
    expect(rejectionCode(utf8("just text"), "C:\\Users\\me\\sheet.XLSX")).toBe("DOCUMENT_UNREADABLE");
  });

  it("refuses binary content that is no supported format", () => {
    expect(rejectionCode(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), "tool")).toBe(
      "DOCUMENT_UNSUPPORTED_TYPE",
    );
  });
});
