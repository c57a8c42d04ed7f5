import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { CallCounts, FakeCall } from "../../test/fake-provider/faults.js";
import { seededRandom } from "../../test/fake-provider/sse-format.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../../test/support/postgres.js";
import { RedisServer } from "../../test/support/redis-server.js";
import { evidenceFor, type LogSummaryEntry, readLogs, summarizeLogs } from "./api-logs.js";
import type { SoakOptions } from "./options.js";
import { type AnswerRecord, SOAK_MODEL, type SoakProgress, type UserRecord } from "./records.js";
import { runUser } from "./simulated-user.js";
import {
  type DrainOutcome,
  type PostgresPeaks,
  type ReplicaCrash,
  Replicas,
  samplePostgres,
  startProviderSide,
} from "./stack.js";
import { LoadBalancer, TrafficCounters } from "./traffic.js";
import { countStreaming, readStoredState, type Verdict, type Violation, verify } from "./verify.js";

// The fault soak: the real stack (two API processes on Postgres with REDIS_URL, the soak's own Redis,
// the fake provider with seeded faults, each in its own process), N simulated users, a SIGTERM to one
// replica and a Redis restart mid-run; then the database is checked against what clients saw.

export interface ChaosEvent {
  /** Seconds since the users started. */
  atSeconds: number;
  /** Wall-clock time, to find it in the API logs. */
  at: string;
  /** Share of planned messages sent when it happened. */
  atShare: number;
  /** Answers the clients were following at that moment. */
  answersInProgress: number;
}

export interface SoakResult {
  options: SoakOptions;
  runId: string;
  database: string;
  violations: Violation[];
  verdict: Verdict;
  provider: CallCounts;
  traffic: TrafficCounters;
  clients: {
    drops: number;
    crossReplicaAfterDrop: number;
    resubscribedAfterServerEnd: number;
    resubscribedAfterError: number;
    stopsRequested: number;
    lostResponses: number;
    sendRetries: number;
    gaveUp: number;
  };
  ttftMs: {
    all: Percentiles;
    withoutFault: Percentiles;
    /** Sent while others were still signing up (bcrypt takes the cores), and after the last one had. */
    duringSignUps: Percentiles;
    afterSignUps: Percentiles;
  };
  signIn: { users: number; signedIn: number; ms: Percentiles };
  replicas: {
    label: string;
    peakRssBytes: number;
    exitCode: number | null | undefined;
    peakLoopDelayMs: number;
    peakLoopDelayAt: number | null;
  }[];
  crashes: ReplicaCrash[];
  postgres: PostgresPeaks;
  chaos: {
    sigterm: (ChaosEvent & DrainOutcome) | null;
    redisRestart: (ChaosEvent & { downMs: number }) | null;
  };
  durationsMs: { setup: number; run: number; settle: number };
  /** API log lines (warn and above) by message, most frequent first. */
  logSummary: LogSummaryEntry[];
  /** Per violation: the API log lines that mention its ids. */
  logEvidence: Map<Violation, string[]>;
  logDir: string;
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.progress ?? (() => {});
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const logDir = options.logDir ?? (await mkdtemp(path.join(os.tmpdir(), "xqt5-soak-")));
  await mkdir(logDir, { recursive: true });
  const database = options.databaseName ?? `xqt5_soak_${runId}`;
  const setupStarted = Date.now();
  const databaseUrl = await createPostgresDatabase(options.databaseAdminUrl, database);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const redis = await RedisServer.start({ persistIn: options.redisPersist ? logDir : undefined });
    cleanup.push(() => redis.stop());
    const provider = await startProviderSide(
      {
        rate: options.faultRate,
        seed: options.seed,
        kinds: options.faultKinds,
        retryAfterSeconds: 1,
        ...(options.stallMs > 0 ? { stallMs: options.stallMs } : {}),
      },
      options.tokenDelayMs,
    );
    cleanup.push(() => provider.stop());
    const unlimited = "1000000";
    const replicas = await Replicas.start(
      {
        ...provider.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        JWT_SECRET: randomBytes(32).toString("hex"),
        ENCRYPTION_KEY: randomBytes(32).toString("hex"),
        NODE_ENV: "production",
        LOG_LEVEL: options.logLevel,
        PWA_DIST: "/nonexistent",
        DEFAULT_MODEL: SOAK_MODEL,
        SHUTDOWN_GRACE_MS: String(options.graceMs),
        SHUTDOWN_DELAY_MS: String(options.delayMs),
        PROVIDER_IDLE_TIMEOUT_MS: String(options.idleTimeoutMs),
        RATE_LIMIT_REQUESTS_PER_MINUTE: unlimited,
        RATE_LIMIT_MESSAGES_PER_MINUTE: unlimited,
        AUTH_RATE_LIMIT_PER_IP: unlimited,
        AUTH_RATE_LIMIT_PER_ACCOUNT: unlimited,
      },
      options.cpuProfileDir,
    );
    cleanup.push(() => replicas.stopAll());
    const balancer = new LoadBalancer(replicas, seededRandom(options.seed + 7));
    cleanup.push(async () => balancer.stop());
    const postgres = samplePostgres(options.databaseAdminUrl, database);
    cleanup.push(() => postgres.stop());
    const setupMs = Date.now() - setupStarted;
    log(`stack ready in ${(setupMs / 1000).toFixed(1)} s (logs in ${logDir}); ${options.users} users start`);

    const counters = new TrafficCounters();
    const planned = options.users * options.chatsPerUser * options.messagesPerChat;
    const progress: SoakProgress = { expected: planned, sent: 0, following: 0 };
    const answers: AnswerRecord[] = [];
    const context = { options, runId, balancer, counters, progress, answers };
    const runStarted = Date.now();
    let usersDone = false;
    const chaosEvent = (): ChaosEvent => ({
      atSeconds: (Date.now() - runStarted) / 1000,
      at: new Date().toISOString(),
      atShare: progress.sent / Math.max(1, progress.expected),
      answersInProgress: progress.following,
    });
    // Why a fault did not happen, when it did not.
    const missedBecause = new Map<string, string>();
    const reached = async (share: number, what: string) => {
      const waitedFrom = progress.sent;
      while (progress.sent < share * progress.expected && !usersDone) await sleep(50);
      if (!usersDone) return true;
      missedBecause.set(
        what,
        progress.sent >= share * progress.expected && waitedFrom >= share * progress.expected
          ? `its share (${Math.round(share * 100)}%) was passed while the fault before it was still being carried out, and the users finished meanwhile`
          : `the users finished before ${Math.round(share * 100)}% of the messages were sent`,
      );
      return false;
    };
    // A step that fails (a replica that cannot start again) is a finding, not the end of the soak.
    const chaosFailures: string[] = [];
    const chaos = (async () => {
      const result: SoakResult["chaos"] = { sigterm: null, redisRestart: null };
      const step = async (name: string, action: () => Promise<void>) => {
        try {
          await action();
        } catch (error) {
          chaosFailures.push(
            `${name}: ${error instanceof Error ? error.message.slice(0, 2_000) : String(error)}`,
          );
          log(`${name} failed`);
        }
      };
      const sigterm = async () => {
        if (!(await reached(options.sigtermAt, "SIGTERM to replica B"))) return;
        const event = chaosEvent();
        log(`SIGTERM to replica B (${event.answersInProgress} answers in progress)`);
        await step("SIGTERM and restart of replica B", async () => {
          const outcome = await replicas.drainAndRestart("B", () => log("replica B exited; restarting it"));
          result.sigterm = { ...event, ...outcome };
          log(
            `replica B drained in ${(outcome.drainMs / 1000).toFixed(1)} s (exit ${outcome.exitCode}); B2 ready`,
          );
        });
      };
      const redisRestart = async () => {
        if (!(await reached(options.redisRestartAt, "Redis restart"))) return;
        const event = chaosEvent();
        log(`restarting Redis (${event.answersInProgress} answers in progress)`);
        await step("Redis restart", async () => {
          await redis.restart(options.redisDownMs);
          result.redisRestart = { ...event, downMs: options.redisDownMs };
        });
      };
      // One after the other (a replica does not start while Redis is down), in the order of their shares.
      const faults = [
        { at: options.sigtermAt, run: sigterm },
        { at: options.redisRestartAt, run: redisRestart },
      ].sort((a, b) => a.at - b.at);
      for (const fault of faults) await fault.run();
      return result;
    })();
    const ticker = setInterval(
      () =>
        log(
          `${progress.sent}/${progress.expected} sent${progress.expected < planned ? ` (${planned} planned)` : ""}, ` +
            `${progress.following} answers being followed`,
        ),
      5_000,
    );
    let users: UserRecord[];
    try {
      users = await Promise.all(Array.from({ length: options.users }, (_, index) => runUser(context, index)));
    } finally {
      usersDone = true;
      clearInterval(ticker);
    }
    const chaosResult = await chaos;
    const runMs = Date.now() - runStarted;
    log(`users done after ${(runMs / 1000).toFixed(1)} s; waiting for answers to end`);

    // Answers must all be terminal within the settle time (an answer that ended stays ended); provider
    // calls must have ended too, and titles, queued a few at a time after a burst of new chats, get
    // TITLE_BACKLOG_MS more to do so.
    const settleStarted = Date.now();
    for (let round = 0; ; round++) {
      const [streaming, open] = await Promise.all([countStreaming(databaseUrl), provider.activeStreams()]);
      if (streaming === 0 && open === 0) break;
      const waited = Date.now() - settleStarted;
      if (streaming > 0 && waited > options.settleMs) break;
      if (waited > options.settleMs + TITLE_BACKLOG_MS) break;
      // Titles are generated a few at a time, so their queue may outlast the users.
      if (round % 5 === 4) log(`${streaming} answers streaming, ${open} provider calls open`);
      await sleep(1_000);
    }
    const settleMs = Date.now() - settleStarted;
    const { calls, counts } = await provider.calls();
    const stored = await readStoredState(databaseUrl);
    const verdict = verify({ users, answers, stored, calls, messagesPlanned: planned });
    const violations = [...verdict.violations, ...trafficViolations(counters)];
    for (const failure of chaosFailures) {
      violations.push({ invariant: "the soak's faults can be carried out", detail: failure, ids: [] });
    }
    if (!chaosResult.sigterm) {
      if (chaosFailures.length === 0)
        violations.push(missed("SIGTERM to replica B", missedBecause.get("SIGTERM to replica B")));
    } else if (chaosResult.sigterm.exitCode !== 0) {
      violations.push({
        invariant: "a drained replica exits 0",
        detail: `replica B exited with ${chaosResult.sigterm.exitCode} after ${chaosResult.sigterm.drainMs} ms`,
        ids: [],
      });
    }
    if (!chaosResult.redisRestart && chaosFailures.length === 0)
      violations.push(missed("Redis restart", missedBecause.get("Redis restart")));
    for (const crash of replicas.crashes) {
      violations.push({
        invariant: "no replica crashes",
        detail:
          `${crash.label} exited at ${crash.at.slice(11, 23)} with ${crash.exitCode ?? crash.signal} ` +
          `(restarted as ${crash.restartedAs ?? "nothing"}); its last output:\n${crash.lastOutput.replace(/^/gm, "        | ")}`,
        ids: [],
      });
    }

    await balancer.stop();
    counters.picksWithNoneReady = balancer.noneReady;
    await replicas.stopAll();
    replicas.readLoopDelays();
    const logFiles = await replicas.writeLogs(logDir);
    await writeFile(path.join(logDir, "provider-calls.json"), JSON.stringify(calls));
    await writeFile(path.join(logDir, "client-records.json"), JSON.stringify({ users, answers }));
    await writeFile(path.join(logDir, "violations.json"), JSON.stringify(violations, null, 1));
    const logs = await readLogs(logFiles);
    return {
      options,
      runId,
      database,
      violations,
      verdict,
      provider: counts,
      traffic: counters,
      clients: clientFigures(answers),
      ttftMs: ttft(answers, calls),
      signIn: {
        users: users.length,
        signedIn: users.filter((user) => user.signedIn).length,
        ms: percentiles(users.flatMap((user) => (user.signInMs === null ? [] : [user.signInMs]))),
      },
      replicas: replicas.instances.map(
        ({ label, peakRssBytes, exitCode, peakLoopDelayMs, peakLoopDelayAt }) => ({
          label,
          peakRssBytes,
          exitCode,
          peakLoopDelayMs,
          peakLoopDelayAt,
        }),
      ),
      crashes: replicas.crashes,
      postgres: postgres.peaks,
      chaos: chaosResult,
      durationsMs: { setup: setupMs, run: runMs, settle: settleMs },
      logSummary: summarizeLogs(logs),
      logEvidence: evidenceFor(violations, logs),
      logDir,
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    if (!options.keepDatabase) await dropPostgresDatabase(options.databaseAdminUrl, database).catch(() => {});
  }
}

function missed(what: string, why: string | undefined): Violation {
  return {
    invariant: "the faults happen while answers are in progress",
    detail: `${what} did not happen: ${why ?? "the users finished first"}`,
    ids: [],
  };
}

function trafficViolations(counters: TrafficCounters): Violation[] {
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);
  const violations: Violation[] = counters.serverErrors.map((error) => ({
    invariant: "no HTTP 5xx",
    detail: `${error.label} ${error.path} HTTP ${error.status} (sent ${clock(error.sentAt)}, answered ${clock(error.at)}): ${error.body}`,
    ids: [],
  }));
  for (const error of counters.internalErrors) {
    violations.push({
      invariant: "no INTERNAL errors",
      detail: `${error.label} ${error.operation}: ${error.message}`,
      ids: [],
    });
  }
  return violations;
}

function clientFigures(answers: AnswerRecord[]): SoakResult["clients"] {
  let crossReplicaAfterDrop = 0;
  let resubscribedAfterServerEnd = 0;
  let resubscribedAfterError = 0;
  for (const record of answers) {
    record.subscriptions.forEach((subscription, index) => {
      const next = record.subscriptions[index + 1];
      if (!next) return;
      if (subscription.ended === "dropped" && next.label[0] !== subscription.label[0])
        crossReplicaAfterDrop += 1;
      if (subscription.ended === "ended-without-final") resubscribedAfterServerEnd += 1;
      if (subscription.ended === "error") resubscribedAfterError += 1;
    });
  }
  return {
    drops: answers.filter((record) => record.dropped).length,
    crossReplicaAfterDrop,
    resubscribedAfterServerEnd,
    resubscribedAfterError,
    stopsRequested: answers.filter((record) => record.stopRequested).length,
    lostResponses: answers.filter((record) =>
      record.sendAttempts.some((attempt) => attempt.includes("response lost")),
    ).length,
    sendRetries: answers.reduce((sum, record) => sum + Math.max(0, record.sendAttempts.length - 1), 0),
    gaveUp: answers.filter((record) => record.gaveUp).length,
  };
}

/** Time to first token as the client sees it: from sending the message to its first non-empty delta. */
function ttft(answers: AnswerRecord[], calls: FakeCall[]): SoakResult["ttftMs"] {
  const faulted = new Set(calls.filter((call) => call.fault).map((call) => call.lastUserText));
  const times = (records: AnswerRecord[]) =>
    records.flatMap((record) =>
      record.firstDeltaAt === null ? [] : [record.firstDeltaAt - record.sendStartedAt],
    );
  // The sign-ups are over once every user who signs in has sent their first message.
  const firstSends = new Map<number, number>();
  for (const record of answers)
    firstSends.set(record.user, Math.min(firstSends.get(record.user) ?? Infinity, record.sendStartedAt));
  const signUpsOver = Math.max(...firstSends.values());
  return {
    all: percentiles(times(answers)),
    withoutFault: percentiles(times(answers.filter((record) => !faulted.has(record.content)))),
    duringSignUps: percentiles(times(answers.filter((record) => record.sendStartedAt < signUpsOver))),
    afterSignUps: percentiles(times(answers.filter((record) => record.sendStartedAt >= signUpsOver))),
  };
}

/** After the answers, how much longer the soak waits for the queue of titles (4 at a time per replica). */
const TITLE_BACKLOG_MS = 180_000;

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, p50: at(50), p99: at(99) };
}
