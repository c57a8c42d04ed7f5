import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp({
    GRAPHQL_MAX_DEPTH: "6",
    GRAPHQL_MAX_ALIASES: "5",
    GRAPHQL_MAX_DIRECTIVES: "5",
    GRAPHQL_MAX_TOKENS: "400",
    GRAPHQL_MAX_COST: "300",
    MAX_REQUEST_BODY_BYTES: "20000",
  });
  user = await registerUser(app, "armored");
});
afterAll(() => app?.close());

const firstError = (result: { errors?: { message: string; extensions?: { code?: string } }[] }) =>
  result.errors?.[0];

describe("GraphQL Armor limits", () => {
  it("rejects deep nesting", async () => {
    const result = await app.gql(
      `{ chats { edges { node { messages { edges { node { usage { costUsd } } } } } } } }`,
      {},
      { token: user.accessToken },
    );
    expect(result.response.status).toBe(400);
    expect(firstError(result)?.message).toMatch(/depth/i);
    expect(firstError(result)?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("rejects an alias flood", async () => {
    const aliases = Array.from({ length: 6 }, (_, index) => `a${index}: me { id }`).join(" ");
    const result = await app.gql(`{ ${aliases} }`, {}, { token: user.accessToken });
    expect(firstError(result)?.message).toMatch(/alias/i);
    expect(firstError(result)?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("rejects too many directives", async () => {
    const directives = Array.from({ length: 6 }, () => "@include(if: true)").join(" ");
    const result = await app.gql(`{ me ${directives} { id } }`, {}, { token: user.accessToken });
    expect(firstError(result)?.message).toMatch(/directive/i);
    expect(firstError(result)?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("rejects a huge query by its tokens", async () => {
    const fields = Array.from({ length: 500 }, () => "id").join(" ");
    const result = await app.gql(`{ me { ${fields} } }`, {}, { token: user.accessToken });
    expect(result.response.status).toBe(400);
    expect(firstError(result)?.message).toMatch(/token/i);
    expect(firstError(result)?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("rejects an operation whose estimated cost is too high", async () => {
    const result = await app.gql(
      `{ chats { edges { node { id title messages { edges { node { id content usage { costUsd promptTokens } } } } } } } }`,
      {},
      { token: user.accessToken },
    );
    expect(firstError(result)?.message).toMatch(/cost|depth/i);
    expect(firstError(result)?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("rejects a too costly operation on /graphql/stream as a GraphQL error, not a server error", async () => {
    const response = await fetch(`${app.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${user.accessToken}`,
      },
      body: JSON.stringify({ query: "query { chats(first: 191649) { edges { node { id } } } }" }),
    });
    expect(response.status).toBeLessThan(500);
    const body = await response.text();
    expect(body).toContain("QUERY_TOO_COMPLEX");
  });

  it("rejects bodies over MAX_REQUEST_BODY_BYTES with 413 and batched requests with 4xx", async () => {
    const big = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(30_000) } }),
    });
    expect(big.status).toBe(413);
    const batch = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.status).toBeLessThan(500);
  });

  it("answers a body that is no JSON without quoting it back", async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query": "{ me { id } }", "variables": {"password": "hunter2-secret" }',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("invalid JSON");
    expect(text).not.toContain("hunter2-secret");
  });

  it("counts a chunked body (no Content-Length) as it arrives: 413 once past the limit, the rest is never read", async () => {
    for (const endpoint of ["/graphql", "/graphql/stream"]) {
      const total = 64 * 1024 * 1024;
      const { status, sentBytes } = await sendChunked(`${app.url}${endpoint}`, total);
      expect(status, endpoint).toBe(413);
      // The connection closed long before the client was through: the server read the limit (20 kB),
      // the kernel's socket buffers took a few MB more, and nothing else was taken in.
      expect(sentBytes, endpoint).toBeLessThan(total / 4);
    }
    // A chunked body within the limit is an ordinary request.
    const small = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([JSON.stringify({ query: "{ __typename }" })]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(small.status).toBe(200);
  });
});

/** POSTs `totalBytes` of JSON-looking padding in 64 kB chunks without Content-Length; how far it got. */
function sendChunked(
  url: string,
  totalBytes: number,
): Promise<{ status: number | undefined; sentBytes: number }> {
  return new Promise((resolve) => {
    let sentBytes = 0;
    let status: number | undefined;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      resolve({ status, sentBytes });
    };
    const request = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    request.on("response", (response) => {
      status = response.statusCode;
      response.resume();
      response.on("end", () => {
        request.destroy();
        done();
      });
    });
    request.on("error", done);
    request.on("close", done);
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      while (!finished && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) return request.once("drain", pump);
      }
      if (!finished) request.end();
    };
    request.write('{"query":"{ __typename }","padding":"');
    pump();
  });
}

describe("rate limits", () => {
  let limited: TestApp;
  let alice: SignedIn;
  beforeAll(async () => {
    limited = await startTestApp({
      ...fakeProviderEnv(fake.server),
      RATE_LIMIT_REQUESTS_PER_MINUTE: "8",
      RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE: "3",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "2",
    });
    alice = await registerUser(limited, "limited");
  });
  afterAll(() => limited?.close());

  it("limits messages per minute for sendMessage, with RATE_LIMITED, retryAfter, 429 and RateLimit headers", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const chat = await createChat(limited, alice, { model: "openai/gpt-4.1-mini" });
    const send = (content: string) =>
      limited.gql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
        {
          input: { chatId: chat.id, content },
        },
        { token: alice.accessToken },
      );
    expect((await send("eins")).errors).toBeUndefined();
    const second = await send("zwei");
    expect(second.errors).toBeUndefined();
    expect(second.response.headers.get("ratelimit-limit")).toBe("2");
    expect(second.response.headers.get("ratelimit-remaining")).toBe("0");
    const third = await send("drei");
    expect(third.response.status).toBe(429);
    expect(firstError(third)?.extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(third.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(Number(third.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.database.owner.message.count({ where: { chatId: chat.id, role: "user" } })).toBe(2);
  });

  it("counts regenerations and edits against the message limit: every provider call does", async () => {
    fake.server.reset();
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const carol = await registerUser(limited, "regenerator");
    const chat = await createChat(limited, carol, { model: "openai/gpt-4.1-mini" });
    const sent = await limited.gql<{
      sendMessage: { userMessage: { id: string }; assistantMessage: { id: string } };
    }>(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } assistantMessage { id } } }`,
      { input: { chatId: chat.id, content: "eins", stream: false } },
      { token: carol.accessToken },
    );
    const answerId = sent.data?.sendMessage.assistantMessage.id;
    const regenerate = await limited.gql<{ regenerateMessage: { id: string } }>(
      `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`,
      { id: answerId },
      { token: carol.accessToken },
    );
    expect(regenerate.errors).toBeUndefined();
    // The regenerated answer's call and the chat's title are made in the background: count once both arrived.
    const callsFor = (model: string) =>
      fake.server.requests.filter(
        (request) => (request.body as { model?: string } | undefined)?.model === model,
      ).length;
    await vi.waitFor(() => {
      expect(callsFor("gpt-4.1-mini")).toBe(2);
      expect(callsFor("gpt-4.1-nano")).toBe(1);
    });
    const calls = fake.server.requests.length;
    const edit = await limited.gql(
      `mutation($id: ID!) { editMessage(messageId: $id, content: "zwei") { assistantMessage { id } } }`,
      { id: sent.data?.sendMessage.userMessage.id },
      { token: carol.accessToken },
    );
    expect(edit.response.status).toBe(429);
    expect(firstError(edit)?.extensions?.code).toBe("RATE_LIMITED");
    expect(fake.server.requests.length).toBe(calls);
  });

  it("limits requests per user and per API key", async () => {
    const bob = await registerUser(limited, "bob");
    const created = await limited.gql<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "k" }) { secret } }`,
      {},
      { token: bob.accessToken },
    );
    const secret = created.data!.createApiKey.secret;
    const viaKey = [];
    for (let index = 0; index < 4; index++)
      viaKey.push(await limited.gql(`{ me { id } }`, {}, { token: secret }));
    expect(viaKey.slice(0, 3).every((result) => result.errors === undefined)).toBe(true);
    expect(firstError(viaKey[3]!)?.extensions?.code).toBe("RATE_LIMITED");

    const codes: (string | undefined)[] = [];
    for (let index = 0; index < 10; index++) {
      codes.push(
        firstError(await limited.gql(`{ me { id } }`, {}, { token: bob.accessToken }))?.extensions?.code,
      );
    }
    expect(codes.filter((code) => code === "RATE_LIMITED").length).toBeGreaterThan(0);
    expect(codes[0]).toBeUndefined();
  });
});

describe("production settings", () => {
  let production: TestApp;
  beforeAll(async () => {
    production = await startTestApp({
      NODE_ENV: "production",
      JWT_SECRET: "a-very-long-production-secret-for-tests-only",
      ENCRYPTION_KEY: "a-very-long-production-encryption-key-for-tests",
      GRAPHQL_INTROSPECTION: "false",
    });
  });
  afterAll(() => production?.close());

  it("turns field suggestions off and introspection off when GRAPHQL_INTROSPECTION=false", async () => {
    const typo = await production.gql(`{ mee { id } }`);
    expect(firstError(typo)?.message).not.toMatch(/did you mean/i);
    const introspection = await production.gql(`{ __schema { types { name } } }`);
    expect(introspection.errors?.length).toBeGreaterThan(0);
    expect(introspection.data?.__schema).toBeUndefined();
  });

  it("keeps introspection on by default and suggests fields in development", async () => {
    const introspection = await app.gql<{ __schema: { types: unknown[] } }>(
      `{ __schema { queryType { name } } }`,
    );
    expect(introspection.errors).toBeUndefined();
    const typo = await app.gql(`{ mee { id } }`);
    expect(firstError(typo)?.message).toMatch(/did you mean/i);
  });
});

describe("default limits", () => {
  it("let every operation of the PWA and the documented examples through", async () => {
    const defaults = await startTestApp();
    try {
      const file = defaults.config.PERSISTED_OPERATIONS_FILE;
      const documents: string[] = existsSync(file)
        ? Object.values(JSON.parse(readFileSync(file, "utf8")))
        : [];
      documents.push(
        `query($id: ID!) { chat(id: $id) { id title model temperature assistant { id name icon }
          messages(last: 100) { edges { cursor node { id role content status model createdAt error { code message }
          usage { promptTokens completionTokens cachedTokens reasoningTokens costUsd } } } pageInfo { hasPreviousPage startCursor } } } }`,
        `{ usage { requests promptTokens completionTokens costUsd byModel { model requests promptTokens completionTokens costUsd } byDay { day requests costUsd } } }`,
      );
      for (const query of documents) {
        const result = await defaults.gql(query, {});
        const codes = (result.errors ?? []).map((error) => error.extensions?.code);
        expect(codes, query.slice(0, 80)).not.toContain("QUERY_TOO_COMPLEX");
      }
    } finally {
      await defaults.close();
    }
  });
});

describe("sign-in limits behind a proxy (TRUST_PROXY=1)", () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startTestApp({ TRUST_PROXY: "1", AUTH_RATE_LIMIT_PER_IP: "3" });
  });
  afterAll(() => proxied?.close());

  it("a client that invents the leftmost X-Forwarded-For entry gets no fresh bucket", async () => {
    const attempt = (spoofed: string) =>
      proxied.gql(
        `mutation { login(input: { login: "nobody", password: "wrong password" }) { accessToken } }`,
        {},
        // What nginx forwards: whatever the client sent, then the address it saw.
        { headers: { "x-forwarded-for": `${spoofed}, 203.0.113.7` } },
      );
    const codes = [];
    for (const spoofed of ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"])
      codes.push((await attempt(spoofed)).errors?.[0]?.extensions?.code);
    expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    // Another client behind the same proxy has its own bucket.
    const other = await proxied.gql(
      `mutation { login(input: { login: "nobody", password: "wrong password" }) { accessToken } }`,
      {},
      { headers: { "x-forwarded-for": "198.51.100.20" } },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
