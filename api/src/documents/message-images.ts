import { setTimeout as sleep } from "node:timers/promises";
import { isUuid } from "../db/uuid.js";
import { BadInputError, NotFoundError } from "../errors/app-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ChatTurn, ProviderId } from "../providers/types.js";
import { readDocumentFileBase64 } from "./document-files.js";

// Images sent with a message: checked when it is sent, then given to the model with each of its turns —
// inline where the model reads images, else as the text OCR recognised in them.

/** At most this many images go with one message. */
export const MAX_IMAGES_PER_MESSAGE = 10;
/**
 * What one image may add to a prompt, in tokens, for the budgets' worst case: more than any provider
 * counts for one image (OpenAI ≤ ~3,800 for gpt-4.1-nano's patches, Anthropic ≤ ~4,800 at its largest
 * resolution, Gemini ≤ 1,120 per image at high resolution), and the most of an image's recognised text
 * that is sent (in bytes, each at most one token).
 */
export const IMAGE_PROMPT_TOKENS = 8_192;
// The largest image each provider takes inline (Anthropic: 5 MB per image; OpenAI 20 MB, Gemini 20 MB
// per request). A larger one goes as its recognised text.
const INLINE_LIMIT_BYTES: Partial<Record<ProviderId, number>> = { anthropic: 5 * 1024 * 1024 };
const DEFAULT_INLINE_LIMIT_BYTES = 20 * 1024 * 1024;

/** A turn of the chat as stored: the images of a user's message by their document ids. */
export interface TurnWithImages extends ChatTurn {
  imageIds?: string[];
}

export interface PreparedTurns {
  turns: ChatTurn[];
  /** Some image went as its recognised text (the model reads none, or it was too large). */
  asText: boolean;
}

interface Options {
  /** How long an answer waits for an image's text to be recognised (OCR), for a model that reads none. */
  readyWaitMs?: number;
  pollMs?: number;
}

export class MessageImages {
  private readonly readyWaitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    options: Options = {},
  ) {
    this.readyWaitMs = options.readyWaitMs ?? 120_000;
    this.pollMs = options.pollMs ?? 500;
  }

  /**
   * The ids of images the user may send in this chat (their documents of this chat or of their
   * library), each once: an id that is not theirs is NOT_FOUND; a file that is no image is refused.
   */
  async attachable(userId: string, chatId: string, ids: readonly string[] | null | undefined) {
    const unique = [...new Set(ids ?? [])];
    if (unique.length === 0) return [];
    if (unique.length > MAX_IMAGES_PER_MESSAGE) {
      throw new BadInputError(`A message can take at most ${MAX_IMAGES_PER_MESSAGE} images`, {
        field: "attachmentIds",
      });
    }
    const found = unique.every(isUuid)
      ? await this.prisma.document.findMany({
          where: { id: { in: unique }, userId, OR: [{ chatId }, { scope: "LIBRARY" }] },
          select: { id: true, kind: true, filename: true },
        })
      : [];
    const missing = unique.find((id) => !found.some((document) => document.id === id));
    if (missing) throw new NotFoundError("Document", { field: "attachmentIds", id: missing });
    const notImage = found.find((document) => document.kind !== "IMAGE");
    if (notImage) {
      throw new BadInputError(
        `"${notImage.filename}" is no image: only images go with a message; the chat's other files are searched for every question`,
        { field: "attachmentIds", id: notImage.id },
      );
    }
    return unique;
  }

  /** The write that links the images to the message (part of the message's own batch). */
  link(messageId: string, documentIds: readonly string[]) {
    return this.prisma.messageAttachment.createMany({
      data: documentIds.map((documentId) => ({ messageId, documentId })),
    });
  }

  /** The images of these messages, in the order they were attached. */
  async ofMessages(messageIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.prisma.messageAttachment.findMany({
      where: { messageId: { in: [...messageIds] } },
      select: { messageId: true, documentId: true },
      orderBy: { document: { createdAt: "asc" } },
    });
    const byMessage = new Map<string, string[]>();
    for (const row of rows)
      byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row.documentId]);
    return byMessage;
  }

  /**
   * The turns as the model takes them: each image inline where the model reads images (and it is not too
   * large for the provider), else as the text recognised in it — waited for while the image is still
   * being processed. An image deleted meanwhile is left out.
   */
  async prepare(
    turns: readonly TurnWithImages[],
    model: { provider: ProviderId; vision: boolean },
    signal: AbortSignal,
  ): Promise<PreparedTurns> {
    let asText = false;
    const limit = INLINE_LIMIT_BYTES[model.provider] ?? DEFAULT_INLINE_LIMIT_BYTES;
    const prepared: ChatTurn[] = [];
    for (const { imageIds, ...turn } of turns) {
      if (!imageIds?.length) {
        prepared.push(turn);
        continue;
      }
      const images: NonNullable<ChatTurn["images"]> = [];
      const texts: string[] = [];
      for (const id of imageIds) {
        const document = await this.prisma.document.findUnique({
          where: { id },
          select: { filename: true, mimeType: true, sizeBytes: true },
        });
        if (!document) continue;
        if (model.vision && Number(document.sizeBytes) <= limit) {
          const base64 = await readDocumentFileBase64(this.prisma, id);
          if (base64) images.push({ mimeType: document.mimeType, base64 });
          continue;
        }
        asText = true;
        texts.push(await this.recognisedText(id, document.filename, signal));
      }
      const content = texts.length > 0 ? `${texts.join("\n\n")}\n\n${turn.content}` : turn.content;
      prepared.push({ ...turn, content, ...(images.length > 0 ? { images } : {}) });
    }
    return { turns: prepared, asText };
  }

  /** The image's text as recognised by OCR, once it is (at most IMAGE_PROMPT_TOKENS bytes of it). */
  private async recognisedText(documentId: string, filename: string, signal: AbortSignal) {
    const until = Date.now() + this.readyWaitMs;
    let status = await this.status(documentId);
    while ((status === "PENDING" || status === "PROCESSING") && Date.now() < until) {
      await sleep(this.pollMs, undefined, { signal });
      status = await this.status(documentId);
    }
    const chunks =
      status === "READY"
        ? await this.prisma.documentChunk.findMany({
            where: { documentId },
            orderBy: { ordinal: "asc" },
            select: { content: true },
          })
        : [];
    const text = truncateBytes(
      chunks
        .map((chunk) => chunk.content)
        .join("\n\n")
        .trim(),
      IMAGE_PROMPT_TOKENS,
    );
    return text
      ? `[Image "${filename}": the text recognised in it]\n${text}`
      : `[Image "${filename}": no text could be recognised in it]`;
  }

  private async status(documentId: string) {
    const document = await this.prisma.document.findUnique({
      where: { id: documentId },
      select: { status: true },
    });
    return document?.status ?? "FAILED";
  }
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut between characters. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character, "utf8");
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
