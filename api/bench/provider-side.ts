// The bench's provider side, in a process of its own (so neither the API nor the measuring client
// shares its event loop): the fake provider, and a pass-through proxy in front of its OpenAI endpoint
// that notes when it writes the first content of each answer. Times are wall-clock milliseconds
// (performance.timeOrigin + performance.now()), comparable across the bench's processes.
//
// Control, on the proxy's own paths:
//   POST /__bench/scenario  {…}            the fake provider's scenario
//   POST /__bench/hold                     answers wait (after the provider answered) until released
//   POST /__bench/release                  lets every waiting answer go
//   GET  /__bench/waiting                  {"waiting": n} answers held at the gate
//   GET  /__bench/first-token?question=…   {"at": ms} when the proxy wrote that answer's first content
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { startFakeProviderServer } from "../test/fake-provider/server.js";
import { announceEnv } from "../test/support/env-handshake.js";
import { fakeProviderEnv } from "../test/support/provider-env.js";

const fake = await startFakeProviderServer();
const firstTokenWritten = new Map<string, number>();
let gate: Promise<void> | null = null;
let waiting = 0;
let release: () => void = () => {};
const now = () => performance.timeOrigin + performance.now();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
  if (url.pathname === "/__bench/scenario") {
    fake.setScenario(JSON.parse(await readBody(req)));
  } else if (url.pathname === "/__bench/hold") {
    gate ??= new Promise((resolve) => {
      release = resolve;
    });
  } else if (url.pathname === "/__bench/release") {
    release();
    gate = null;
  } else if (url.pathname === "/__bench/waiting") {
    return json(res, { waiting });
  } else if (url.pathname === "/__bench/first-token") {
    return json(res, { at: firstTokenWritten.get(url.searchParams.get("question") ?? "") ?? null });
  }
  json(res, { ok: true });
}

async function forward(req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  const question =
    (JSON.parse(body || "{}") as { messages?: { content: string }[] }).messages?.at(-1)?.content ?? "";
  const upstream = await fetch(`${fake.baseUrls.openai}${req.url ?? ""}`, {
    method: req.method,
    headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
    body: req.method === "GET" ? undefined : body,
  });
  if (gate) {
    waiting += 1;
    await gate;
    waiting -= 1;
  }
  res.writeHead(upstream.status, {
    "content-type": upstream.headers.get("content-type") ?? "text/event-stream",
  });
  for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
    if (!firstTokenWritten.has(question) && Buffer.from(chunk).toString().includes('"content":"')) {
      firstTokenWritten.set(question, now());
    }
    res.write(chunk);
  }
  res.end();
}

const proxy = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const handled = url.pathname.startsWith("/__bench/") ? control(req, res, url) : forward(req, res);
  handled.catch(() => res.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

const env = { ...fakeProviderEnv(fake), OPENAI_BASE_URL: proxyUrl, BENCH_PROXY_URL: proxyUrl };
announceEnv(env);

const stop = () => {
  proxy.close();
  void fake.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
