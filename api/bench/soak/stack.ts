import type { ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { CallCounts, FakeCall, FaultOptions } from "../../test/fake-provider/faults.js";
import { type ApiProcess, startApiProcess } from "../../test/support/api-process.js";
import { startAnnouncingProcess } from "../../test/support/env-handshake.js";

// The real stack the soak drives, each part a process of its own: the provider side, a redis-server on
// a port of its own, and two API replicas that can be drained (SIGTERM) and restarted.

const _API_ROOT = path.resolve(import.meta.dirname, "../..");
const LOOP_PROBE = path.resolve(import.meta.dirname, "loop-probe.ts");

/** Every child the soak started, so that none outlives it (also when it fails or is interrupted). */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

export interface ProviderCalls {
  calls: FakeCall[];
  counts: CallCounts;
  activeStreams: number;
}

export interface ProviderSide {
  /** The variables that point an API at the fake provider. */
  env: Record<string, string>;
  calls(): Promise<ProviderCalls>;
  /** Streamed responses still open. */
  activeStreams(): Promise<number>;
  stop(): Promise<void>;
}

export async function startProviderSide(faults: FaultOptions, tokenDelayMs: number): Promise<ProviderSide> {
  const started = await startAnnouncingProcess("bench/soak/provider-side.ts", {
    SOAK_FAULTS: JSON.stringify(faults),
    SOAK_TOKEN_DELAY_MS: String(tokenDelayMs),
  });
  const child = track(started.child);
  const { SOAK_CONTROL_URL: controlUrl, ...env } = started.env;
  return {
    env,
    calls: async () => (await (await fetch(`${controlUrl}/calls`)).json()) as ProviderCalls,
    activeStreams: async () =>
      ((await (await fetch(`${controlUrl}/active`)).json()) as { activeStreams: number }).activeStreams,
    stop: async () => {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

/** One API process over its life, as the soak saw it. */
export interface ApiInstance {
  /** "A", "B", and "B2" for B restarted. */
  label: string;
  slot: "A" | "B";
  api: ApiProcess;
  url: string;
  pid: number;
  peakRssBytes: number;
  startedAt: number;
  /** The worst event-loop delay seen (bench/soak/loop-probe.ts), and when. */
  peakLoopDelayMs: number;
  peakLoopDelayAt: number | null;
  exitCode: number | null | undefined;
}

/** A replica that exited without being asked to. */
export interface ReplicaCrash {
  label: string;
  at: string;
  exitCode: number | null;
  signal: string | null;
  /** The end of its output: the crash's reason. */
  lastOutput: string;
  /** The label of the process started in its place (an orchestrator's restart policy). */
  restartedAs: string | null;
}

export interface DrainOutcome {
  exitCode: number | null;
  /** From SIGTERM to the process's exit. */
  drainMs: number;
  /** From the exit to the new process being ready. */
  restartMs: number;
}

/**
 * Two API replicas on one database and one Redis, their peak RSS sampled every 250 ms. A replica that
 * crashes is recorded and started again in its slot, as an orchestrator's restart policy would.
 */
export class Replicas {
  readonly instances: ApiInstance[] = [];
  readonly crashes: ReplicaCrash[] = [];
  private readonly current = new Map<"A" | "B", ApiInstance>();
  private readonly sampler: NodeJS.Timeout;
  /** Instances asked to stop (SIGTERM or the end of the soak): their exit is no crash. */
  private readonly stopping = new Set<ApiInstance>();
  private stopped = false;

  private constructor(
    private readonly env: Record<string, string>,
    private readonly cpuProfileDir?: string,
  ) {
    this.sampler = setInterval(() => void this.sampleRss(), 250);
    this.sampler.unref();
  }

  static async start(env: Record<string, string>, cpuProfileDir?: string): Promise<Replicas> {
    const replicas = new Replicas(env, cpuProfileDir);
    // One after the other: the first migrates the new database; the second finds it migrated.
    await replicas.launch("A", "A");
    await replicas.launch("B", "B");
    return replicas;
  }

  /** The instance serving `slot` now (after a restart, the new one). */
  instance(slot: "A" | "B"): ApiInstance {
    const instance = this.current.get(slot);
    if (!instance) throw new Error(`no replica in slot ${slot}`);
    return instance;
  }

  /** SIGTERM: the replica drains and exits; then a new process takes its slot (on a new port). */
  async drainAndRestart(slot: "A" | "B", onExited?: () => void): Promise<DrainOutcome> {
    const old = this.instance(slot);
    this.stopping.add(old);
    const signalledAt = Date.now();
    const exitCode = await old.api.stop("SIGTERM");
    old.exitCode = exitCode;
    const exitedAt = Date.now();
    onExited?.();
    const restarted = await this.launch(slot, this.nextLabel(slot));
    return { exitCode, drainMs: exitedAt - signalledAt, restartMs: restarted.startedAt - exitedAt };
  }

  /**
   * Ends every replica still running: SIGKILL (the soak is over, nothing of theirs is checked after),
   * or SIGTERM when they profile (V8 writes the profile on a normal exit).
   */
  async stopAll(): Promise<void> {
    clearInterval(this.sampler);
    this.stopped = true;
    await Promise.all(
      [...this.current.values()].map(async (instance) => {
        this.stopping.add(instance);
        if (instance.exitCode === undefined)
          instance.exitCode = await instance.api.stop(this.cpuProfileDir ? "SIGTERM" : "SIGKILL");
      }),
    );
  }

  /** Writes each instance's output to `dir/api-<label>.log`. */
  async writeLogs(dir: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const instance of this.instances) {
      const file = path.join(dir, `api-${instance.label}.log`);
      await writeFile(file, instance.api.output());
      files[instance.label] = file;
    }
    return files;
  }

  private async launch(slot: "A" | "B", label: string): Promise<ApiInstance> {
    const profile = this.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${this.cpuProfileDir}`] : [];
    const api = await startApiProcess(this.env, 120_000, [...profile, "--import", LOOP_PROBE]);
    track(api.process);
    if (this.stopped) {
      // A restart that finished after the soak ended.
      await api.stop("SIGKILL");
      throw new Error("the replicas were stopped meanwhile");
    }
    const instance: ApiInstance = {
      label,
      slot,
      api,
      url: api.url,
      pid: api.process.pid ?? 0,
      peakRssBytes: 0,
      startedAt: Date.now(),
      peakLoopDelayMs: 0,
      peakLoopDelayAt: null,
      exitCode: undefined,
    };
    this.instances.push(instance);
    this.current.set(slot, instance);
    // "close", not "exit": by then its output has been read to the end.
    api.process.once("close", (code, signal) => {
      if (this.stopping.has(instance)) return;
      instance.exitCode = code;
      const crash: ReplicaCrash = {
        label,
        at: new Date().toISOString(),
        exitCode: code,
        signal,
        lastOutput: api
          .output()
          .trimEnd()
          .split("\n")
          .filter((line) => !line.startsWith("XQT5_LOOP "))
          .slice(-25)
          .map((line) => line.slice(0, 300))
          .join("\n"),
        restartedAs: null,
      };
      this.crashes.push(crash);
      if (this.stopped) return;
      void this.launch(slot, this.nextLabel(slot)).then(
        (restarted) => {
          crash.restartedAs = restarted.label;
        },
        () => {},
      );
    });
    return instance;
  }

  private nextLabel(slot: "A" | "B"): string {
    return `${slot}${this.instances.filter((instance) => instance.slot === slot).length + 1}`;
  }

  /** Reads the loop probe's lines of every instance (call at the end). */
  readLoopDelays(): void {
    for (const instance of this.instances) {
      for (const match of instance.api.output().matchAll(/^XQT5_LOOP (\d+) (\d+)$/gm)) {
        const delay = Number(match[2]);
        if (delay > instance.peakLoopDelayMs) {
          instance.peakLoopDelayMs = delay;
          instance.peakLoopDelayAt = Number(match[1]);
        }
      }
    }
  }

  private async sampleRss() {
    for (const instance of this.current.values()) {
      if (instance.exitCode !== undefined || !instance.pid) continue;
      const status = await readFile(`/proc/${instance.pid}/status`, "utf8").catch(() => "");
      const kilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      instance.peakRssBytes = Math.max(instance.peakRssBytes, kilobytes * 1024);
    }
  }
}

export interface PostgresPeaks {
  connections: number;
  /** Connections waiting for a lock (e.g. an advisory lock): what holds a pool's connections hostage. */
  waitingOnLocks: number;
  idleInTransaction: number;
}

/** Samples the soak database's sessions in pg_stat_activity every second; peaks only. */
export function samplePostgres(
  adminUrl: string,
  database: string,
): { peaks: PostgresPeaks; stop(): Promise<void> } {
  const peaks: PostgresPeaks = { connections: 0, waitingOnLocks: 0, idleInTransaction: 0 };
  const client = new pg.Client({ connectionString: adminUrl });
  let running = true;
  const done = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query(
        `select count(*)::int as connections,
                count(*) filter (where wait_event_type = 'Lock')::int as "waitingOnLocks",
                count(*) filter (where state = 'idle in transaction')::int as "idleInTransaction"
           from pg_stat_activity where datname = $1`,
        [database],
      );
      for (const key of Object.keys(peaks) as (keyof PostgresPeaks)[]) {
        peaks[key] = Math.max(peaks[key], Number(rows[0]?.[key] ?? 0));
      }
      await sleep(1_000);
    }
  })().catch(() => {});
  return {
    peaks,
    stop: async () => {
      running = false;
      await done;
      await client.end().catch(() => {});
    },
  };
}
