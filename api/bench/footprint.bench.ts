// How much memory the idle API holds and how fast it starts, on Postgres and on the embedded PGlite,
// as the production image runs it (compiled JavaScript, `node dist/main.js`) and as development runs it
// (`tsx src/main.ts`), beside a minimal Node HTTP server started the same way: the ratios hold on a noisy
// machine where the absolute figures do not. Then the memory with 200 answers streaming at once.
//
//   npm run bench:footprint -w api     (BENCH_DATABASE_URL: an admin URL of the Postgres to use)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "graphql-sse";
import { startFakeProviderServer } from "../test/fake-provider/server.js";
import { apiProcessEnv, freePort } from "../test/support/api-process.js";
import { CREATE_CHAT, SEND_MESSAGE, type SendResult } from "../test/support/chat-client.js";
import { graphqlAt, signUp } from "../test/support/graphql-at.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";
import { fakeProviderEnv } from "../test/support/provider-env.js";

const API_ROOT = path.resolve(import.meta.dirname, "..");
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const STREAMS = Number(process.env.BENCH_MEMORY_STREAMS ?? 200);
/** Idle means: ready, then left alone this long (timers of the start have run). */
const IDLE_SETTLE_MS = 3_000;
/** How often /readyz is asked during a start: the start time is exact to this; more often would itself fill the heap. */
const POLL_MS = 25;
/** The streams are read this long after the last one opened (the burst of starting them has passed). */
const STREAMS_SETTLE_MS = Number(process.env.BENCH_STREAMS_SETTLE_MS ?? 1_000);
/** Node options to try on the API (e.g. "--max-semi-space-size=4"); the reference runs without them. */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
/** "idle", "streams" or both (default). */
const SECTIONS = (process.env.BENCH_SECTIONS ?? "idle,streams").split(",");
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

if (!existsSync(path.join(API_ROOT, "dist/main.js"))) {
  console.error("api/dist is missing: run `npm run build -w api` first (npm run bench:footprint does).");
  process.exit(1);
}

type Runner = "compiled" | "tsx" | "reference";
const COMMANDS: Record<Runner, string[]> = {
  compiled: ["--enable-source-maps", "dist/main.js"],
  tsx: ["--import", "tsx", "src/main.ts"],
  // The reference: Node and a plain HTTP server, nothing else.
  reference: [
    "-e",
    "require('node:http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST)",
  ],
};

interface Started {
  url: string;
  pid: number;
  /** From spawning the process to the first 200 of /readyz. */
  startMs: number;
  output(): string;
  stop(): Promise<void>;
}

async function start(runner: Runner, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const begun = performance.now();
  const nodeArgs = runner === "reference" ? [] : EXTRA_NODE_ARGS;
  // As the image runs it (api/Dockerfile's ENV).
  const imageEnv: Record<string, string> = runner === "compiled" ? { MALLOC_ARENA_MAX: "2" } : {};
  const child = spawn(process.execPath, [...nodeArgs, ...COMMANDS[runner]], {
    cwd: API_ROOT,
    env: apiProcessEnv(port, { ...imageEnv, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const probe = runner === "reference" ? url : `${url}/readyz`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${runner} exited (${child.exitCode}):\n${output}`);
    if (
      await fetch(probe).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (performance.now() - begun > 120_000) throw new Error(`${runner} not ready after 120 s:\n${output}`);
    await sleep(POLL_MS);
  }
  const startMs = performance.now() - begun;
  return {
    url,
    pid: child.pid as number,
    startMs,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Resident memory of a process, as the kernel counts it (what a container's limit applies to). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const mb = (value: number) => `${value.toFixed(0)} MB`;
const msText = (value: number) => `${value.toFixed(0)} ms`;

/** Starts it STARTS times (with the environment `env` gives for each), measuring start time and idle RSS; medians. */
async function measure(runner: Runner, env: () => Record<string, string>) {
  const starts: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < STARTS; run++) {
    const started = await start(runner, env());
    await sleep(IDLE_SETTLE_MS);
    starts.push(started.startMs);
    rss.push(await rssMb(started.pid));
    await started.stop();
  }
  return { startMs: median(starts), rssMb: median(rss) };
}

const baseEnv = {
  NODE_ENV: "production",
  JWT_SECRET: randomBytes(32).toString("hex"),
  ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  LOG_LEVEL: "warn",
  PWA_DIST: "/nonexistent",
  RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
};
const scratch = await mkdtemp(path.join(os.tmpdir(), "xqt5-footprint-"));
let dataDirs = 0;
const freshDataDir = () => ({ DATA_DIR: path.join(scratch, `fresh-${++dataDirs}`) });
const existingDataDir = { DATA_DIR: path.join(scratch, "existing") };

const databaseName = `xqt5_footprint_${Date.now().toString(36)}`;
const postgresUrl = await createPostgresDatabase(ADMIN_URL, databaseName).catch((error: unknown) => {
  console.log(`Postgres not reachable at ${ADMIN_URL} (${String(error)}): its rows are skipped.\n`);
  return null;
});
const postgresEnv = postgresUrl ? { DATABASE_URL: postgresUrl } : null;

// Migrations applied (and the existing data folder created) once before anything is measured.
for (const env of [postgresEnv, existingDataDir]) {
  if (env) await (await start("compiled", { ...baseEnv, ...env })).stop();
}

console.log(
  `XQT5 footprint — idle = ready, then ${IDLE_SETTLE_MS / 1000} s without a request; medians of ${STARTS} starts; RSS from /proc;\n` +
    "compiled = as the image runs it (node --enable-source-maps dist/main.js, MALLOC_ARENA_MAX=2)\n",
);
const reference = await measure("reference", () => baseEnv);
const row = (label: string, figures: { startMs: number; rssMb: number }) =>
  console.log(
    `${label.padEnd(48)} start → ready ${msText(figures.startMs).padStart(7)} (${(figures.startMs / reference.startMs).toFixed(1)}× reference) | ` +
      `idle RSS ${mb(figures.rssMb).padStart(7)} (${(figures.rssMb / reference.rssMb).toFixed(1)}× reference)`,
  );
row("Reference: minimal Node HTTP server", reference);
const idle: Partial<Record<"postgres" | "pglite", number>> = {};
for (const runner of SECTIONS.includes("idle") ? (["compiled", "tsx"] as const) : []) {
  const how = runner === "compiled" ? "node dist/main.js" : "tsx src/main.ts";
  if (postgresEnv) {
    const figures = await measure(runner, () => ({ ...baseEnv, ...postgresEnv }));
    if (runner === "compiled") idle.postgres = figures.rssMb;
    row(`API, Postgres (migrated), ${how}`, figures);
  }
  const existing = await measure(runner, () => ({ ...baseEnv, ...existingDataDir }));
  if (runner === "compiled") idle.pglite = existing.rssMb;
  row(`API, PGlite (existing data), ${how}`, existing);
  if (runner === "compiled") {
    row(
      `API, PGlite (fresh data folder), ${how}`,
      await measure(runner, () => ({ ...baseEnv, ...freshDataDir() })),
    );
  }
}

// Memory with answers streaming: every answer stalls after its first words, so its provider connection
// and its subscriber stay open while the RSS is read. Read three times: idle after the start, after a
// warm-up (40 answers: the code paths have run, caches and the heap have grown to their working size),
// and with the answers streaming.
const WARM_UP_ANSWERS = 40;
const provider = await startFakeProviderServer();

interface StreamFigures {
  idle: number;
  warm: number;
  open: number;
}

async function withOpenStreams(env: Record<string, string>): Promise<StreamFigures> {
  const api = await start("compiled", { ...baseEnv, ...fakeProviderEnv(provider), ...env });
  try {
    await sleep(IDLE_SETTLE_MS);
    const idleRss = await rssMb(api.pid);
    const gql = graphqlAt(api.url);
    const token = await signUp(gql, `footprint${randomBytes(3).toString("hex")}`);
    const newChats = (count: number) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          const { createChat } = await gql<{ createChat: { id: string } }>(
            CREATE_CHAT,
            { input: { model: "openai/gpt-4.1-mini" } },
            token,
          );
          return createChat.id;
        }),
      );
    const sse = createClient({
      url: `${api.url}/graphql/stream`,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    /** Sends one message to each chat and follows its answer until its first text, or until it ends. */
    const answers = (chats: string[], content: string, until: "text" | "end") =>
      Promise.all(
        chats.map(async (chatId) => {
          const { sendMessage } = await gql<{ sendMessage: SendResult }>(
            SEND_MESSAGE,
            { input: { chatId, content } },
            token,
          );
          await new Promise<void>((resolve, reject) => {
            sse.subscribe<{ messageStream: { __typename: string } }>(
              {
                query: `subscription($id: ID!) { messageStream(messageId: $id) { __typename } }`,
                variables: { id: sendMessage.assistantMessage.id },
              },
              {
                next: ({ data }) => {
                  if (until === "text" && data?.messageStream.__typename === "MessageDelta") resolve();
                },
                error: reject,
                complete: resolve,
              },
            );
          });
        }),
      );
    await answers(await newChats(WARM_UP_ANSWERS), "Ein kurzer Gruß zum Aufwärmen", "end");
    const chats = await newChats(STREAMS);
    await sleep(IDLE_SETTLE_MS);
    const warmRss = await rssMb(api.pid);
    await answers(chats, "Bitte lange antworten [[fake:stall]]", "text");
    await sleep(STREAMS_SETTLE_MS);
    const openRss = await rssMb(api.pid);
    sse.dispose();
    return { idle: idleRss, warm: warmRss, open: openRss };
  } finally {
    await api.stop();
  }
}

console.log("");
const perStream = (from: number, to: number) => `${(((to - from) * 1024) / STREAMS).toFixed(0)} KB`;
for (const [label, env] of [
  ["Postgres", postgresEnv],
  ["PGlite", existingDataDir],
] as const) {
  if (!env || !SECTIONS.includes("streams")) continue;
  const figures = await withOpenStreams(env);
  console.log(
    `${`API, ${label}, ${STREAMS} answers streaming`.padEnd(48)} RSS ${mb(figures.open)}: idle ${mb(figures.idle)} ` +
      `(+${perStream(figures.idle, figures.open)} per stream), after ${WARM_UP_ANSWERS} answers ${mb(figures.warm)} ` +
      `(+${perStream(figures.warm, figures.open)} per stream) — each with its provider connection and one subscriber`,
  );
}

console.log(
  `\nTargets: idle RSS ≤ 150 MB on Postgres${idle.postgres ? ` (${mb(idle.postgres)})` : ""}, ≤ 350 MB on PGlite` +
    `${idle.pglite ? ` (${mb(idle.pglite)})` : ""}; start → ready ≤ 1.5 s on Postgres; ≤ idle + 64 KB per open stream.`,
);

await provider.close();
if (postgresUrl) await dropPostgresDatabase(ADMIN_URL, databaseName);
await rm(scratch, { recursive: true, force: true });
