import type { PrismaClient } from "../generated/prisma/client.js";
import type { BackgroundCompletion } from "../messages/background-completion.js";
import type { ModelAccess } from "../models/model-access.js";
import type { Logger } from "../observability/logger.js";
import { parseModelId } from "../providers/catalogue.js";
import { cheapModelFor } from "../providers/title-model.js";
import type { ClaimedJob } from "./document-jobs.js";

const SUMMARY_PROMPT =
  "Summarise the document below in two sentences, in its language: what it is and what it covers. " +
  "Answer with the two sentences only.";
/** The start of the document the summary is written from. */
const EXCERPT_TOKENS = 1_500;
const SUMMARY_MAX_TOKENS = 120;
const SUMMARY_TIMEOUT_MS = 60_000;
const MAX_SUMMARY_CHARS = 600;

/**
 * The two-sentence summary of a ready document, written in the background by a cheap model. It is a
 * nicety: when it cannot be written (no model, no budget, a provider failure) the document stays without.
 */
export class DocumentSummaries {
  constructor(
    private readonly options: {
      prisma: PrismaClient;
      models: Pick<ModelAccess, "defaults">;
      completion: BackgroundCompletion;
      logger: Logger;
      /** TITLE_MODEL: the cheap model of background work, when set. */
      titleModel?: string;
    },
  ) {}

  async queue(documentId: string, orgId: string): Promise<void> {
    await this.options.prisma.documentJob.upsert({
      where: { documentId_kind: { documentId, kind: "summarise" } },
      create: { documentId, orgId, kind: "summarise" },
      update: { runAt: new Date() },
    });
  }

  /** Writes the summary; never throws for the summary's own reasons (the job just ends). */
  async summarise(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { prisma, logger } = this.options;
    try {
      const chunks = await prisma.documentChunk.findMany({
        where: { documentId: job.documentId },
        orderBy: { ordinal: "asc" },
        select: { content: true, tokenCount: true, section: true },
        take: 20,
      });
      if (chunks.length === 0) return;
      const excerpt: string[] = [];
      let tokens = 0;
      for (const chunk of chunks) {
        if (tokens > 0 && tokens + chunk.tokenCount > EXCERPT_TOKENS) break;
        excerpt.push(chunk.section ? `${chunk.section}\n${chunk.content}` : chunk.content);
        tokens += chunk.tokenCount;
      }
      const { model: defaultModel } = await this.options.models.defaults(job.owner.orgId);
      const provider = parseModelId(defaultModel)?.provider;
      const result = await this.options.completion.complete({
        userId: job.owner.userId,
        chatId: null,
        modelId: this.options.titleModel ?? (provider && cheapModelFor(provider)?.id) ?? defaultModel,
        fallbackModelId: defaultModel,
        system: SUMMARY_PROMPT,
        prompt: excerpt.join("\n\n"),
        maxOutputTokens: SUMMARY_MAX_TOKENS,
        purpose: "summary",
        signal: AbortSignal.any([AbortSignal.timeout(SUMMARY_TIMEOUT_MS), signal]),
      });
      if ("skipped" in result) return;
      const summary = result.text.trim().replace(/\s+/g, " ").slice(0, MAX_SUMMARY_CHARS);
      if (!summary) return;
      await prisma.document.updateMany({
        where: { id: job.documentId },
        data: { summary, updatedAt: new Date() },
      });
    } catch (error) {
      if (signal.aborted) throw error; // shutting down: the job is taken up again
      logger.warn({ err: error, documentId: job.documentId }, "could not summarise a document");
    }
  }
}
