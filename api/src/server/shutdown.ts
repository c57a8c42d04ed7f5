import { setTimeout as sleep } from "node:timers/promises";
import type { Plugin } from "graphql-yoga";
import type { Database } from "../db/database.js";
import type { Logger } from "../observability/logger.js";
import type { RunningServer } from "./http-server.js";
import type { Services } from "./services.js";
import { endable } from "./stream-ending.js";

// After the answers are done: time for their final events to reach subscribers, before the streams
// still open (following answers generated elsewhere) are ended and connections are cut.
const FLUSH_MS = 2_000;
// Titles in flight when the grace period is over still get this long (a title is 30 tokens at most): cut,
// a call's tokens on their way would go unbilled.
const TITLE_FINISH_MS = 2_000;
// Beyond the grace period: saving, closing the pools. A shutdown that takes longer is stuck.
const CLEANUP_MS = 10_000;

/** What the lifecycle needs of an HTTP response (node's ServerResponse). */
interface TrackedResponse {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  once(event: "close", listener: () => void): unknown;
}

/** Whether the server still takes new work; the open subscription streams and the switch that ends them. */
export class ServerLifecycle {
  private ending = false;
  // A set rather than listeners on one AbortSignal: thousands of open streams each wait for the end.
  private readonly endingListeners = new Set<() => void>();
  private isDraining = false;
  private isStopping = false;
  private openStreams = 0;
  private readonly onAllStreamsClosed: (() => void)[] = [];

  get draining(): boolean {
    return this.isDraining;
  }

  /** Whether the server is about to stop: not ready (/readyz 503), though it may still take work. */
  get stopping(): boolean {
    return this.isStopping;
  }

  /** From now on /readyz answers 503: load balancers that poll it route new work elsewhere. */
  announceStop(): void {
    this.isStopping = true;
  }

  /** Calls `listener` when open streams are to end (at once if they already are); returns "stop listening". */
  onStreamsEnding(listener: () => void): () => void {
    if (this.ending) {
      listener();
      return () => {};
    }
    this.endingListeners.add(listener);
    return () => this.endingListeners.delete(listener);
  }

  /**
   * From now on every response closes its connection (those whose headers have not gone out yet too):
   * a client's next request opens a new connection, refused here, and goes to another replica instead
   * of reaching this one on a kept-alive connection and getting 503.
   */
  beginDraining(): void {
    this.isStopping = true;
    this.isDraining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader("connection", "close");
  }

  endStreams(): void {
    this.ending = true;
    for (const listener of [...this.endingListeners]) listener();
    this.endingListeners.clear();
  }

  streamOpened(): void {
    this.openStreams += 1;
  }

  streamClosed(): void {
    this.openStreams -= 1;
    if (this.openStreams === 0) for (const resolve of this.onAllStreamsClosed.splice(0)) resolve();
  }

  private readonly open = new Set<TrackedResponse>();
  private readonly onAllRequestsDone: (() => void)[] = [];

  /** Counts an HTTP request from its start until its response has closed. */
  track(res: TrackedResponse): void {
    this.open.add(res);
    if (this.isDraining) res.setHeader("connection", "close");
    res.once("close", () => {
      this.open.delete(res);
      if (this.open.size === 0) for (const resolve of this.onAllRequestsDone.splice(0)) resolve();
    });
  }

  /** Resolves once no request is in progress, or after `timeoutMs`. */
  async requestsDone(timeoutMs: number): Promise<void> {
    if (this.open.size === 0) return;
    const allDone = new Promise<void>((resolve) => this.onAllRequestsDone.push(resolve));
    await Promise.race([allDone, sleep(timeoutMs, undefined, { ref: false })]);
  }

  /** Resolves once no stream is open, or after `timeoutMs`. */
  async streamsClosed(timeoutMs: number): Promise<void> {
    if (this.openStreams === 0) return;
    const allClosed = new Promise<void>((resolve) => this.onAllStreamsClosed.push(resolve));
    await Promise.race([allClosed, sleep(timeoutMs, undefined, { ref: false })]);
  }
}

/**
 * Subscription streams still open when the server stops end like finished ones (graphql-sse sends
 * `complete`) instead of being cut: a client follows the answer again, on another replica, from where
 * it was (answers are resumable across replicas with Redis).
 */
export function useEndStreamsOnShutdown(lifecycle: ServerLifecycle): Plugin {
  return {
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) return;
        setResult(endable(result, (end) => lifecycle.onStreamsEnding(() => end())));
        lifecycle.streamOpened();
        return { onEnd: () => lifecycle.streamClosed() };
      },
    }),
  };
}

export interface ShutdownDependencies {
  lifecycle: ServerLifecycle;
  server: RunningServer;
  services: Pick<Services, "generator" | "titles" | "passwords" | "close">;
  database: Pick<Database, "close">;
  logger: Logger;
  /** How long answers in progress may go on (SHUTDOWN_GRACE_MS). */
  graceMs: number;
  /**
   * How long the server goes on taking work after the signal while /readyz answers 503
   * (SHUTDOWN_DELAY_MS): a load balancer polling readiness stops routing here before requests are
   * refused, so none of them gets a 503.
   */
  delayMs: number;
}

/**
 * Reports not ready (/readyz 503) while still taking work for `delayMs`, then stops taking new work
 * (new connections refused, new requests 503, queued sign-ins refused), lets answers and titles in progress finish for up to `graceMs`, saves the rest as
 * INTERRUPTED, ends the remaining streams cleanly, lets requests still in progress finish, then closes
 * connections, services and the database.
 */
export async function shutDownGracefully(deps: ShutdownDependencies): Promise<void> {
  const { lifecycle, server, services, logger } = deps;
  lifecycle.announceStop();
  if (deps.delayMs > 0) {
    logger.info({ delayMs: deps.delayMs }, "not ready: new work is still taken until load balancers notice");
    await sleep(deps.delayMs);
  }
  const started = Date.now();
  lifecycle.beginDraining();
  server.stopAccepting();
  // Sign-ins still waiting for their bcrypt turn are refused now and retried elsewhere.
  services.passwords.refuseQueued();
  logger.info(
    { answersInProgress: services.generator.activeCount, graceMs: deps.graceMs },
    "draining: no new work; answers in progress may finish",
  );
  // Requests accepted just before draining may still start an answer; those are drained too.
  const deadline = started + deps.graceMs;
  do {
    await services.generator.drain(Math.max(0, deadline - Date.now()));
  } while (services.generator.activeCount > 0);
  // Titles of answers that just finished: their provider calls are billed before the database closes.
  await services.titles.drain(Math.max(TITLE_FINISH_MS, deadline - Date.now()));
  await lifecycle.streamsClosed(FLUSH_MS);
  lifecycle.endStreams();
  // Requests accepted before the drain get their answer, within what is left of the grace period.
  await lifecycle.requestsDone(Math.max(FLUSH_MS, deadline - Date.now()));
  await server.close(FLUSH_MS);
  await services.close();
  await deps.database.close();
  logger.info({ durationMs: Date.now() - started }, "shut down");
}

/**
 * SIGTERM (docker stop, Coolify redeploys) and SIGINT: a graceful shutdown, then exit 0. A second
 * signal, a failure or a shutdown stuck past the grace period exits 1 at once.
 */
export function shutDownOnSignals(deps: ShutdownDependencies): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      deps.logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    deps.logger.info({ signal }, "shutting down");
    setTimeout(
      () => {
        deps.logger.error("shutdown did not finish in time; exiting");
        process.exit(1);
      },
      deps.delayMs + deps.graceMs + CLEANUP_MS,
    ).unref();
    shutDownGracefully(deps).then(
      () => process.exit(0),
      (error: unknown) => {
        deps.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
