import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChat } from "../../test/support/chat-client.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// A few thousand random and malformed requests — also with NUL bytes, half characters and forged
// cursors: every answer must be a clean GraphQL error or an HTTP 4xx, never a 5xx or INTERNAL, and the
// server must stay up.

let app: TestApp;
let user: SignedIn;
let chatId: string;

beforeAll(async () => {
  app = await startTestApp();
  user = await registerUser(app, "fuzzer");
  chatId = (await createChat(app, user)).id;
});

const b64 = (text: string) => Buffer.from(text).toString("base64");
// Text no database can store, and cursors this API never handed out.
const NASTY_TEXT = [`a${String.fromCharCode(0)}b`, "\ud800", "x\udfff", "\u0007\u001b[31m", "%_\\", ""];
const FORGED_CURSORS = [b64("GPC:S:not-a-uuid"), b64("GPC:N:5"), b64("GPC:S:"), b64("xyz"), "!!!", ""];
afterAll(() => app?.close());

/** mulberry32: a small seeded generator, so a failure can be replayed with the printed seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = [
  "me",
  "chats",
  "chat",
  "models",
  "usage",
  "assistants",
  "templates",
  "apiKeys",
  "renderTemplate",
  "__typename",
  "nope",
  "__schema",
];
const MUTATIONS = [
  "sendMessage",
  "createChat",
  "updateChat",
  "deleteChat",
  "login",
  "register",
  "stopGeneration",
  "createAssistant",
  "createApiKey",
  "revokeApiKey",
];
const VALUES = [
  '"x"',
  "1",
  "-1",
  "1.5",
  "true",
  "null",
  "[]",
  "{}",
  '"00000000-0000-0000-0000-000000000000"',
  "$v",
  "ENUM",
  `"${"é".repeat(50)}"`,
  '"a\\u0000b"',
  '"\\ud800"',
  `"${b64("GPC:S:not-a-uuid")}"`,
];

function makeRequest(next: () => number): {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
} {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const field = pick(FIELDS);
  const mutation = pick(MUTATIONS);
  const args = () =>
    `(${pick(["id", "input", "first", "after", "search", "messageId", "values"])}: ${pick(VALUES)})`;
  const queries = [
    `{ ${field} }`,
    `{ ${field} ${args()} { id } }`,
    `mutation { ${mutation} ${args()} { __typename } }`,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
    `{ ${"{".repeat(Math.floor(next() * 200))} }`,
    `query { chats(first: ${Math.floor(next() * 1e6) - 5e5}) { edges { node { id } } } }`,
    `subscription { messageStream(messageId: "${pick(["x", "00000000-0000-0000-0000-000000000000"])}") { __typename } }`,
    `query($a: String, $b: String) { chats(first: 2, after: $a) { edges { node { messages(last: 1, before: $b) { edges { node { id } } } } } } }`,
    `query($id: ID!, $a: String) { chat(id: $id) { messages(first: 1, after: $a) { edges { node { id } } } } }`,
    `mutation($t: String, $s: String) { createChat(input: { title: $t }) { id } chats(search: $s) { edges { node { id } } } }`,
    `mutation($n: String!, $p: String!) { createAssistant(input: { name: $n, systemPrompt: $p }) { id } }`,
    pick(FIELDS) + "}".repeat(3),
    "",
  ];
  const variables = pick([
    undefined,
    { input: { chatId: pick(["x", 5, null]), content: "y".repeat(Math.floor(next() * 100_000)) } },
    { input: { chatId, content: pick(NASTY_TEXT), model: pick(["", "openai/nope", null]) } },
    { a: pick(FORGED_CURSORS), b: pick(FORGED_CURSORS), id: chatId },
    { t: pick(NASTY_TEXT), s: pick(NASTY_TEXT), n: pick(NASTY_TEXT), p: pick(NASTY_TEXT) },
    { input: "not an object" },
    { v: { deeply: { nested: [1, 2, { x: null }] } } },
    [1, 2, 3],
  ]);
  const bodies = [
    JSON.stringify({ query: pick(queries), variables }),
    JSON.stringify({ query: Math.floor(next() * 100) }),
    JSON.stringify({ query: pick(queries), operationName: 42 }),
    JSON.stringify([{ query: "{ __typename }" }]),
    JSON.stringify({ query: pick(queries) }).slice(0, Math.floor(next() * 40)),
    Array.from({ length: Math.floor(next() * 200) }, () =>
      String.fromCharCode(Math.floor(next() * 0x2fff)),
    ).join(""),
    "null",
    '{"query": "{ me { id } }", "variables": "not json"}',
  ];
  const method = pick(["POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"]);
  const headers: Record<string, string> = {
    "content-type": pick([
      "application/json",
      "application/json",
      "text/plain",
      "application/graphql+json",
      "multipart/form-data; boundary=x",
    ]),
    accept: pick([
      "application/json",
      "application/graphql-response+json",
      "text/event-stream",
      "*/*",
      "text/html",
    ]),
  };
  if (next() < 0.5)
    headers.authorization = pick([
      `Bearer ${user.accessToken}`,
      "Bearer garbage",
      "Basic abc",
      `Bearer xqt5_${"z".repeat(43)}`,
      "Bearer ",
    ]);
  const path = pick([
    "/graphql",
    "/graphql",
    "/graphql/stream",
    `/graphql?query=${encodeURIComponent(pick(queries))}`,
  ]);
  return { method, path, headers, body: method === "GET" || method === "OPTIONS" ? undefined : pick(bodies) };
}

describe("fuzzing the GraphQL endpoint", () => {
  it("answers a few thousand random and malformed requests without a single server error", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const total = 2_500;
    const failures: string[] = [];
    let index = 0;
    const worker = async () => {
      while (index < total) {
        index += 1;
        const request = makeRequest(next);
        const controller = new AbortController();
        // Subscriptions that happen to be valid stay open; what matters is how they started.
        const timer = setTimeout(() => controller.abort(), 2_000);
        try {
          const response = await fetch(`${app.url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: controller.signal,
          });
          const text = response.headers.get("content-type")?.includes("event-stream")
            ? ""
            : await response.text();
          if (response.status >= 500)
            failures.push(
              `${response.status} ${request.method} ${request.path} ${request.body?.slice(0, 120)} → ${text.slice(0, 200)}`,
            );
          if (response.headers.get("content-type")?.includes("json") && text) {
            const body = JSON.parse(text);
            if (typeof body !== "object" || body === null || !("errors" in body || "data" in body)) {
              failures.push(`not a GraphQL response: ${text.slice(0, 200)}`);
            }
            if (/at \/|\.ts:\d|prisma|syntax error at or near/i.test(text))
              failures.push(`internals leaked: ${text.slice(0, 300)}`);
            // INTERNAL means a resolver crashed on input it should have refused cleanly.
            if (text.includes('"INTERNAL"'))
              failures.push(
                `internal error for ${request.method} ${decodeURIComponent(request.path)} ${request.body?.slice(0, 200)} → ${text.slice(0, 300)}`,
              );
          }
          controller.abort();
        } catch (error) {
          if (!controller.signal.aborted) failures.push(`request failed: ${(error as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures, `seed ${seed}`).toEqual([]);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await app.gql(`{ me { id } }`, {}, { token: user.accessToken })).data).toBeTruthy();
  }, 180_000);
});
