import { afterAll, beforeAll, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// A shutdown's grace period is the last moment a provider call may start: a request accepted just
// before the drain, whose answer starts after it, must not call the provider (the soak found one that
// did, was cut before its first token, and left the provider's tokens unbilled).

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  user = await registerUser(app, "drain");
});
afterAll(() => app?.close());

it("an answer starting after the grace period is INTERRUPTED at once, without a provider call", async () => {
  const chat = await createChat(app, user);
  const before = await sendMessage(app, user, { chatId: chat.id, content: "Before the drain" });
  expect((await waitForAnswer(app, user, chat.id, before.assistantMessage.id)).status).toBe("COMPLETE");

  await app.app.services.generator.drain(0);
  const after = await sendMessage(app, user, { chatId: chat.id, content: "After the grace period" });
  const answer = await waitForAnswer(app, user, chat.id, after.assistantMessage.id);

  expect(answer.status).toBe("INTERRUPTED");
  const calledWith = (text: string) =>
    fake.server.requests.filter((request) => JSON.stringify(request.body ?? null).includes(text));
  expect(calledWith("Before the drain").length).toBeGreaterThan(0);
  expect(calledWith("After the grace period")).toHaveLength(0);
  // Nothing was called, so nothing is billed for it.
  expect(await app.database.owner.tokenUsage.count({ where: { messageId: after.assistantMessage.id } })).toBe(
    0,
  );
});
