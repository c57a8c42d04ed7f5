export type DocumentRejectionCode =
  | "DOCUMENT_UNSUPPORTED_TYPE"
  | "DOCUMENT_UNREADABLE"
  | "DOCUMENT_ENCRYPTED"
  | "DOCUMENT_TOO_LARGE"
  | "DOCUMENT_TOO_MANY_PAGES"
  | "DOCUMENT_EMPTY"
  | "DOCUMENT_INCOMPLETE";

/**
 * The uploaded file cannot be turned into text, for a reason the uploader can act on. The message is a
 * sentence for people; the code is what callers branch on.
 */
export class DocumentRejectedError extends Error {
  override name = "DocumentRejectedError";

  constructor(
    readonly code: DocumentRejectionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDocumentRejectionCode(value: unknown): value is DocumentRejectionCode {
  return typeof value === "string" && rejectionCodes.has(value);
}

const rejectionCodes: ReadonlySet<string> = new Set<DocumentRejectionCode>([
  "DOCUMENT_UNSUPPORTED_TYPE",
  "DOCUMENT_UNREADABLE",
  "DOCUMENT_ENCRYPTED",
  "DOCUMENT_TOO_LARGE",
  "DOCUMENT_TOO_MANY_PAGES",
  "DOCUMENT_EMPTY",
  "DOCUMENT_INCOMPLETE",
]);
