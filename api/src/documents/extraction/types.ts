/** What an uploaded file is, decided from its bytes (detect-type.ts), not from its name. */
export type DocumentKind = "PDF" | "IMAGE" | "DOCX" | "XLSX" | "CSV" | "HTML" | "MARKDOWN" | "TEXT";

/** The Postgres text-search configuration that fits the document's text. */
export type TextLanguage = "german" | "english" | "simple";

export interface ExtractedPage {
  /** 1-based, as people count pages. */
  page: number;
  markdown: string;
  /** The text was read from pixels by OCR, not from a text layer. */
  ocr: boolean;
}

export interface ExtractedDocument {
  kind: DocumentKind;
  mimeType: string;
  pageCount: number;
  pages: ExtractedPage[];
  ocrPages: number;
  language: TextLanguage;
}

export interface ExtractionProgress {
  stage: "EXTRACTING" | "OCR";
  done: number;
  total: number;
}

export interface ExtractionLimits {
  /** More pages (PDF pages, spreadsheet sheets) than this are rejected before extraction. Default 500. */
  maxPages: number;
  /** ZIP-based files (DOCX, XLSX) whose entries would unpack to more than this are rejected. Default 200 MB. */
  maxDecompressedBytes: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxPages: 500,
  maxDecompressedBytes: 200 * 1024 * 1024,
};
