// The soak's knobs. `npm run soak` reads them from the environment (soakOptionsFromEnv); the small
// version in `npm test` (test/soak.test.ts) passes its own.
//
//   SOAK_USERS               simulated users (default 200; 500 runs on a 2-core machine)
//   SOAK_CHATS               chats per user (default 2)
//   SOAK_MESSAGES            messages per chat, sent one after the other (default 3)
//   SOAK_SEED                seed of every random choice: faults, drops, lost responses (default 1)
//   SOAK_FAULT_RATE          share of provider calls that fail (default 0.1)
//   SOAK_FAULT_KINDS         comma list of 429,500,cut,stall (default all)
//   SOAK_DROP_RATE           share of answers whose subscriber drops mid-answer and resubscribes (0.05)
//   SOAK_LOST_RESPONSE_RATE  share of sends whose response the client loses (it gives up waiting after a
//                            few ms) and retries on the other replica with the same clientMessageId (0.02)
//   SOAK_STOP_RATE           share of answers the user stops mid-answer (default 0.02)
//   SOAK_TOKEN_DELAY_MS      the fake provider's pause between tokens (default 60: answers take ~2 s)
//   SOAK_RAMP_MS             users start spread over this long (default 5000)
//   SOAK_THINK_MS            a user pauses up to this long between messages (default 800)
//   SOAK_IDLE_TIMEOUT_MS     PROVIDER_IDLE_TIMEOUT_MS of the APIs (default 3000); a stall lasts longer
//   SOAK_STALL_MS            how long a stalled provider call stays silent before it drops the connection
//                            (default 0 = until the API hangs up, like a provider that never answers)
//   SOAK_GRACE_MS            SHUTDOWN_GRACE_MS of the APIs (default 3000)
//   SOAK_DELAY_MS            SHUTDOWN_DELAY_MS of the APIs (default 2000): the load balancer polls /readyz
//                            every 300 ms, so it has stopped routing to a replica before that one drains
//   SOAK_SIGTERM_AT          SIGTERM to replica B (then restarted) once this share of the messages is sent
//                            (default 0.65; of the messages still expected: users who could not sign in
//                            send none)
//   SOAK_REDIS_RESTART_AT    the soak's Redis is restarted once this share is sent (default 0.35). The two
//                            faults come one after the other, in the order of their shares
//   SOAK_REDIS_DOWN_MS       how long Redis stays down (default 1000)
//   SOAK_REDIS_PERSIST       1: Redis keeps its data across the restart (appendfsync always); default 0:
//                            it comes back empty, like a Redis without persistence or a failover
//   SOAK_ANSWER_TIMEOUT_MS   a client gives up sending or following an answer after this long (45000)
//   SOAK_SIGNIN_TIMEOUT_MS   a user gives up signing up / in after this long (default 120000)
//   SOAK_SETTLE_MS           after the run, how long answers may take to become terminal (default 60000)
//   SOAK_DATABASE_URL        Postgres admin URL; the soak creates its own database and drops it
//                            (default postgres://postgres@127.0.0.1:5432/postgres)
//   SOAK_KEEP_DATABASE       1: do not drop the database (its name is printed)
//   SOAK_LOG_LEVEL           LOG_LEVEL of the APIs (default info); their logs are kept in SOAK_LOG_DIR
//   SOAK_LOG_DIR             where logs and the call log are written (default a new directory in /tmp)
//   SOAK_CPU_PROFILE         a directory: each API process writes a V8 CPU profile there (.cpuprofile,
//                            for Chrome DevTools or speedscope); the replicas then end with SIGTERM

import { FAULT_KINDS, type FaultKind } from "../../test/fake-provider/faults.js";

export interface SoakOptions {
  users: number;
  chatsPerUser: number;
  messagesPerChat: number;
  seed: number;
  faultRate: number;
  faultKinds: FaultKind[];
  dropRate: number;
  lostResponseRate: number;
  stopRate: number;
  tokenDelayMs: number;
  rampMs: number;
  thinkMs: number;
  idleTimeoutMs: number;
  stallMs: number;
  graceMs: number;
  delayMs: number;
  sigtermAt: number;
  redisRestartAt: number;
  redisDownMs: number;
  redisPersist: boolean;
  answerTimeoutMs: number;
  signInTimeoutMs: number;
  settleMs: number;
  databaseAdminUrl: string;
  /** Default: xqt5_soak_<run id>. */
  databaseName?: string;
  keepDatabase: boolean;
  logLevel: string;
  /** Default: a new directory in the system's temp dir. */
  logDir?: string;
  /** Where each API process writes its CPU profile (default: no profiles). */
  cpuProfileDir?: string;
  /** Progress lines while running (default: none). */
  progress?: (line: string) => void;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  users: 200,
  chatsPerUser: 2,
  messagesPerChat: 3,
  seed: 1,
  faultRate: 0.1,
  faultKinds: [...FAULT_KINDS],
  dropRate: 0.05,
  lostResponseRate: 0.02,
  stopRate: 0.02,
  tokenDelayMs: 60,
  rampMs: 5_000,
  thinkMs: 800,
  idleTimeoutMs: 3_000,
  stallMs: 0,
  graceMs: 3_000,
  delayMs: 2_000,
  // The short fault first: draining and restarting a replica takes ten seconds on a busy 2-core
  // machine, and a small soak's users may finish meanwhile — a fault after it then never happened.
  sigtermAt: 0.65,
  redisRestartAt: 0.35,
  redisDownMs: 1_000,
  redisPersist: false,
  answerTimeoutMs: 45_000,
  signInTimeoutMs: 120_000,
  settleMs: 60_000,
  databaseAdminUrl: "postgres://postgres@127.0.0.1:5432/postgres",
  keepDatabase: false,
  logLevel: "info",
};

export function soakOptionsFromEnv(env: Record<string, string | undefined> = process.env): SoakOptions {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  const kinds = (env.SOAK_FAULT_KINDS ?? "")
    .split(",")
    .map((kind) => kind.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`SOAK_FAULT_KINDS: unknown ${unknown.join(", ")}`);
  const d = DEFAULT_SOAK_OPTIONS;
  return {
    users: number("SOAK_USERS", d.users),
    chatsPerUser: number("SOAK_CHATS", d.chatsPerUser),
    messagesPerChat: number("SOAK_MESSAGES", d.messagesPerChat),
    seed: number("SOAK_SEED", d.seed),
    faultRate: number("SOAK_FAULT_RATE", d.faultRate),
    faultKinds: kinds.length > 0 ? (kinds as FaultKind[]) : d.faultKinds,
    dropRate: number("SOAK_DROP_RATE", d.dropRate),
    lostResponseRate: number("SOAK_LOST_RESPONSE_RATE", d.lostResponseRate),
    stopRate: number("SOAK_STOP_RATE", d.stopRate),
    tokenDelayMs: number("SOAK_TOKEN_DELAY_MS", d.tokenDelayMs),
    rampMs: number("SOAK_RAMP_MS", d.rampMs),
    thinkMs: number("SOAK_THINK_MS", d.thinkMs),
    idleTimeoutMs: number("SOAK_IDLE_TIMEOUT_MS", d.idleTimeoutMs),
    stallMs: number("SOAK_STALL_MS", d.stallMs),
    graceMs: number("SOAK_GRACE_MS", d.graceMs),
    delayMs: number("SOAK_DELAY_MS", d.delayMs),
    sigtermAt: number("SOAK_SIGTERM_AT", d.sigtermAt),
    redisRestartAt: number("SOAK_REDIS_RESTART_AT", d.redisRestartAt),
    redisDownMs: number("SOAK_REDIS_DOWN_MS", d.redisDownMs),
    redisPersist: env.SOAK_REDIS_PERSIST === "1",
    answerTimeoutMs: number("SOAK_ANSWER_TIMEOUT_MS", d.answerTimeoutMs),
    signInTimeoutMs: number("SOAK_SIGNIN_TIMEOUT_MS", d.signInTimeoutMs),
    settleMs: number("SOAK_SETTLE_MS", d.settleMs),
    databaseAdminUrl: env.SOAK_DATABASE_URL || d.databaseAdminUrl,
    keepDatabase: env.SOAK_KEEP_DATABASE === "1",
    logLevel: env.SOAK_LOG_LEVEL || d.logLevel,
    logDir: env.SOAK_LOG_DIR || undefined,
    cpuProfileDir: env.SOAK_CPU_PROFILE || undefined,
  };
}
