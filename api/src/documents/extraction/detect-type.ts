import { DocumentRejectedError } from "./document-rejected.js";
import { decodeText } from "./text-decoding.js";
import type { DocumentKind } from "./types.js";
import { isZip, readZipDirectory } from "./zip-archive.js";

const mimeTypes: Record<DocumentKind, string> = {
  PDF: "application/pdf",
  IMAGE: "image/png",
  DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  CSV: "text/csv",
  HTML: "text/html",
  MARKDOWN: "text/markdown",
  TEXT: "text/plain",
};

/** Extensions of formats recognised by content: a file named so but not matching is broken, not text. */
const binaryExtensions = new Set(["pdf", "docx", "xlsx", "png", "jpg", "jpeg", "webp"]);

/**
 * Decides what a file is from its bytes (magic numbers; for ZIPs the entries inside). The name only
 * chooses between the text kinds, which have no magic. Throws DocumentRejectedError for anything else.
 */
export function detectDocumentType(
  bytes: Uint8Array,
  filename: string,
): { kind: DocumentKind; mimeType: string } {
  const binary = detectBinaryType(bytes);
  if (binary) return binary;
  const extension = extensionOf(filename);
  if (binaryExtensions.has(extension)) {
    throw new DocumentRejectedError(
      "DOCUMENT_UNREADABLE",
      `The file is named ".${extension}" but its content is not a readable ${extension.toUpperCase()} file.`,
    );
  }
  const text = decodeText(bytes);
  if (text === null) {
    throw new DocumentRejectedError(
      "DOCUMENT_UNSUPPORTED_TYPE",
      "This file type is not supported; upload a PDF, Word (DOCX), Excel (XLSX), CSV, HTML, Markdown, text or image (PNG, JPEG, WEBP) file.",
    );
  }
  const kind = textKind(extension, text);
  return { kind, mimeType: mimeTypes[kind] };
}

function detectBinaryType(bytes: Uint8Array): { kind: DocumentKind; mimeType: string } | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: "IMAGE", mimeType: "image/png" };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "IMAGE", mimeType: "image/jpeg" };
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP")
    return { kind: "IMAGE", mimeType: "image/webp" };
  if (isZip(bytes)) return detectOfficeType(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) rejectCompoundFile(bytes);
  // The PDF header may follow some junk; readers look within the first kilobyte.
  if (indexOfAscii(bytes.subarray(0, 1024), "%PDF-") >= 0) return { kind: "PDF", mimeType: mimeTypes.PDF };
  return null;
}

function detectOfficeType(bytes: Uint8Array): { kind: DocumentKind; mimeType: string } {
  const names = new Set(readZipDirectory(bytes).map((entry) => entry.name));
  if (names.has("word/document.xml")) return { kind: "DOCX", mimeType: mimeTypes.DOCX };
  if (names.has("xl/workbook.xml")) return { kind: "XLSX", mimeType: mimeTypes.XLSX };
  throw new DocumentRejectedError(
    "DOCUMENT_UNSUPPORTED_TYPE",
    "This ZIP file is neither a Word (DOCX) nor an Excel (XLSX) document; other archives are not supported.",
  );
}

/**
 * An OLE compound file is either a legacy .doc/.xls or, with an "EncryptedPackage" stream, a
 * password-protected DOCX/XLSX: Office wraps encrypted files this way.
 */
function rejectCompoundFile(bytes: Uint8Array): never {
  const encryptedPackage = Buffer.from("EncryptedPackage", "utf16le");
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(encryptedPackage)) {
    throw new DocumentRejectedError(
      "DOCUMENT_ENCRYPTED",
      "The Office document is password-protected; remove the password and upload it again.",
    );
  }
  throw new DocumentRejectedError(
    "DOCUMENT_UNSUPPORTED_TYPE",
    "Old Word and Excel files (.doc, .xls) are not supported; save the file as DOCX or XLSX and upload it again.",
  );
}

function textKind(extension: string, text: string): DocumentKind {
  if (extension === "md" || extension === "markdown") return "MARKDOWN";
  if (extension === "csv") return "CSV";
  if (extension === "html" || extension === "htm") return "HTML";
  if (/^\uFEFF?\s*<(!doctype\s+html|html)[\s>]/i.test(text.slice(0, 1024))) return "HTML";
  return "TEXT";
}

function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function indexOfAscii(bytes: Uint8Array, needle: string): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, 0, "latin1");
}
