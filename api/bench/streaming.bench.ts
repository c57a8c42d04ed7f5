// npm run bench: time to first token, relay throughput and memory per open stream of the API,
// each against a reference measured in the same run (the fake provider read directly, a raw
// pass-through proxy). Prints figures; asserts nothing (these machines are noisy).
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   # Postgres (a fresh database)
//   npm run bench                                                              # embedded PGlite
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
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

/**
 * A pass-through proxy in front of the fake OpenAI endpoint, in this process: it notes when it
 * writes the first content of each answer (keyed by the question), so the latency the API adds
 * between "the provider sent a token" and "the client has it" can be measured on one clock.
 * `holdMs` delays each answer so that subscribers are listening before the first token.
 */
const firstTokenWritten = new Map<string, number>();
let holdMs = 0;
const proxy = createServer((req, res) => {
  forward(req, res).catch(() => res.destroy());
});

async function forward(req: IncomingMessage, res: ServerResponse) {
  const body = await new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
  });
  const question =
    (JSON.parse(body || "{}") as { messages?: { content: string }[] }).messages?.at(-1)?.content ?? "";
  const upstream = await fetch(`${fake.baseUrls.openai}${req.url ?? ""}`, {
    method: req.method,
    headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
    body: req.method === "GET" ? undefined : body,
  });
  if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
  res.writeHead(upstream.status, {
    "content-type": upstream.headers.get("content-type") ?? "text/event-stream",
  });
  for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
    if (!firstTokenWritten.has(question) && Buffer.from(chunk).toString().includes('"content":"')) {
      firstTokenWritten.set(question, performance.now());
    }
    res.write(chunk);
  }
  res.end();
}
await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

const adminUrl = process.env.BENCH_DATABASE_URL;
const databaseName = `xqt5_bench_${Date.now().toString(36)}`;
const dataDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-bench-"));
const databaseEnv: Record<string, string> = adminUrl
  ? { DATABASE_URL: await createPostgresDatabase(adminUrl, databaseName) }
  : { DATA_DIR: dataDir };
const api = await startApiProcess({
  ...fakeProviderEnv(fake),
  OPENAI_BASE_URL: proxyUrl,
  ...databaseEnv,
  NODE_ENV: "production",
  JWT_SECRET: randomBytes(32).toString("hex"),
  LOG_LEVEL: "error",
  PWA_DIST: "/nonexistent",
  // One bench user sends hundreds of messages a minute.
  RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
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

let questionCounter = 0;
const uniqueQuestion = (label: string) => `${label} #${++questionCounter}`;

/**
 * One answer through the API: sendMessage, then follow it. `relay`: from the proxy writing the first
 * token to this client having it; `ttft`: from sendMessage to the first delta (includes saving the
 * message and opening the subscription).
 */
async function throughApi(chatId: string, label: string, onOpen?: () => void) {
  const content = uniqueQuestion(label);
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
  const relay = firstDelta - (firstTokenWritten.get(content) ?? Number.NaN);
  return { ttft: firstDelta - start, relay, total: performance.now() - start, deltas };
}

/** The same answer read straight from the proxy with our own adapter: the reference. */
async function direct(label: string) {
  const content = uniqueQuestion(label);
  const adapter = createOpenAiAdapter({ apiKey: fake.apiKey, baseUrl: proxyUrl });
  const start = performance.now();
  let firstDelta = 0;
  let deltas = 0;
  const request = { model: MODEL, messages: [{ role: "user" as const, content }] };
  for await (const event of adapter.stream(request, new AbortController().signal)) {
    if (event.type !== "delta") continue;
    if (!firstDelta) firstDelta = performance.now();
    deltas += 1;
  }
  const relay = firstDelta - (firstTokenWritten.get(content) ?? Number.NaN);
  return { ttft: firstDelta - start, relay, total: performance.now() - start, deltas };
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
  const ttfts = viaApi.map((row) => row.ttft);
  console.log(
    `${"".padEnd(26)} end to end (sendMessage → first delta): p50 ${ms(percentile(ttfts, 50))}, p99 ${ms(percentile(ttfts, 99))}; ` +
      `direct request → first delta p50 ${ms(
        percentile(
          reference.map((row) => row.ttft),
          50,
        ),
      )}`,
  );
}

// Time to first token, one stream at a time. The proxy holds each answer 50 ms so the subscriber listens.
fake.setScenario({ text: SHORT_ANSWER, chunking: "words", delayMs: 0 });
holdMs = 50;
const chatId = await newChat();
for (let warmup = 0; warmup < 5; warmup++) {
  await throughApi(chatId, "warm up");
  await direct("warm up");
}
const single = {
  api: [] as Awaited<ReturnType<typeof throughApi>>[],
  direct: [] as Awaited<ReturnType<typeof direct>>[],
};
for (let run = 0; run < 50; run++) {
  single.api.push(await throughApi(await newChat(), "einzeln"));
  single.direct.push(await direct("einzeln"));
}
report("TTFT, 1 stream", single.api, single.direct);

// Many streams at once; the hold is longer so that all of them are subscribed before tokens flow.
holdMs = 1_500;
const chats = await Promise.all(Array.from({ length: CONCURRENT_STREAMS }, () => newChat()));
const manyApi = await Promise.all(chats.map((id) => throughApi(id, "gleichzeitig")));
const manyDirect = await Promise.all(chats.map(() => direct("gleichzeitig")));
report(`TTFT, ${CONCURRENT_STREAMS} streams`, manyApi, manyDirect);
holdMs = 0;

// Relay throughput: a 20,000-token answer through the API vs read through the raw pass-through proxy.
fake.setScenario({ text: LONG_ANSWER, chunking: "words", delayMs: 0 });
const rates = { api: [] as number[], raw: [] as number[] };
for (let run = 0; run < 3; run++) {
  const viaApi = await throughApi(await newChat(), "viel Text");
  rates.api.push(viaApi.deltas / ((viaApi.total - viaApi.ttft) / 1000));
  const viaProxy = await direct("viel Text");
  rates.raw.push(viaProxy.deltas / ((viaProxy.total - viaProxy.ttft) / 1000));
}
const apiRate = percentile(rates.api, 50);
const rawRate = percentile(rates.raw, 50);
console.log(
  `${"Relay throughput".padEnd(26)} API ${Math.round(apiRate)} tokens/s | raw pass-through ${Math.round(rawRate)} tokens/s | ` +
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

// Streams are still open on purpose (memory test); end quietly.
process.on("unhandledRejection", () => {});
sse.dispose();
proxy.close();
await api.stop("SIGKILL");
await fake.close();
if (adminUrl) await dropPostgresDatabase(adminUrl, databaseName);
await rm(dataDir, { recursive: true, force: true });
process.exit(0);
