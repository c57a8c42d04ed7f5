import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { RedisServer } from "../../test/support/redis-server.js";
import { registerUser, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { createMigratedDatabase } from "../../test/support/test-database.js";

// Two replicas over one database and one Redis: the chat is deleted on one while its answer is
// being generated on the other.

const fake = useFakeProviderServer();
let redis: RedisServer;
let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
let generating: TestApp;
let deleting: TestApp;

beforeAll(async () => {
  redis = await RedisServer.start();
  database = await createMigratedDatabase();
  const env = {
    ...fakeProviderEnv(fake.server),
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString("hex"),
  };
  generating = await startTestApp(env, { database });
  deleting = await startTestApp(env, { database });
});
afterAll(async () => {
  await generating?.close();
  await deleting?.close();
  await database?.close();
  await redis?.stop();
});

describe("deleting a chat while its answer is generated on another replica", () => {
  it("stops the answer there, records what it cost, then deletes the chat", async () => {
    const user = await registerUser(generating, "deleter");
    const chat = await createChat(generating, user);
    fake.server.setScenario({
      text: Array.from({ length: 2_000 }, (_, index) => `w${index}`).join(" "),
      delayMs: 5,
    });
    const pair = await sendMessage(generating, user, { chatId: chat.id, content: "Lange Antwort" });
    const deadline = Date.now() + 10_000;
    while (
      !(await database.owner.message.findFirst({
        where: { id: pair.assistantMessage.id, content: { not: "" } },
      }))
    ) {
      if (Date.now() > deadline) throw new Error("the answer never started");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const deleted = await deleting.gql(
      `mutation($id: ID!) { deleteChat(id: $id) }`,
      { id: chat.id },
      { token: user.accessToken },
    );
    expect(deleted.errors, JSON.stringify(deleted.errors)).toBeUndefined();
    expect(await database.owner.chat.findUnique({ where: { id: chat.id } })).toBeNull();
    // The generating replica stopped calling the provider and billed the partial answer.
    expect(generating.app.services.generator.activeCount).toBe(0);
    expect(fake.server.activeStreamCount()).toBe(0);
    const usage = await database.owner.tokenUsage.findMany({
      where: { userId: user.user.id, purpose: "chat" },
    });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ chatId: null, messageId: null });
    expect(usage[0]?.completionTokens).toBeGreaterThan(0);
  }, 30_000);

  it("a stop that meets the deletion answers NOT_FOUND (the answer is gone), never INTERNAL", async () => {
    const user = await registerUser(generating, "stopper");
    fake.server.setScenario({
      text: Array.from({ length: 2_000 }, (_, index) => `w${index}`).join(" "),
      delayMs: 5,
    });
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const chat = await createChat(generating, user);
      const pair = await sendMessage(generating, user, { chatId: chat.id, content: "Lang" });
      // The stop waits for the answer to settle; the deletion stops it too and removes the chat meanwhile.
      const [stopped] = await Promise.all([
        generating.gql<{ stopGeneration: { status: string } }>(
          `mutation($id: ID!) { stopGeneration(messageId: $id) { status } }`,
          { id: pair.assistantMessage.id },
          {
            token: user.accessToken,
          },
        ),
        deleting.gql(
          `mutation($id: ID!) { deleteChat(id: $id) }`,
          { id: chat.id },
          { token: user.accessToken },
        ),
      ]);
      outcomes.push(String(stopped.errors?.[0]?.extensions?.code ?? stopped.data?.stopGeneration.status));
    }
    expect(outcomes.filter((outcome) => outcome !== "STOPPED" && outcome !== "NOT_FOUND")).toEqual([]);
  }, 30_000);
});
