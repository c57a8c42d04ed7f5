import { setTimeout as sleep } from "node:timers/promises";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { ChatRef } from "../chats/schema.js";
import { builder } from "../graphql/builder.js";
import { singleLine } from "../graphql/text-schemas.js";
import { MessageRef } from "../messages/schema.js";
import type { UploadedFile } from "./document-service.js";

builder.scalarType("File", {
  description: "A file sent with the request (GraphQL multipart request specification)",
  serialize: () => {
    throw new GraphQLError("A File is only ever sent, never returned");
  },
  parseValue: (value) => {
    if (!isUploadedFile(value)) {
      throw new GraphQLError("Expected a file sent as multipart/form-data", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    return value;
  },
});

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as UploadedFile).arrayBuffer === "function" &&
  typeof (value as UploadedFile).name === "string";

export const DocumentScopeEnum = builder.enumType("DocumentScope", {
  description: 'CHAT: used in that chat; LIBRARY: used in any chat where you switch "use my library" on',
  values: ["CHAT", "LIBRARY"] as const,
});

export const DocumentStatusEnum = builder.enumType("DocumentStatus", {
  values: ["PENDING", "PROCESSING", "READY", "FAILED"] as const,
});

const DocumentStage = builder.enumType("DocumentStage", {
  values: ["QUEUED", "EXTRACTING", "OCR", "CHUNKING", "EMBEDDING", "SUMMARISING", "DONE"] as const,
});

interface ProgressShape {
  stage: (typeof DocumentStage.$inferType)[number] | string;
  done: number;
  total: number;
}

const DocumentProgress = builder.objectRef<ProgressShape>("DocumentProgress").implement({
  description: "What processing is doing: e.g. OCR, page `done` of `total`",
  fields: (t) => ({
    stage: t.field({
      type: DocumentStage,
      resolve: (progress) => progress.stage as typeof DocumentStage.$inferType,
    }),
    done: t.exposeInt("done"),
    total: t.exposeInt("total"),
  }),
});

export const DocumentRef = builder.prismaObject("Document", {
  fields: (t) => ({
    id: t.exposeID("id"),
    filename: t.exposeString("filename"),
    mimeType: t.exposeString("mimeType"),
    sizeBytes: t.float({ resolve: (document) => Number(document.sizeBytes) }),
    scope: t.field({ type: DocumentScopeEnum, resolve: (document) => document.scope as "CHAT" | "LIBRARY" }),
    status: t.field({
      type: DocumentStatusEnum,
      resolve: (document) => document.status as typeof DocumentStatusEnum.$inferType,
    }),
    progress: t.field({
      type: DocumentProgress,
      resolve: (document) => document.progress as unknown as ProgressShape,
    }),
    pageCount: t.exposeInt("pageCount", { nullable: true }),
    chunkCount: t.exposeInt("chunkCount"),
    ocrPages: t.exposeInt("ocrPages", { description: "Pages whose text was read by OCR" }),
    language: t.exposeString("language", { description: "german, english or simple (other languages)" }),
    summary: t.exposeString("summary", {
      nullable: true,
      description: "Two sentences, once ready (may stay null)",
    }),
    error: t.exposeString("error", { nullable: true, description: "Why it FAILED, in a sentence" }),
    errorCode: t.exposeString("errorCode", { nullable: true, description: "e.g. DOCUMENT_ENCRYPTED" }),
    embeddingModel: t.exposeString("embeddingModel", { nullable: true }),
    downloadUrl: t.string({
      description: "Where its owner downloads the original (with the session's or an API key's bearer token)",
      resolve: (document) => `/documents/${document.id}/file`,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    chat: t.relation("chat", { type: ChatRef, nullable: true }),
  }),
});

const SourceRef = builder.prismaObject("MessageSource", {
  name: "Source",
  description: "A passage the answer was given; cited in it as [index]",
  fields: (t) => ({
    index: t.exposeInt("position"),
    document: t.prismaField({
      type: "Document",
      nullable: true,
      description: "null once the document was deleted (filename and excerpt stay)",
      resolve: (query, source, _args, context) =>
        source.documentId
          ? context.prisma.document.findFirst({ ...query, where: { id: source.documentId } })
          : null,
    }),
    filename: t.exposeString("filename"),
    page: t.exposeInt("page"),
    section: t.exposeString("section", {
      description: 'The heading breadcrumb, e.g. "Kapitel 2 › Kündigung"',
    }),
    excerpt: t.exposeString("excerpt"),
    score: t.exposeFloat("score"),
  }),
});

builder.prismaObjectField("Message", "sources", (t) =>
  t.relation("sources", {
    type: SourceRef,
    description: "The passages of your documents this answer was given, in the order it cites them",
    query: { orderBy: { position: "asc" } },
  }),
);
builder.prismaObjectFields("Message", (t) => ({
  attachments: t.field({
    type: [DocumentRef],
    description: "The images sent with this message (a user's), in the order they were attached",
    select: {
      attachments: { select: { document: true }, orderBy: { document: { createdAt: "asc" } } },
    },
    resolve: (message) => message.attachments.map((attachment) => attachment.document),
  }),
}));
void MessageRef;

interface HitShape {
  documentId: string;
  page: number;
  section: string;
  text: string;
  score: number;
  lexicalRank: number | null;
  vectorRank: number | null;
}

const SearchHitRef = builder.objectRef<HitShape>("SearchHit").implement({
  fields: (t) => ({
    document: t.prismaField({
      type: "Document",
      resolve: async (query, hit, _args, context) =>
        context.prisma.document.findFirstOrThrow({ ...query, where: { id: hit.documentId } }),
    }),
    page: t.exposeInt("page"),
    section: t.exposeString("section"),
    text: t.exposeString("text"),
    score: t.exposeFloat("score", { description: "Reciprocal rank fusion of both rankings (k = 60)" }),
    lexicalRank: t.exposeInt("lexicalRank", {
      nullable: true,
      description: "Place in the full-text ranking",
    }),
    vectorRank: t.exposeInt("vectorRank", {
      nullable: true,
      description: "Place in the vector ranking (null without an embedding model)",
    }),
  }),
});

const UploadDocumentInput = builder.inputType("UploadDocumentInput", {
  fields: (t) => ({
    file: t.field({ type: "File", required: true }),
    scope: t.field({ type: DocumentScopeEnum, required: true }),
    chatId: t.id({ description: "Required for CHAT" }),
  }),
});

const filenameSchema = singleLine(
  z.string().min(1, "A file name is required").max(255, "At most 255 characters"),
);

builder.queryFields((t) => ({
  documents: t.withAuth({ loggedIn: true }).prismaConnection({
    type: "Document",
    cursor: "id",
    description: "Your documents, newest first; `scope` and `chatId` narrow the list",
    args: { scope: t.arg({ type: DocumentScopeEnum }), chatId: t.arg.id() },
    resolve: (query, _root, args, context) =>
      context.prisma.document.findMany({
        ...query,
        where: context.services.documents.listWhere(context.viewer.userId, {
          scope: args.scope,
          chatId: args.chatId ? String(args.chatId) : null,
        }),
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
  document: t.withAuth({ loggedIn: true }).prismaField({
    type: "Document",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.services.documents.findOwned(context.viewer.userId, String(args.id), query.include),
  }),
  searchDocuments: t.withAuth({ loggedIn: true }).field({
    type: [SearchHitRef],
    description:
      "The passages of your documents that best match `query` (full text and, with an embedding model, " +
      "vectors, fused by rank): those of the chat `chatId` and, with `useLibrary` (the default without a " +
      "chat), your library",
    args: {
      query: t.arg.string({ required: true, validate: z.string().min(1).max(2_000) }),
      chatId: t.arg.id(),
      useLibrary: t.arg.boolean(),
      first: t.arg.int({ defaultValue: 8, validate: z.number().int().min(1).max(50) }),
    },
    resolve: async (_root, args, context) =>
      context.services.documentSearch.search(
        context.viewer.userId,
        args.query,
        { chatId: args.chatId ? String(args.chatId) : null, useLibrary: args.useLibrary ?? !args.chatId },
        { first: args.first ?? 8, embedder: await context.services.documentEmbedder(context.viewer.orgId) },
      ),
  }),
}));

builder.mutationFields((t) => ({
  uploadDocument: t.withAuth({ loggedIn: true }).prismaField({
    type: "Document",
    description:
      "Stores a file (multipart request) and processes it in the background: follow documentProgress, " +
      "or poll `document`, until READY or FAILED",
    args: { input: t.arg({ type: UploadDocumentInput, required: true }) },
    resolve: (_query, _root, { input }, context) =>
      context.services.documents.upload(context.viewer.userId, {
        file: input.file as UploadedFile,
        scope: input.scope,
        chatId: input.chatId ? String(input.chatId) : null,
      }),
  }),
  renameDocument: t.withAuth({ loggedIn: true }).prismaField({
    type: "Document",
    args: {
      id: t.arg.id({ required: true }),
      filename: t.arg.string({ required: true, validate: filenameSchema }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.documents.rename(context.viewer.userId, String(args.id), args.filename),
  }),
  deleteDocument: t.withAuth({ loggedIn: true }).boolean({
    description: "Deletes the document with its file and passages; answers that cited it keep their excerpts",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.documents.delete(context.viewer.userId, String(args.id)),
  }),
}));

/** How often a followed document is looked at while it is processed. */
const PROGRESS_POLL_MS = 500;

builder.subscriptionField("documentProgress", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: "Document",
    description:
      "The document now and whenever its status or progress changes; ends once it is READY or FAILED",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) =>
      followDocument(
        context.services.documents,
        context.viewer.userId,
        String(args.id),
        context.request.signal,
      ),
    resolve: (_query, document) => document,
  }),
);

async function* followDocument<Document extends { status: string; updatedAt: Date }>(
  documents: { findOwned(userId: string, id: string): Promise<Document> },
  userId: string,
  id: string,
  signal: AbortSignal,
) {
  let last = "";
  while (!signal.aborted) {
    const document = await documents.findOwned(userId, id);
    const seen = `${document.status}|${document.updatedAt.toISOString()}`;
    if (seen !== last) {
      last = seen;
      yield document;
    }
    if (document.status === "READY" || document.status === "FAILED") return;
    await sleep(PROGRESS_POLL_MS, undefined, { signal }).catch(() => {});
  }
}
