import type { DocumentFieldsFragment } from "../gql/graphql";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { formatBytes } from "../ui/format";
import "./i18n/document-strings";

// What a document is and where it stands, in words: its kind, its processing, why it failed.

/** What the file pickers offer: the kinds the API reads. */
export const ACCEPTED_FILES = ".pdf,.docx,.xlsx,.csv,.html,.htm,.txt,.md,image/png,image/jpeg,image/webp";

export type DocumentKind = "pdf" | "docx" | "xlsx" | "csv" | "html" | "text" | "markdown" | "image" | "other";

const kindsByMimeType: Record<string, DocumentKind> = {
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/csv": "csv",
  "text/html": "html",
  "text/plain": "text",
  "text/markdown": "markdown",
};

const kindsByExtension: Record<string, DocumentKind> = {
  pdf: "pdf",
  docx: "docx",
  xlsx: "xlsx",
  csv: "csv",
  html: "html",
  htm: "html",
  txt: "text",
  md: "markdown",
  png: "image",
  jpg: "image",
  jpeg: "image",
  webp: "image",
};

/** The kind by the type the API detected, else by the file name's extension. */
export function documentKind(mimeType: string, filename: string): DocumentKind {
  if (mimeType.startsWith("image/")) return "image";
  const byType = kindsByMimeType[mimeType.split(";")[0]?.trim().toLowerCase() ?? ""];
  if (byType) return byType;
  const extension = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? "";
  return kindsByExtension[extension] ?? "other";
}

/** "PDF · 12 kB" */
export function kindAndSize(document: Pick<DocumentFieldsFragment, "mimeType" | "filename" | "sizeBytes">) {
  return `${t(`documents.kind.${documentKind(document.mimeType, document.filename)}`)} · ${formatBytes(document.sizeBytes)}`;
}

type StatusFields = Pick<
  DocumentFieldsFragment,
  "status" | "progress" | "pageCount" | "chunkCount" | "ocrPages" | "errorCode" | "error"
>;

export const isProcessing = (document: Pick<DocumentFieldsFragment, "status">): boolean =>
  document.status === "PENDING" || document.status === "PROCESSING";

/** The stages that count pages or passages say how far they are. */
const countedStages = new Set(["EXTRACTING", "OCR", "EMBEDDING"]);

/** What processing is doing: "OCR page 2 of 5", "Writing a summary". */
export function stageText(progress: StatusFields["progress"]): string {
  if (countedStages.has(progress.stage) && progress.total > 0) {
    return t(`documents.status.${progress.stage as "OCR"}_PAGES`, {
      done: progress.done,
      total: progress.total,
    });
  }
  return t(`documents.status.${progress.stage}`);
}

/** How far processing is, 0–100, where the stage counts; otherwise undefined (an indeterminate bar). */
export function stagePercent(progress: StatusFields["progress"]): number | undefined {
  if (!countedStages.has(progress.stage) || progress.total <= 0) return undefined;
  return Math.round((Math.min(progress.done, progress.total) / progress.total) * 100);
}

/** A ready document's size: "3 pages · 7 passages" (and how many pages OCR read). */
export function readyText(document: StatusFields): string {
  const parts: string[] = [];
  if (document.pageCount != null) {
    parts.push(
      document.pageCount === 1
        ? t("documents.status.pagesOne")
        : t("documents.status.pagesMany", { count: document.pageCount }),
    );
  }
  // Only an image (a photo without writing) is ready without any text.
  if (document.chunkCount === 0) return [...parts, t("documents.status.noText")].join(" · ");
  parts.push(
    document.chunkCount === 1
      ? t("documents.status.chunksOne")
      : t("documents.status.chunksMany", { count: document.chunkCount }),
  );
  if (document.ocrPages > 0) parts.push(t("documents.status.ocrPages", { count: document.ocrPages }));
  return parts.join(" · ");
}

/** One line for any status: the stage while processing, the size once ready, the reason once failed. */
export function statusText(document: StatusFields): string {
  if (isProcessing(document)) return stageText(document.progress);
  if (document.status === "READY") return readyText(document);
  return t("documents.status.failed", {
    reason: documentErrorText({
      code: document.errorCode ?? "UNKNOWN",
      message: document.error ?? undefined,
    }),
  });
}

/** Why an upload or a processing failed: a code, and what the server said with it. */
export interface DocumentFailure {
  code: string;
  message?: string;
  extensions?: Record<string, unknown>;
}

const documentCodes = new Set([
  "DOCUMENT_UNSUPPORTED_TYPE",
  "DOCUMENT_UNREADABLE",
  "DOCUMENT_EMPTY",
  "DOCUMENT_ENCRYPTED",
  "DOCUMENT_TOO_MANY_PAGES",
  "DOCUMENT_INCOMPLETE",
  "NOT_FOUND",
  "NETWORK",
]);

const numberOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** A sentence in the user's language for each code; the server's own for input problems. */
export function documentErrorText(failure: DocumentFailure): string {
  const { code, extensions = {} } = failure;
  if (code === "DOCUMENT_TOO_LARGE") {
    const limit = numberOf(extensions.maxBytes);
    return limit
      ? t("documents.errors.DOCUMENT_TOO_LARGE_LIMIT", { limit: formatBytes(limit) })
      : t("documents.errors.DOCUMENT_TOO_LARGE");
  }
  if (code === "STORAGE_QUOTA_EXCEEDED") {
    const quota = numberOf(extensions.quotaBytes);
    const used = numberOf(extensions.usedBytes);
    return quota !== undefined && used !== undefined
      ? t("documents.errors.STORAGE_QUOTA_EXCEEDED_LIMIT", {
          quota: formatBytes(quota),
          used: formatBytes(used),
        })
      : describeCode(code);
  }
  if (documentCodes.has(code)) return t(`documents.errors.${code as "NOT_FOUND"}`);
  if (code === "BAD_USER_INPUT" && failure.message) return failure.message;
  // A failure with a code this app does not know still has the server's sentence.
  const general = describeCode(code);
  return general === t("errors.UNKNOWN") && failure.message ? failure.message : general;
}
