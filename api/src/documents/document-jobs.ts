import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type RequestIdentity, runAs } from "../db/request-identity.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";

export type DocumentJobKind = "process" | "embed" | "summarise";

export interface ClaimedJob {
  id: string;
  documentId: string;
  kind: DocumentJobKind;
  attempts: number;
  /** The document's owner: the job's work runs as them (row-level security applies as in a request). */
  owner: RequestIdentity;
}

/** Does one job; throwing retries it later (up to the job's attempts), returning finishes it. */
export type JobHandler = (job: ClaimedJob, signal: AbortSignal) => Promise<void>;

export interface DocumentJobOptions {
  prisma: PrismaClient;
  logger: Logger;
  handle: JobHandler;
  /** Jobs this process works on at once (DOCUMENT_WORKERS); 0: this process takes none. */
  concurrency: number;
  /** How long a claim holds before another process may take the job (renewed while it runs). */
  leaseSeconds?: number;
  /** How often idle workers look for due jobs (a wake() makes them look at once). */
  pollMs?: number;
  /** The first retry's pause; it doubles with each attempt. */
  retryDelayMs?: number;
}

interface ClaimRow {
  job_id: string;
  document_id: string;
  org_id: string;
  user_id: string;
  kind: string;
  attempts: number;
}

/**
 * The durable queue of work on documents (app_document_jobs). Jobs are claimed with FOR UPDATE SKIP
 * LOCKED under a lease by the database (app_document_job_claim), so replicas share them and a job whose
 * process died is taken again once its lease ran out; a restart resumes unfinished documents.
 */
export class DocumentJobs {
  private readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leaseSeconds: number;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | null = null;
  private lookAgain = false;
  private stopped = true;

  constructor(private readonly options: DocumentJobOptions) {
    this.leaseSeconds = options.leaseSeconds ?? 60;
  }

  start(): void {
    if (this.options.concurrency <= 0 || !this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 2_000);
    this.timer.unref();
    this.wake();
  }

  /**
   * Queues an embedding job for every ready document whose passages have no vectors of `model` (the
   * deployment switched EMBEDDING_MODEL): they are re-embedded in the background instead of being
   * compared with vectors of another model. Every replica may call it; a queued job is not queued twice.
   */
  async reembedFor(model: string): Promise<number> {
    const [row] = await runAs(
      null,
      async () =>
        await this.options.prisma.$queryRaw<
          { queued: number }[]
        >`select app_document_reembed(${model}) as queued`,
    );
    return Number(row?.queued ?? 0);
  }

  /** Looks for due jobs now (after an upload). */
  wake(): void {
    if (this.stopped) return;
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    this.looking = this.fill()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "could not claim document jobs"))
      .finally(() => {
        this.looking = null;
        if (this.lookAgain) {
          this.lookAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Stops taking jobs and aborts the running ones; their claims are given back, so that another process
   * (or this one after a restart) resumes them at once.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const job of this.running.values()) job.controller.abort(new Error("the server is shutting down"));
    await this.looking;
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private async fill(): Promise<void> {
    await this.failExhausted();
    while (!this.stopped && this.running.size < this.options.concurrency) {
      const job = await this.claim();
      if (!job) return;
      const controller = new AbortController();
      const done = this.run(job, controller.signal).finally(() => this.running.delete(job.id));
      this.running.set(job.id, { controller, done });
    }
  }

  private async claim(): Promise<ClaimedJob | null> {
    // Claiming crosses tenants: it runs as nobody, through the database's one function for it.
    // (A Prisma query runs when awaited: inside runAs, or it would run as whoever woke the workers.)
    const [row] = await runAs(
      null,
      async () =>
        await this.options.prisma.$queryRaw<ClaimRow[]>`
          select * from app_document_job_claim(${this.workerId}, ${this.leaseSeconds}::integer)`,
    );
    if (!row) return null;
    return {
      id: row.job_id,
      documentId: row.document_id,
      kind: row.kind as DocumentJobKind,
      attempts: row.attempts,
      owner: { userId: row.user_id, orgId: row.org_id, orgAdmin: false, platformAdmin: false },
    };
  }

  private async failExhausted(): Promise<void> {
    await runAs(null, async () => await this.options.prisma.$queryRaw`select app_document_job_exhausted()`);
  }

  private async run(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { prisma, logger } = this.options;
    await runAs(job.owner, async () => {
      const renewal = setInterval(
        () => {
          prisma.documentJob
            .updateMany({
              where: { id: job.id, lockedBy: this.workerId },
              data: { lockedUntil: new Date(Date.now() + this.leaseSeconds * 1000) },
            })
            .catch((error: unknown) =>
              logger.warn({ err: error, jobId: job.id }, "could not renew a job's lease"),
            );
        },
        (this.leaseSeconds * 1000) / 3,
      );
      renewal.unref();
      try {
        await this.options.handle(job, signal);
        await prisma.documentJob.deleteMany({ where: { id: job.id, lockedBy: this.workerId } });
        // A job often queues the next one (a ready document its summary): take it up at once.
        this.wake();
      } catch (error) {
        if (signal.aborted) {
          // Shutting down: the job is due again at once, for whichever process starts next.
          await prisma.documentJob
            .updateMany({
              where: { id: job.id, lockedBy: this.workerId },
              data: { lockedBy: null, lockedUntil: null, attempts: { decrement: 1 } },
            })
            .catch(() => {});
          return;
        }
        const delayMs = (this.options.retryDelayMs ?? 5_000) * 2 ** (job.attempts - 1);
        logger.warn(
          { err: error, jobId: job.id, kind: job.kind, attempt: job.attempts },
          "document job failed",
        );
        await prisma.documentJob
          .updateMany({
            where: { id: job.id, lockedBy: this.workerId },
            data: {
              lockedBy: null,
              lockedUntil: null,
              runAt: new Date(Date.now() + delayMs),
              lastError: error instanceof Error ? error.message.slice(0, 1_000) : String(error),
            },
          })
          .catch((saveError: unknown) =>
            logger.warn({ err: saveError, jobId: job.id }, "could not reschedule a job"),
          );
      } finally {
        clearInterval(renewal);
      }
    });
  }
}
