import { createHash } from "node:crypto";
import type { AuditTrail } from "../audit/audit-trail.js";
import { requireIdentity } from "../db/request-identity.js";
import { isUuid } from "../db/uuid.js";
import { AppError, BadInputError, NotFoundError } from "../errors/app-errors.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { readDocumentFile, writeDocumentFile } from "./document-files.js";
import { detectDocumentType } from "./extraction/detect-type.js";
import { DocumentRejectedError } from "./extraction/document-rejected.js";

export type DocumentScope = "CHAT" | "LIBRARY";

/** What an upload carries: the multipart request's file (a Web File, as Yoga parses it). */
export interface UploadedFile {
  name: string;
  size: number;
  /** The type the browser claims; not trusted (the content decides). */
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface UploadInput {
  file: UploadedFile;
  scope: DocumentScope;
  chatId?: string | null;
}

export interface DocumentLimits {
  /** UPLOAD_MAX_BYTES */
  maxBytes: number;
  /** STORAGE_QUOTA_MB_PER_USER, in bytes */
  quotaBytes: number;
}

/** Tells the document workers that a job is waiting (they also look by themselves now and then). */
export interface JobSignal {
  wake(): void;
}

const MAX_FILENAME_LENGTH = 255;

/**
 * A person's documents: upload (stored with its first job in one transaction), list, rename, delete.
 * Every query runs as the request's identity, so row-level security shows each person only their own.
 */
/** When the job of an upload whose process died on the way comes due (and finds its file incomplete). */
const UNFINISHED_UPLOAD_MS = 10 * 60_000;

export class DocumentService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditTrail,
    private readonly limits: DocumentLimits,
    private readonly jobs: JobSignal,
  ) {}

  /** The user's document, or NOT_FOUND (also for anyone else's: no hint that it exists). */
  async findOwned<Include extends Prisma.DocumentInclude>(userId: string, id: string, include?: Include) {
    const document = isUuid(id)
      ? await this.prisma.document.findFirst({ where: { id, userId }, include: include as Include })
      : null;
    if (!document) throw new NotFoundError("Document");
    return document;
  }

  /**
   * Stores the file and queues its processing. The type is decided by the content; too large, unknown
   * or over-quota files are refused before anything is written.
   */
  async upload(userId: string, input: UploadInput) {
    const { orgId } = requireIdentity("An upload");
    const chatId = await this.chatOf(userId, input);
    const filename = cleanFilename(input.file.name);
    if (input.file.size > this.limits.maxBytes) throw tooLarge(this.limits.maxBytes);
    const bytes = new Uint8Array(await input.file.arrayBuffer());
    if (bytes.byteLength > this.limits.maxBytes) throw tooLarge(this.limits.maxBytes);
    if (bytes.byteLength === 0) throw rejected("DOCUMENT_EMPTY", "The file is empty.");
    const type = detectType(bytes, filename);
    await this.assertQuota(userId, bytes.byteLength);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // The document and its job first (the job not due yet), then the file part by part, each part its
    // own statement — a transaction around 20 MB would hold the embedded database's one connection for
    // seconds, and everyone's requests with it — then the job is made due. An upload that fails on the
    // way is deleted; one whose process died is found incomplete when its job comes due (FAILED).
    const document = await this.prisma.$transaction(async (tx) => {
      const created = await tx.document.create({
        data: {
          orgId,
          userId,
          scope: input.scope,
          chatId,
          filename,
          mimeType: type.mimeType,
          kind: type.kind,
          sizeBytes: BigInt(bytes.byteLength),
          sha256,
          progress: { stage: "QUEUED", done: 0, total: 0 },
        },
      });
      await tx.documentJob.create({
        data: {
          documentId: created.id,
          orgId,
          kind: "process",
          runAt: new Date(Date.now() + UNFINISHED_UPLOAD_MS),
        },
      });
      return created;
    });
    try {
      await writeDocumentFile(this.prisma, { documentId: document.id, orgId, userId, bytes });
      await this.audit.change(
        (tx) =>
          tx.documentJob.update({
            where: { documentId_kind: { documentId: document.id, kind: "process" } },
            data: { runAt: new Date() },
          }),
        // Named by id and type only: a file name can be content too.
        {
          action: "document.uploaded",
          target: { type: "document", id: document.id },
          changes: {
            scope: { after: document.scope },
            kind: { after: document.kind },
            sizeBytes: { after: bytes.byteLength },
          },
        },
      );
    } catch (error) {
      await this.prisma.document.deleteMany({ where: { id: document.id } }).catch(() => {});
      throw error;
    }
    this.jobs.wake();
    return document;
  }

  async rename(userId: string, id: string, filename: string) {
    await this.findOwned(userId, id);
    return this.prisma.document.update({
      where: { id },
      data: { filename: cleanFilename(filename), updatedAt: new Date() },
    });
  }

  /** Deletes the document with its file, chunks and jobs; answers that cited it keep their excerpts. */
  async delete(userId: string, id: string): Promise<boolean> {
    await this.findOwned(userId, id);
    const { count } = await this.audit.change(
      (tx) => tx.document.deleteMany({ where: { id, userId } }),
      (deleted) =>
        deleted.count === 1 ? { action: "document.deleted", target: { type: "document", id } } : null,
    );
    return count === 1;
  }

  /** The original file, for its owner. */
  async download(userId: string, id: string) {
    const document = await this.findOwned(userId, id);
    const content = await readDocumentFile(this.prisma, document.id);
    if (!content) throw new NotFoundError("Document");
    return { filename: document.filename, mimeType: document.mimeType, content };
  }

  /** Where a list of the user's documents comes from (`scope`, `chatId` narrow it). */
  listWhere(userId: string, filter: { scope?: DocumentScope | null; chatId?: string | null }) {
    if (filter.chatId && !isUuid(filter.chatId))
      return { id: { in: [] } } satisfies Prisma.DocumentWhereInput;
    return {
      userId,
      ...(filter.scope ? { scope: filter.scope } : {}),
      ...(filter.chatId ? { chatId: filter.chatId } : {}),
    } satisfies Prisma.DocumentWhereInput;
  }

  private async chatOf(userId: string, input: UploadInput): Promise<string | null> {
    if (input.scope === "LIBRARY") {
      if (input.chatId) {
        throw new BadInputError("A library document belongs to no chat; leave chatId out", {
          field: "chatId",
        });
      }
      return null;
    }
    if (!input.chatId) {
      throw new BadInputError("A document for a chat needs its chatId", { field: "chatId" });
    }
    const chat = isUuid(input.chatId)
      ? await this.prisma.chat.findFirst({ where: { id: input.chatId, userId }, select: { id: true } })
      : null;
    if (!chat) throw new NotFoundError("Chat", { field: "chatId" });
    return chat.id;
  }

  private async assertQuota(userId: string, adding: number) {
    const used = await this.prisma.document.aggregate({ where: { userId }, _sum: { sizeBytes: true } });
    const usedBytes = Number(used._sum.sizeBytes ?? 0n);
    if (usedBytes + adding > this.limits.quotaBytes) {
      const quotaMb = Math.round(this.limits.quotaBytes / (1024 * 1024));
      throw new AppError(
        "STORAGE_QUOTA_EXCEEDED",
        `Your documents may take up ${quotaMb} MB in all; delete some to upload this one.`,
        { quotaBytes: this.limits.quotaBytes, usedBytes },
      );
    }
  }
}

/** A name to show, never a path: the last path segment, without control characters, at most 255 characters. */
export function cleanFilename(name: string): string {
  const lastSegment = name.split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const printable = lastSegment.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  const cleaned = [...printable].slice(0, MAX_FILENAME_LENGTH).join("");
  if (!cleaned || cleaned === "." || cleaned === "..") {
    throw new BadInputError("A document needs a file name", { field: "filename" });
  }
  return cleaned;
}

function detectType(bytes: Uint8Array, filename: string) {
  try {
    return detectDocumentType(bytes, filename);
  } catch (error) {
    if (error instanceof DocumentRejectedError) throw rejected(error.code, error.message);
    throw error;
  }
}

const rejected = (code: DocumentRejectedError["code"], message: string) => new AppError(code, message);

const tooLarge = (maxBytes: number) =>
  new AppError(
    "DOCUMENT_TOO_LARGE",
    `A file may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB; this one is larger.`,
    { maxBytes },
  );
