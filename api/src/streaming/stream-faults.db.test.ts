import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { RedisServer } from "../../test/support/redis-server.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, startTestApp, type TestApp } from "../../test/support/test-app.js";

// Redis goes away while answers are followed: the process stays up, the answer is generated on,
// and clients that follow again find all of it.

const fake = useFakeProviderServer();
let redis: RedisServer;
let app: TestApp;

beforeAll(async () => {
  redis = await RedisServer.start();
  app = await startTestApp({
    ...fakeProviderEnv(fake.server),
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString("hex"),
  });
});
afterAll(async () => {
  await app?.close();
  await redis?.stop();
});

describe("a stream whose bus fails", () => {
  it("keeps the process up and the subscription alive; the answer goes on and is found whole", async () => {
    const user = await registerUser(app, "redis_gone");
    const chat = await createChat(app, user);
    fake.server.setScenario({
      text: Array.from({ length: 150 }, (_, index) => `w${index}`).join(" "),
      delayMs: 10,
    });
    const pair = await sendMessage(app, user, { chatId: chat.id, content: "Erzähl" });

    await redis.stop();
    // Subscribed while Redis is away: it follows from the database until Redis is back, then catches up.
    const during = followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    await redis.launch();
    const saved = await waitForAnswer(app, user, chat.id, pair.assistantMessage.id, 30_000);
    expect(saved.status).toBe("COMPLETE");
    const followed = await during;
    expect(followed.errors).toEqual([]);
    expect(followed.text).toBe(saved.content);
    expect(followed.last).toMatchObject({ __typename: "MessageCompleted" });
    const after = await followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
    expect(after.text).toBe(saved.content);
    expect(after.last).toMatchObject({ __typename: "MessageCompleted" });
  }, 60_000);

  it("an answer that vanishes under its followers ends their streams with NOT_FOUND, not the process", async () => {
    const user = await registerUser(app, "vanished");
    const chat = await createChat(app, user);
    fake.server.setScenario({
      text: Array.from({ length: 100 }, (_, index) => `w${index}`).join(" "),
      delayMs: 10,
    });
    const pair = await sendMessage(app, user, { chatId: chat.id, content: "Erzähl" });
    const following = followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Removed behind the API's back (by hand, or by a tenant's deletion job).
    await app.database.owner.chat.delete({ where: { id: chat.id } });
    const followed = await following;
    expect(JSON.stringify(followed.errors)).toContain("NOT_FOUND");
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
