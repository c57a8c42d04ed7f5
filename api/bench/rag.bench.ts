import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pino from "pino";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrations.js";
import { PGLITE_EXTENSIONS } from "../src/db/pglite-extensions.js";
import { type RequestIdentity, runAs } from "../src/db/request-identity.js";
import { pgliteExecutor } from "../src/db/sql-executor.js";
import { ChunkStore, embeddingText } from "../src/documents/chunk-store.js";
import { chunkDocument } from "../src/documents/chunking/chunk-document.js";
import type { DocumentEmbedder } from "../src/documents/document-processor.js";
import {
  DocumentSearch,
  fuse,
  MIN_VECTOR_SIMILARITY,
  type SearchHit,
} from "../src/documents/document-search.js";
import { extractDocument } from "../src/documents/extraction/extract-document.js";
import { createOcrEngine, type OcrEngine } from "../src/documents/extraction/ocr-engine.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { DEFAULT_ORGANIZATION_ID } from "../src/organizations/organization-service.js";
import { fakeEmbedding } from "../test/fake-provider/fake-embeddings.js";
import {
  EVIDENCE_PREFIX,
  FILES_DIRECTORY,
  isRelevant,
  type Question,
  readManifest,
  readQuestions,
} from "./rag/retrieval-set.js";

// Retrieval quality on the committed labelled set (bench/rag): every file is extracted, chunked, indexed
// and embedded as the product does it, then each question is searched full-text only, by vector only and
// hybrid (the product's search). Figures: recall@5 and MRR@10, overall and per language, and extraction
// and indexing time per page. Fails when hybrid is worse than either alone.

// What the fake provider answers for text-embedding-3-small, the default cloud model.
const DIMENSIONS = 1536;
const SCOPE = { chatId: null, useLibrary: true };
const USER_ID = randomUUID();
const identity: RequestIdentity = {
  userId: USER_ID,
  orgId: DEFAULT_ORGANIZATION_ID,
  orgAdmin: false,
  platformAdmin: false,
};

/** The fake provider's embedder: hashed words and trigrams, deterministic, no network. */
const embedder: DocumentEmbedder = {
  model: `fake/hashed-${DIMENSIONS}`,
  embed: async (inputs) => inputs.map((input) => Float32Array.from(fakeEmbedding(input, DIMENSIONS))),
};

interface KindTiming {
  pages: number;
  extractMs: number;
  indexMs: number;
}

/** The product's own vector query (private to DocumentSearch), so that "vector only" cannot drift from it. */
type VectorRows = Parameters<typeof fuse>[1];
const vectorRows = (search: DocumentSearch, query: string): Promise<VectorRows> =>
  (
    search as unknown as {
      vector(
        userId: string,
        query: string,
        scope: typeof SCOPE,
        embedder: DocumentEmbedder,
      ): Promise<VectorRows>;
    }
  ).vector(USER_ID, query, SCOPE, embedder);

async function indexSet(prisma: PrismaClient, chunkStore: ChunkStore, ocr: () => Promise<OcrEngine>) {
  const manifest = readManifest();
  const documentIds = new Map<string, string>();
  const timings = new Map<string, KindTiming>();
  let pages = 0;
  let chunkCount = 0;
  for (const [documentKey, entry] of Object.entries(manifest)) {
    const bytes = new Uint8Array(readFileSync(path.join(FILES_DIRECTORY, entry.file)));
    let started = performance.now();
    const extracted = await extractDocument(bytes, entry.file, { getOcrEngine: ocr });
    const extractMs = performance.now() - started;
    const chunks = chunkDocument(extracted.pages);
    started = performance.now();
    const documentId = await runAs(identity, async () => {
      const document = await prisma.document.create({
        data: {
          orgId: identity.orgId,
          userId: identity.userId,
          scope: "LIBRARY",
          filename: entry.file,
          mimeType: extracted.mimeType,
          kind: extracted.kind,
          sizeBytes: BigInt(bytes.byteLength),
          sha256: createHash("sha256").update(bytes).digest("hex"),
          status: "PROCESSING",
          progress: { stage: "CHUNKING", done: 0, total: extracted.pageCount },
          pageCount: extracted.pageCount,
          ocrPages: extracted.ocrPages,
          language: extracted.language,
        },
      });
      await chunkStore.replace(document, chunks, extracted.language);
      const stored = await chunkStore.unembedded(document.id, embedder.model);
      const vectors = await embedder.embed(stored.map(embeddingText), "document");
      for (const [index, chunk] of stored.entries()) {
        const vector = vectors[index];
        if (vector) await chunkStore.saveEmbedding(chunk.id, embedder.model, vector);
      }
      await prisma.document.update({
        where: { id: document.id },
        data: {
          status: "READY",
          chunkCount: chunks.length,
          embeddingModel: embedder.model,
          progress: { stage: "DONE", done: chunks.length, total: chunks.length },
        },
      });
      return document.id;
    });
    const indexMs = performance.now() - started;
    documentIds.set(documentKey, documentId);
    const kind = entry.kind;
    const timing = timings.get(kind) ?? { pages: 0, extractMs: 0, indexMs: 0 };
    timing.pages += extracted.pageCount;
    timing.extractMs += extractMs;
    timing.indexMs += indexMs;
    timings.set(kind, timing);
    pages += extracted.pageCount;
    chunkCount += chunks.length;
  }
  return { manifest, documentIds, timings, pages, chunkCount };
}

type Method = "lexical" | "vector" | "vector, gated" | "hybrid";
const METHODS: Method[] = ["lexical", "vector", "vector, gated", "hybrid"];
type Passage = Pick<SearchHit, "documentId" | "page" | "text">;

/** The 1-based rank of the first relevant passage among the first 10, or null when none is. */
const firstRelevant = (passages: Passage[], relevant: (passage: Passage) => boolean) => {
  const index = passages.slice(0, 10).findIndex(relevant);
  return index === -1 ? null : index + 1;
};

async function rankAll(
  search: DocumentSearch,
  questions: Question[],
  relevantTo: (question: Question) => (passage: Passage) => boolean,
) {
  const ranks = new Map<Method, (number | null)[]>(METHODS.map((method) => [method, []]));
  for (const question of questions) {
    const relevant = relevantTo(question);
    const { lexical, hybrid, vector } = await runAs(identity, async () => ({
      lexical: await search.search(USER_ID, question.question, SCOPE, { first: 10, embedder: null }),
      hybrid: await search.search(USER_ID, question.question, SCOPE, { first: 10, embedder }),
      vector: await vectorRows(search, question.question),
    }));
    const nearest = vector.map((row) => ({ documentId: row.document_id, page: row.page, text: row.content }));
    ranks.get("lexical")?.push(firstRelevant(lexical, relevant));
    // Nearest neighbours as they come, and as the product's gate leaves them (fuse without full-text hits).
    ranks.get("vector")?.push(firstRelevant(nearest, relevant));
    ranks.get("vector, gated")?.push(firstRelevant(fuse([], vector), relevant));
    ranks.get("hybrid")?.push(firstRelevant(hybrid, relevant));
  }
  return ranks;
}

const recallAt = (ranks: (number | null)[], k: number) =>
  ranks.filter((rank) => rank !== null && rank <= k).length / Math.max(1, ranks.length);
const meanReciprocalRank = (ranks: (number | null)[]) =>
  ranks.reduce<number>((sum, rank) => sum + (rank === null ? 0 : 1 / rank), 0) / Math.max(1, ranks.length);

function printQuality(ranks: Map<Method, (number | null)[]>, questions: Question[]) {
  const groups: [string, (question: Question) => boolean][] = [
    [`all (${questions.length})`, () => true],
    [
      `de (${questions.filter((question) => question.language === "de").length})`,
      (question) => question.language === "de",
    ],
    [
      `en (${questions.filter((question) => question.language === "en").length})`,
      (question) => question.language === "en",
    ],
  ];
  console.log(
    `\n${"method".padEnd(15)}${groups.map(([label]) => `${label} R@5 / MRR@10`.padStart(24)).join("")}`,
  );
  for (const method of METHODS) {
    const all = ranks.get(method) ?? [];
    const cells = groups.map(([, belongs]) => {
      const selected = all.filter((_, index) => belongs(questions[index] as Question));
      return `${recallAt(selected, 5).toFixed(3)} / ${meanReciprocalRank(selected).toFixed(3)}`.padStart(24);
    });
    console.log(`${method.padEnd(15)}${cells.join("")}`);
  }
}

function printTimings(timings: Map<string, KindTiming>, ocrStartMs: number) {
  console.log(
    `\n${"kind".padEnd(10)}${"pages".padStart(6)}${"extract ms/page".padStart(17)}${"index ms/page".padStart(15)}`,
  );
  const total = { pages: 0, extractMs: 0, indexMs: 0 };
  for (const [kind, timing] of [...timings.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    total.pages += timing.pages;
    total.extractMs += timing.extractMs;
    total.indexMs += timing.indexMs;
    console.log(
      `${kind.padEnd(10)}${String(timing.pages).padStart(6)}${(timing.extractMs / timing.pages).toFixed(1).padStart(17)}${(timing.indexMs / timing.pages).toFixed(1).padStart(15)}`,
    );
  }
  console.log(
    `${"all".padEnd(10)}${String(total.pages).padStart(6)}${(total.extractMs / total.pages).toFixed(1).padStart(17)}${(total.indexMs / total.pages).toFixed(1).padStart(15)}`,
  );
  console.log(
    `(OCR engine start, once per extraction thread, not in the figures: ${ocrStartMs.toFixed(0)} ms)`,
  );
}

const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
await applyMigrations(pgliteExecutor(pglite));
await pglite.exec(`insert into app_users (id, org_id, username, email, password_hash)
  values ('${USER_ID}', '${DEFAULT_ORGANIZATION_ID}', 'rag_bench', 'rag-bench@example.com', 'x')`);
const database = await openDatabase({ pglite });
let ocrEngine: OcrEngine | undefined;
let failed = false;
try {
  const chunkStore = new ChunkStore(database.prisma);
  const search = new DocumentSearch(database.prisma, chunkStore, pino({ level: "warn" }));
  const ocrStarted = performance.now();
  ocrEngine = await createOcrEngine();
  const ocrStartMs = performance.now() - ocrStarted;
  const engine = ocrEngine;
  const set = await indexSet(database.prisma, chunkStore, async () => engine);
  const questions = readQuestions();
  const relevantTo = (question: Question) => (passage: Passage) =>
    isRelevant(passage, question, set.documentIds, set.manifest);

  // Questions no retrieval can answer: the evidence did not survive extraction and chunking.
  const chunks = await runAs(identity, async () =>
    database.prisma.documentChunk.findMany({ select: { documentId: true, page: true, content: true } }),
  );
  const unreachable = questions.filter(
    (question) => !chunks.some((chunk) => relevantTo(question)({ ...chunk, text: chunk.content })),
  );

  console.log(
    `RAG retrieval set: ${set.documentIds.size} documents, ${set.pages} pages, ${set.chunkCount} chunks, ` +
      `${questions.length} questions; vector: ${embedder.model} (the fake provider's hashed embedder)`,
  );
  console.log(
    `relevant = from the question's document and page, holding the evidence (whitespace, table pipes and ` +
      `quotes normalised), or its first ${EVIDENCE_PREFIX} characters where a chunk cuts it`,
  );
  if (unreachable.length > 0) {
    console.log(
      `evidence not found in any chunk (no method can score): ${unreachable.map((question) => question.id).join(", ")}`,
    );
  }
  const ranks = await rankAll(search, questions, relevantTo);
  printQuality(ranks, questions);
  console.log(
    `"vector": nearest neighbours, no gate; "vector, gated": the product's fuse() with no full-text hits, ` +
      `which drops passages below cosine ${MIN_VECTOR_SIMILARITY}; "hybrid": DocumentSearch.search with the embedder`,
  );
  printTimings(set.timings, ocrStartMs);

  const worse: string[] = [];
  const hybrid = ranks.get("hybrid") ?? [];
  for (const method of ["lexical", "vector"] as const) {
    const alone = ranks.get(method) ?? [];
    if (recallAt(hybrid, 5) < recallAt(alone, 5)) worse.push(`recall@5 below ${method}`);
    if (meanReciprocalRank(hybrid) < meanReciprocalRank(alone)) worse.push(`MRR@10 below ${method}`);
  }
  if (worse.length > 0) {
    failed = true;
    console.log(`\n✗ hybrid is worse than a single method: ${worse.join(", ")}`);
  } else console.log("\n✓ hybrid is at least as good as lexical and vector alone (recall@5 and MRR@10)");
} finally {
  await ocrEngine?.terminate();
  await database.close();
  await pglite.close();
}
if (failed) process.exitCode = 1;
