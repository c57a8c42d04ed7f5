// npm run bench: time to first token, relay throughput and memory per open stream of the API,
// each against a reference measured in the same run (the fake provider read directly, a raw
// pass-through proxy). Prints figures; asserts nothing (these machines are noisy).
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   # Postgres (a fresh database)
//   npm run bench                                                              # embedded PGlite
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-sse";
import { createOpenAiAdapter } from "../src/providers/openai.js";
import { startFakeProviderServer } from "../test/fake-provider/server.js";
import { startApiProcess } from "../test/support/api-process.js";
import { CREATE_CHAT, SEND_MESSAGE, type SendResult } from "../test/support/chat-client.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";
import { fakeProviderEnv } from "../test/support/provider-env.js";

const MODEL = "gpt-4.1-mini";
const SHORT_ANSWER = Array.from({ length: 40 }, (_, index) => `wort${index}`).join(" ");
const LONG_ANSWER = Array.from({ length: 20_000 }, (_, index) => `w${index}`).join(" ");
const MEMORY_STREAMS = Number(process.env.BENCH_MEMORY_STREAMS ?? 200);
const CONCURRENT_STREAMS = Number(process.env.BENCH_CONCURRENCY ?? 500);

const fake = await startFakeProviderServer();
const adminUrl = process.env.BENCH_DATABASE_URL;
const databaseName = `xqt5_bench_${Date.now().toString(36)}`;
const dataDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-bench-"));
const databaseEnv: Record<string, string> = adminUrl
  ? { DATABASE_URL: await createPostgresDatabase(adminUrl, databaseName) }
  : { DATA_DIR: dataDir };
const api = await startApiProcess({
  ...fakeProviderEnv(fake),
  ...databaseEnv,
  NODE_ENV: "production",
  JWT_SECRET: randomBytes(32).toString("hex"),
  LOG_LEVEL: "error",
  PWA_DIST: "/nonexistent",
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function gql<Data>(query: string, variables: Record<string, unknown>, token?: string): Promise<Data> {
  const response = await fetch(`${api.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: Data; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const { register } = await gql<{ register: { accessToken: string } }>(
  `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`,
  { input: { username: "bench", email: "bench@example.com", password: "benchmark password" } },
);
const token = register.accessToken;
const sse = createClient({
  url: `${api.url}/graphql/stream`,
  headers: { authorization: `Bearer ${token}` },
  retryAttempts: 0,
});

/** One answer through the API: sendMessage, then follow it; times to the first delta and to the end. */
async function throughApi(chatId: string, content: string, onOpen?: () => void) {
  const start = performance.now();
  const { sendMessage } = await gql<{ sendMessage: SendResult }>(
    SEND_MESSAGE,
    { input: { chatId, content } },
    token,
  );
  let firstDelta = 0;
  let deltas = 0;
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
            firstDelta = performance.now();
            onOpen?.();
          }
          deltas += 1;
        },
        error: reject,
        complete: resolve,
      },
    );
  });
  return {
    ttft: firstDelta - start,
    total: performance.now() - start,
    deltas,
    messageId: sendMessage.assistantMessage.id,
  };
}

/** The same answer read straight from the fake provider with our own adapter. */
async function direct(baseUrl = fake.baseUrls.openai) {
  const adapter = createOpenAiAdapter({ apiKey: fake.apiKey, baseUrl });
  const start = performance.now();
  let firstDelta = 0;
  let deltas = 0;
  for await (const event of adapter.stream(
    { model: MODEL, messages: [{ role: "user", content: "direkt" }] },
    new AbortController().signal,
  )) {
    if (event.type !== "delta") continue;
    if (!firstDelta) firstDelta = performance.now();
    deltas += 1;
  }
  return { ttft: firstDelta - start, total: performance.now() - start, deltas };
}

async function newChat() {
  const { createChat } = await gql<{ createChat: { id: string } }>(
    CREATE_CHAT,
    { input: { model: `openai/${MODEL}` } },
    token,
  );
  return createChat.id;
}

function report(label: string, apiTimes: number[], directTimes: number[]) {
  const added = (p: number) => percentile(apiTimes, p) - percentile(directTimes, p);
  console.log(
    `${label.padEnd(28)} API p50 ${ms(percentile(apiTimes, 50))}, p99 ${ms(percentile(apiTimes, 99))} | ` +
      `direct p50 ${ms(percentile(directTimes, 50))}, p99 ${ms(percentile(directTimes, 99))} | ` +
      `added p50 ${ms(added(50))}, p99 ${ms(added(99))}`,
  );
}

console.log(
  `XQT5 streaming benchmark — database: ${adminUrl ? "Postgres" : "PGlite (embedded)"}, fake provider with zero delay\n`,
);

// Time to first token, one stream at a time.
fake.setScenario({ text: SHORT_ANSWER, chunking: "words", delayMs: 0 });
const chatId = await newChat();
for (let warmup = 0; warmup < 5; warmup++) {
  await throughApi(chatId, "warm up");
  await direct();
}
const singleApi: number[] = [];
const singleDirect: number[] = [];
for (let run = 0; run < 50; run++) {
  singleApi.push((await throughApi(await newChat(), "einzeln")).ttft);
  singleDirect.push((await direct()).ttft);
}
report("TTFT, 1 stream", singleApi, singleDirect);

// Time to first token with many streams at once.
const chats = await Promise.all(Array.from({ length: CONCURRENT_STREAMS }, () => newChat()));
const manyApi = await Promise.all(chats.map((id) => throughApi(id, "gleichzeitig")));
const manyDirect = await Promise.all(chats.map(() => direct()));
report(
  `TTFT, ${CONCURRENT_STREAMS} streams`,
  manyApi.map((result) => result.ttft),
  manyDirect.map((result) => result.ttft),
);

// Relay throughput: a 20,000-token answer through the API vs through a raw pass-through proxy.
const passThrough = createServer(async (req, res) => {
  const body = await new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
  });
  const upstream = await fetch(`${fake.baseUrls.openai}${req.url?.replace(/^\/v1/, "") ?? ""}`, {
    method: req.method,
    headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
    body,
  });
  res.writeHead(upstream.status, {
    "content-type": upstream.headers.get("content-type") ?? "text/event-stream",
  });
  for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
});
await new Promise<void>((resolve) => passThrough.listen(0, "127.0.0.1", resolve));
const passThroughUrl = `http://127.0.0.1:${(passThrough.address() as { port: number }).port}/v1`;
fake.setScenario({ text: LONG_ANSWER, chunking: "words", delayMs: 0 });
const rates = { api: [] as number[], raw: [] as number[] };
for (let run = 0; run < 3; run++) {
  const viaApi = await throughApi(await newChat(), "viel Text");
  rates.api.push(viaApi.deltas / ((viaApi.total - viaApi.ttft) / 1000));
  const viaProxy = await direct(passThroughUrl);
  rates.raw.push(viaProxy.deltas / ((viaProxy.total - viaProxy.ttft) / 1000));
}
const apiRate = percentile(rates.api, 50);
const rawRate = percentile(rates.raw, 50);
console.log(
  `${"Relay throughput".padEnd(28)} API ${Math.round(apiRate)} tokens/s | raw pass-through ${Math.round(rawRate)} tokens/s | ` +
    `ratio ${(apiRate / rawRate).toFixed(2)}×`,
);

// Memory per open stream: answers that stall after their first words keep their streams open.
const rss = () =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${api.process.pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
fake.setScenario({ text: LONG_ANSWER, chunking: "words", delayMs: 0, stallAfterChars: 20 });
const memoryChats = await Promise.all(Array.from({ length: MEMORY_STREAMS }, () => newChat()));
await new Promise((resolve) => setTimeout(resolve, 1_000));
const before = rss();
let opened = 0;
const allOpen = new Promise<void>((resolve) => {
  for (const id of memoryChats) {
    void throughApi(id, "offen halten", () => {
      opened += 1;
      if (opened === MEMORY_STREAMS) resolve();
    }).catch(() => {});
  }
});
await allOpen;
await new Promise((resolve) => setTimeout(resolve, 2_000));
const after = rss();
console.log(
  `${"Memory per open stream".padEnd(28)} ${((after - before) / MEMORY_STREAMS / 1024).toFixed(1)} KB ` +
    `(API RSS ${(before / 1048576).toFixed(0)} → ${(after / 1048576).toFixed(0)} MB with ${MEMORY_STREAMS} open streams)`,
);

console.log(
  "\nTargets: added TTFT p50 ≤ 3 ms and p99 ≤ 25 ms at 500 streams; throughput ≥ 0.8× raw; ≤ 64 KB per open stream.",
);

sse.dispose();
passThrough.close();
await api.stop("SIGKILL");
await fake.close();
if (adminUrl) await dropPostgresDatabase(adminUrl, databaseName);
await rm(dataDir, { recursive: true, force: true });
process.exit(0);
