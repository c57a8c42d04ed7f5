import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// Message mutations of one chat are serialised: whatever arrives while another one waits for an
// answer to stop, the chat keeps its order and nobody gets INTERNAL.

const LEASE_MS = 1_200;
const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server), {
    timings: {
      answerLease: { durationMs: LEASE_MS, renewEveryMs: 200, sweepEveryMs: 60_000 },
      followIdleCheckMs: 150,
    },
  });
  user = await registerUser(app, "serial");
});
afterAll(() => app?.close());

const REGENERATE = `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`;
const EDIT = `mutation($id: ID!, $content: String!) { editMessage(messageId: $id, content: $content) { assistantMessage { id } } }`;
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

/**
 * A chat whose last answer is being generated on another replica (as far as this one can tell: it
 * is streaming, leased, and not generated here). Stopping it waits until that lease runs out.
 */
async function chatWithRemoteAnswer() {
  const chat = await createChat(app, user);
  const first = await sendMessage(app, user, { chatId: chat.id, content: "Erste Frage" });
  await waitForAnswer(app, user, chat.id, first.assistantMessage.id);
  await app.database.owner.message.update({
    where: { id: first.assistantMessage.id },
    data: { status: "streaming", leaseExpiresAt: new Date(Date.now() + LEASE_MS) },
  });
  return { chat, question: first.userMessage, answer: first.assistantMessage };
}

async function conversation(chatId: string) {
  const messages = await app.database.owner.message.findMany({
    where: { chatId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return messages.map((message) => ({
    role: message.role,
    content: message.content,
    replyToId: message.replyToId,
    id: message.id,
  }));
}

describe("one chat, concurrent message mutations", () => {
  it("a message sent while a regeneration waits for the old answer to stop keeps the chat in order", async () => {
    const { chat, question, answer } = await chatWithRemoteAnswer();
    const regeneration = app.gql(REGENERATE, { id: answer.id }, { token: user.accessToken });
    await sleep(200);
    const second = await sendMessage(app, user, { chatId: chat.id, content: "Zweite Frage" });
    expect(codeOf(await regeneration)).toBe("BAD_USER_INPUT");
    await waitForAnswer(app, user, chat.id, second.assistantMessage.id);

    const messages = await conversation(chat.id);
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[1]).toMatchObject({ id: answer.id, replyToId: question.id });
    expect(messages[3]).toMatchObject({ id: second.assistantMessage.id, replyToId: second.userMessage.id });
  });

  it("two regenerations of one answer at once: one new answer, the other CONFLICT — never INTERNAL", async () => {
    const { chat, question, answer } = await chatWithRemoteAnswer();
    const results = await Promise.all([
      app.gql<{ regenerateMessage: { id: string } }>(
        REGENERATE,
        { id: answer.id },
        { token: user.accessToken },
      ),
      app.gql<{ regenerateMessage: { id: string } }>(
        REGENERATE,
        { id: answer.id },
        { token: user.accessToken },
      ),
    ]);
    expect(results.map(codeOf).sort()).toEqual(["CONFLICT", undefined]);
    const regenerated = results.find((result) => result.data)?.data?.regenerateMessage.id as string;
    await waitForAnswer(app, user, chat.id, regenerated);
    const messages = await conversation(chat.id);
    expect(messages.map((message) => [message.role, message.replyToId])).toEqual([
      ["user", null],
      ["assistant", question.id],
    ]);
    expect(messages[1]?.id).toBe(regenerated);
  });

  it("an edit that waits for the answer to stop loses to a message sent meanwhile, and says so", async () => {
    const { chat, question } = await chatWithRemoteAnswer();
    const edit = app.gql(EDIT, { id: question.id, content: "Geänderte Frage" }, { token: user.accessToken });
    await sleep(200);
    const second = await sendMessage(app, user, { chatId: chat.id, content: "Zweite Frage" });
    expect(codeOf(await edit)).toBe("BAD_USER_INPUT");
    await waitForAnswer(app, user, chat.id, second.assistantMessage.id);
    const messages = await conversation(chat.id);
    expect(messages.map((message) => message.content.slice(0, 12))).toEqual([
      "Erste Frage",
      expect.any(String),
      "Zweite Frage",
      expect.any(String),
    ]);
  });

  it("sends of one chat at once (an integrator in parallel) are all saved, each pair together", async () => {
    const chat = await createChat(app, user);
    const pairs = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        sendMessage(app, user, { chatId: chat.id, content: `Frage ${index}` }),
      ),
    );
    await Promise.all(pairs.map((pair) => waitForAnswer(app, user, chat.id, pair.assistantMessage.id)));
    const messages = await conversation(chat.id);
    expect(messages).toHaveLength(12);
    for (let index = 0; index < 12; index += 2) {
      expect(messages[index]?.role).toBe("user");
      expect(messages[index + 1]).toMatchObject({ role: "assistant", replyToId: messages[index]?.id });
    }
  });
});
