import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { type ApiProcess, startApiProcess } from "../../test/support/api-process.js";
import { CREATE_CHAT, SEND_MESSAGE, type SendResult } from "../../test/support/chat-client.js";
import { graphqlAt, signUp } from "../../test/support/graphql-at.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { createMigratedDatabase, testDbKind } from "../../test/support/test-database.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// Two processes need one database they can both reach: real Postgres, not an in-process PGlite.
describe.skipIf(testDbKind() !== "postgres")("two API replicas with REDIS_URL", () => {
  const fake = useFakeProviderServer();
  let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let replicaA: ApiProcess;
  let replicaB: ApiProcess;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const env = {
      ...fakeProviderEnv(fake.server),
      DATABASE_URL: database.url!,
      REDIS_URL,
      JWT_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
      PWA_DIST: "/nonexistent",
    };
    [replicaA, replicaB] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await database?.close();
  });

  it("an answer generated on replica A is followed, and stopped, from replica B", async () => {
    const text = Array.from({ length: 120 }, (_, index) => `Token${index} ä`).join(" ");
    fake.server.setScenario({ text, chunking: "words", delayMs: 10 });
    const onA = graphqlAt(replicaA.url);
    const onB = graphqlAt(replicaB.url);
    const token = await signUp(onA, "replica_user");
    const { createChat } = await onA<{ createChat: { id: string } }>(
      CREATE_CHAT,
      { input: { model: "openai/gpt-4.1-mini" } },
      token,
    );
    const { sendMessage } = await onA<{ sendMessage: SendResult }>(
      SEND_MESSAGE,
      { input: { chatId: createChat.id, content: "Über zwei Replikas" } },
      token,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const followed = await followAnswer(replicaB.url, token, sendMessage.assistantMessage.id);
    expect(followed.errors).toEqual([]);
    expect(followed.text).toBe(text);
    expect(followed.last?.message).toMatchObject({ status: "COMPLETE", content: text });

    // A stop sent to B reaches the generation on A.
    fake.server.setScenario({ text, chunking: "words", delayMs: 20 });
    const second = await onA<{ sendMessage: SendResult }>(
      SEND_MESSAGE,
      {
        input: { chatId: createChat.id, content: "Und jetzt stoppen" },
      },
      token,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { stopGeneration } = await onB<{ stopGeneration: { status: string; content: string } }>(
      `mutation($id: ID!) { stopGeneration(messageId: $id) { status content } }`,
      { id: second.sendMessage.assistantMessage.id },
      token,
    );
    expect(stopGeneration.status).toBe("STOPPED");
    expect(text.startsWith(stopGeneration.content)).toBe(true);
    expect(stopGeneration.content.length).toBeLessThan(text.length);
  });
});
