import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-sse";
import { createOpenAiAdapter } from "../src/providers/openai.js";
import { startApiProcess } from "../test/support/api-process.js";
import { CREATE_CHAT, SEND_MESSAGE, type SendResult } from "../test/support/chat-client.js";
import { startAnnouncingProcess } from "../test/support/env-handshake.js";
import { graphqlAt, signUp } from "../test/support/graphql-at.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";
import { benchApiEnv } from "./bench-api-env.js";

const MODEL = "gpt-4.1-mini";
const SHORT_ANSWER = Array.from({ length: 40 }, (_, index) => `wort${index}`).join(" ");
const LONG_ANSWER = Array.from({ length: 20_000 }, (_, index) => `w${index}`).join(" ");
const MEMORY_STREAMS = Number(process.env.BENCH_MEMORY_STREAMS ?? 200);
const CONCURRENT_STREAMS = Number(process.env.BENCH_CONCURRENCY ?? 500);
const now = () => performance.timeOrigin + performance.now();

/**
 * The provider side (fake provider + pass-through proxy that notes when it writes each answer's first
 * token) runs as a process of its own, like the API: the latency the API adds is measured between
 * three processes on one wall clock, and none of them shares its event loop with another.
 */
const providerSide = await startAnnouncingProcess("bench/provider-side.ts");
// Also when the bench fails: the provider side must not outlive it.
process.on("exit", () => providerSide.child.kill("SIGTERM"));
const proxyUrl = providerSide.env.BENCH_PROXY_URL as string;
const providerKey = providerSide.env.OPENAI_API_KEY as string;
async function control(action: string, body: unknown = {}) {
  await fetch(`${proxyUrl}/__bench/${action}`, { method: "POST", body: JSON.stringify(body) });
}
async function firstTokenAt(question: string): Promise<number> {
  const url = `${proxyUrl}/__bench/first-token?question=${encodeURIComponent(question)}`;
  const { at } = (await (await fetch(url)).json()) as { at: number | null };
  return at ?? Number.NaN;
}

const adminUrl = process.env.BENCH_DATABASE_URL;
const databaseName = `xqt5_bench_${Date.now().toString(36)}`;
const dataDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-bench-"));
const databaseEnv: Record<string, string> = adminUrl
  ? { DATABASE_URL: await createPostgresDatabase(adminUrl, databaseName) }
  : { DATA_DIR: dataDir };
const { BENCH_PROXY_URL: _proxy, ...providerEnv } = providerSide.env;
const cpuProfileDir = process.env.BENCH_CPU_PROFILE;
const apiEnv = {
  ...providerEnv,
  ...(cpuProfileDir ? { SHUTDOWN_GRACE_MS: "0" } : {}),
  ...databaseEnv,
  ...benchApiEnv(),
};
const startApi = () =>
  startApiProcess(apiEnv, undefined, [
    ...(cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : []),
    "--expose-gc",
    "--import",
    path.resolve(import.meta.dirname, "memory-probe.ts"),
  ]);
let api = await startApi();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** GraphQL against the API process running now (the memory phase starts a fresh one). */
const gql = <Data>(query: string, variables: Record<string, unknown>, token?: string) =>
  graphqlAt(api.url)<Data>(query, variables, token);

const token = await signUp(graphqlAt(api.url), "bench", "benchmark password");
const openSse = () =>
  createClient({
    url: `${api.url}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
let sse = openSse();

let questionCounter = 0;
const uniqueQuestion = (label: string) => `${label} #${++questionCounter}`;

/** The fake provider sends one word per token: tokens relayed = words received (deltas may be merged). */
const wordsIn = (text: string) => text.split(" ").filter(Boolean).length;

async function waitingAtGate(): Promise<number> {
  const { waiting } = (await (await fetch(`${proxyUrl}/__bench/waiting`)).json()) as { waiting: number };
  return waiting;
}

/**
 * Holds the next `count` answers at the proxy until they have all asked the provider and `ready`
 * resolves (e.g. every subscriber is listening), then lets them go at once.
 */
async function releaseWhenHeld(count: number, ready: Promise<unknown>): Promise<void> {
  await ready;
  while ((await waitingAtGate()) < count) await new Promise((resolve) => setTimeout(resolve, 20));
  // The subscriptions are open; give the API a moment to attach them to the answers' streams.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await control("release");
}

/**
 * One answer through the API: sendMessage, then follow it. `relay`: from the proxy writing the first
 * token to this client having it; `ttft`: from sendMessage to the first delta (includes saving the
 * message and opening the subscription). `onConnected`: the subscription is open.
 */
async function throughApi(
  chatId: string,
  label: string,
  hooks: { onConnected?: () => void; onFirstDelta?: () => void } = {},
) {
  const content = uniqueQuestion(label);
  const start = now();
  const { sendMessage } = await gql<{ sendMessage: SendResult }>(
    SEND_MESSAGE,
    { input: { chatId, content } },
    token,
  );
  let firstDelta = 0;
  let text = "";
  await new Promise<void>((resolve, reject) => {
    sse.subscribe<{ messageStream: { __typename: string; text?: string } }>(
      {
        query: `subscription($id: ID!) { messageStream(messageId: $id) { __typename ... on MessageDelta { text } } }`,
        variables: { id: sendMessage.assistantMessage.id },
      },
      {
        next: ({ data }) => {
          if (data?.messageStream.__typename !== "MessageDelta") return;
          if (!firstDelta) {
            firstDelta = now();
            hooks.onFirstDelta?.();
          }
          text += data.messageStream.text ?? "";
        },
        error: reject,
        complete: resolve,
      },
      { connected: () => hooks.onConnected?.() },
    );
  });
  const relay = firstDelta - (await firstTokenAt(content));
  return { ttft: firstDelta - start, relay, total: now() - start, tokens: wordsIn(text) };
}

/** The same answer read straight from the proxy with our own adapter: the reference. */
async function direct(label: string) {
  const content = uniqueQuestion(label);
  const adapter = createOpenAiAdapter({ apiKey: providerKey, baseUrl: proxyUrl });
  const start = now();
  let firstDelta = 0;
  let text = "";
  const request = { model: MODEL, messages: [{ role: "user" as const, content }] };
  for await (const event of adapter.stream(request, new AbortController().signal)) {
    if (event.type !== "delta") continue;
    if (!firstDelta) firstDelta = now();
    text += event.text;
  }
  const relay = firstDelta - (await firstTokenAt(content));
  return { ttft: firstDelta - start, relay, total: now() - start, tokens: wordsIn(text) };
}

/** `count` answers through the API at once, all subscribed before the first token leaves the proxy. */
async function manyThroughApi(chats: string[], label: string) {
  await control("hold");
  let connected = 0;
  let allConnected: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    allConnected = resolve;
  });
  const runs = chats.map((id) =>
    throughApi(id, label, {
      onConnected: () => {
        connected += 1;
        if (connected === chats.length) allConnected();
      },
    }),
  );
  await releaseWhenHeld(chats.length, subscribed);
  return Promise.all(runs);
}

/** `count` direct reads at once, all released together. */
async function manyDirect(count: number, label: string) {
  await control("hold");
  const runs = Array.from({ length: count }, () => direct(label));
  await releaseWhenHeld(count, Promise.resolve());
  return Promise.all(runs);
}

async function newChat() {
  const { createChat } = await gql<{ createChat: { id: string } }>(
    CREATE_CHAT,
    { input: { model: `openai/${MODEL}` } },
    token,
  );
  return createChat.id;
}

console.log(
  `XQT5 streaming benchmark — database: ${adminUrl ? "Postgres" : "PGlite (embedded)"}, fake provider with zero delay\n`,
);

function report(
  label: string,
  viaApi: { relay: number; ttft: number }[],
  reference: { relay: number; ttft: number }[],
) {
  const pick = (rows: { relay: number }[]) => rows.map((row) => row.relay);
  const added = (p: number) => percentile(pick(viaApi), p) - percentile(pick(reference), p);
  console.log(
    `${label.padEnd(26)} token→client: API p50 ${ms(percentile(pick(viaApi), 50))}, p99 ${ms(percentile(pick(viaApi), 99))} | ` +
      `direct p50 ${ms(percentile(pick(reference), 50))}, p99 ${ms(percentile(pick(reference), 99))} | ` +
      `added p50 ${ms(added(50))}, p99 ${ms(added(99))}`,
  );
}

// Time to first token, one stream at a time: each answer is held at the proxy until its subscriber listens.
await control("scenario", { text: SHORT_ANSWER, chunking: "words", delayMs: 0 });
const warmUpChat = await newChat();
for (let warmup = 0; warmup < 5; warmup++) {
  await manyThroughApi([warmUpChat], "warm up");
  await direct("warm up");
}
const single = {
  api: [] as Awaited<ReturnType<typeof throughApi>>[],
  direct: [] as Awaited<ReturnType<typeof direct>>[],
};
for (let run = 0; run < 50; run++) {
  single.api.push(...(await manyThroughApi([await newChat()], "einzeln")));
  single.direct.push(await direct("einzeln"));
}
report("TTFT, 1 stream", single.api, single.direct);

// Many streams at once: all subscribed, then every answer leaves the proxy at the same moment.
const chats = await Promise.all(Array.from({ length: CONCURRENT_STREAMS }, () => newChat()));
const concurrentApi = await manyThroughApi(chats, "gleichzeitig");
const concurrentDirect = await manyDirect(CONCURRENT_STREAMS, "gleichzeitig");
report(`TTFT, ${CONCURRENT_STREAMS} streams`, concurrentApi, concurrentDirect);

// Relay throughput: a 20,000-token answer through the API vs read through the raw pass-through proxy.
await control("scenario", { text: LONG_ANSWER, chunking: "words", delayMs: 0 });
const rates = { api: [] as number[], raw: [] as number[] };
const tokensPerSecond = (run: { tokens: number; total: number; ttft: number }) =>
  run.tokens / ((run.total - run.ttft) / 1000);
for (let run = 0; run < 3; run++) {
  rates.api.push(tokensPerSecond(await throughApi(await newChat(), "viel Text")));
  rates.raw.push(tokensPerSecond(await direct("viel Text")));
}
const apiRate = percentile(rates.api, 50);
const rawRate = percentile(rates.raw, 50);
console.log(
  `${"Relay throughput".padEnd(26)} API ${Math.round(apiRate)} tokens/s | raw pass-through ${Math.round(rawRate)} tokens/s | ` +
    `ratio ${(apiRate / rawRate).toFixed(2)}×`,
);

// Memory per open stream, in a fresh API process (the phases before leave garbage behind): answers
// that stall after their first words keep their streams open.
sse.dispose();
await api.stop(cpuProfileDir ? "SIGTERM" : "SIGKILL");
api = await startApi();
sse = openSse();
await control("scenario", { text: SHORT_ANSWER, chunking: "words", delayMs: 0 });
for (let warmup = 0; warmup < 10; warmup++) await throughApi(warmUpChat, "warm up");
/** The API's memory after a full garbage collection (bench/memory-probe.ts, loaded into the API process). */
async function memoryInUse(): Promise<{ heapUsed: number; external: number; rss: number }> {
  const seen = api.output().split("XQT5_MEMORY ").length;
  api.process.kill("SIGUSR2");
  for (;;) {
    const reports = api.output().split("XQT5_MEMORY ");
    if (reports.length > seen) return JSON.parse(reports.at(-1)?.split("\n")[0] ?? "{}");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
await control("scenario", { text: LONG_ANSWER, chunking: "words", delayMs: 0, stallAfterChars: 20 });
const memoryChats = await Promise.all(Array.from({ length: MEMORY_STREAMS }, () => newChat()));
const before = await memoryInUse();
let opened = 0;
const allOpen = new Promise<void>((resolve) => {
  for (const id of memoryChats) {
    void throughApi(id, "offen halten", {
      onFirstDelta: () => {
        opened += 1;
        if (opened === MEMORY_STREAMS) resolve();
      },
    }).catch(() => {});
  }
});
await allOpen;
const after = await memoryInUse();
const perStream = (key: "heapUsed" | "external" | "rss") => (after[key] - before[key]) / MEMORY_STREAMS;
console.log(
  `${"Memory per open stream".padEnd(26)} ${kb(perStream("heapUsed") + perStream("external"))} live (JS heap ${kb(perStream("heapUsed"))} + ` +
    `buffers ${kb(perStream("external"))}) after a full GC ` +
    `(RSS +${kb(perStream("rss"))}, which keeps what the GC freed) — ${MEMORY_STREAMS} answers in progress, ` +
    `each with its provider connection and one subscriber`,
);

console.log(
  "\nTargets: added TTFT p50 ≤ 3 ms and p99 ≤ 25 ms at 500 streams; throughput ≥ 0.8× raw; ≤ 64 KB per open stream.",
);

// Streams are still open on purpose (memory test); end quietly.
process.on("unhandledRejection", () => {});
sse.dispose();
// A CPU profile is written when the process exits by itself (SIGTERM), not when it is killed.
await api.stop(cpuProfileDir ? "SIGTERM" : "SIGKILL");
if (cpuProfileDir) console.log(`CPU profile of the API in ${cpuProfileDir}`);
providerSide.child.kill("SIGTERM");
if (adminUrl) await dropPostgresDatabase(adminUrl, databaseName);
await rm(dataDir, { recursive: true, force: true });
process.exit(0);
