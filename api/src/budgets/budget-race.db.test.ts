import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { type ApiProcess, startApiProcess } from "../../test/support/api-process.js";
import { SEND_MESSAGE } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";
import { createMigratedDatabase, type TestDatabase, testDbKind } from "../../test/support/test-database.js";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "./worst-case.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const MODEL = "openai/gpt-4.1-mini"; // $0.40 in, $1.60 out per 1M tokens
const SENDS = 50;
const ROOM_FOR = 10;
// The worst case of one "Los" into a new chat: 3 bytes + 2 × 8 for the turns as prompt tokens, and the
// completion's default limit; the budget holds ten of them (and a millionth of a dollar: no eleventh).
const WORST_CASE_USD = ((3 + 16) * 0.4 + DEFAULT_MAX_OUTPUT_TOKENS * 1.6) / 1_000_000;
const LIMIT_USD = Math.round((ROOM_FOR * WORST_CASE_USD + 0.000001) * 1e6) / 1e6;

interface Reply {
  data?: Record<string, { id?: string; assistantMessage?: { id: string } }>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<Reply> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Reply;
}

// On Postgres: two API processes with Redis, as deployed. On PGlite (one process by design): one API.
describe(`${SENDS} parallel sends by one person against a budget with room for ${ROOM_FOR}`, () => {
  const fake = useFakeProviderServer();
  let database: TestDatabase | undefined;
  let replicas: ApiProcess[] = [];
  let embedded: TestApp | undefined;
  let urls: string[] = [];

  beforeAll(async () => {
    if (testDbKind() === "postgres") {
      database = await createMigratedDatabase();
      const env = {
        ...fakeProviderEnv(fake.server),
        DATABASE_URL: database.url as string,
        REDIS_URL,
        JWT_SECRET: randomBytes(32).toString("hex"),
        LOG_LEVEL: "warn",
        NODE_ENV: "test",
        PWA_DIST: "/nonexistent",
        RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
        RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
      };
      replicas = await Promise.all([startApiProcess(env), startApiProcess(env)]);
      urls = replicas.map((replica) => replica.url);
    } else {
      embedded = await startTestApp(fakeProviderEnv(fake.server));
      database = embedded.database;
      urls = [embedded.url];
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    if (embedded) await embedded.close();
    else await database?.close();
  });

  it("admits at most ten in full, refuses the rest with BUDGET_EXCEEDED, and spends no more than the limit", async () => {
    const [first] = urls as [string];
    const adminReply = await post(
      first,
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`,
      {
        input: { username: "race_admin", email: "race_admin@example.com", password: "correct horse battery" },
      },
    );
    const adminToken = (adminReply.data?.register as { accessToken?: string } | undefined)
      ?.accessToken as string;
    const me = await post(first, `{ me { id } }`, {}, adminToken);
    const userId = me.data?.me?.id as string;
    const budget = await post(
      first,
      `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { id } }`,
      { input: { scope: "USER", targetId: userId, limitUsd: LIMIT_USD, period: "MONTH" } },
      adminToken,
    );
    const budgetId = budget.data?.createBudget?.id as string;
    expect(budgetId).toBeDefined();
    const chats = await Promise.all(
      Array.from({ length: SENDS }, (_, index) =>
        post(
          urls[index % urls.length] as string,
          `mutation($input: CreateChatInput) { createChat(input: $input) { id } }`,
          {
            input: { model: MODEL },
          },
          adminToken,
        ),
      ),
    );
    // The answers stall after a few words: every admitted one holds its reservation until stopped.
    fake.server.setScenario({
      text: "Eins zwei drei vier fünf sechs sieben",
      chunking: "words",
      stallAfterChars: 5,
    });

    const replies = await Promise.all(
      chats.map((chat, index) =>
        post(
          urls[index % urls.length] as string,
          SEND_MESSAGE,
          { input: { chatId: chat.data?.createChat?.id, content: "Los" } },
          adminToken,
        ),
      ),
    );
    const admitted = replies.filter((reply) => reply.data?.sendMessage);
    const codes = replies.filter((reply) => reply.errors).map((reply) => reply.errors?.[0]?.extensions?.code);
    expect(admitted).toHaveLength(ROOM_FOR);
    expect(codes).toEqual(Array.from({ length: SENDS - ROOM_FOR }, () => "BUDGET_EXCEEDED"));
    // Each admitted one in full: the provider was asked for the whole default output (the calls are made
    // after sendMessage returns).
    const calls = () => fake.server.requests.filter((request) => request.method === "POST").length;
    for (const until = Date.now() + 15_000; calls() < ROOM_FOR && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const limits = fake.server.requests
      .filter((request) => request.method === "POST")
      .map((request) => (request.body as { max_completion_tokens?: number }).max_completion_tokens);
    expect(limits).toEqual(Array.from({ length: ROOM_FOR }, () => DEFAULT_MAX_OUTPUT_TOKENS));

    const owner = database?.owner;
    if (!owner) throw new Error("no database");
    const held = await owner.budget.findUniqueOrThrow({ where: { id: budgetId } });
    expect(held.reservedUsd.toNumber() + held.spentUsd.toNumber()).toBeLessThanOrEqual(LIMIT_USD);

    await Promise.all(
      admitted.map((reply, index) =>
        post(
          urls[index % urls.length] as string,
          `mutation($id: ID!) { stopGeneration(messageId: $id) { id } }`,
          {
            id: reply.data?.sendMessage?.assistantMessage?.id,
          },
          adminToken,
        ),
      ),
    );
    const deadline = Date.now() + 15_000;
    while ((await owner.tokenUsage.count({ where: { userId } })) < ROOM_FOR) {
      if (Date.now() > deadline) throw new Error("the stopped answers were not all settled");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const settled = await owner.budget.findUniqueOrThrow({ where: { id: budgetId } });
    const events = await owner.tokenUsage.findMany({ where: { userId } });
    const billed = events.reduce((sum, event) => sum + event.estimatedCost.toNumber(), 0);
    expect(settled.reservedUsd.toNumber()).toBe(0);
    expect(settled.spentUsd.toNumber()).toBeCloseTo(billed, 9);
    expect(billed).toBeLessThanOrEqual(LIMIT_USD);
  }, 120_000);
});
