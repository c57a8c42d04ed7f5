import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import {
  createChat,
  MESSAGE_FIELDS,
  type MessageResult,
  sendMessage,
  waitForAnswer,
} from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const fake = useFakeProviderServer();
let app: TestApp;
let alice: SignedIn;
let bob: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  alice = await registerUser(app, "alice");
  bob = await registerUser(app, "bob");
});
afterAll(() => app?.close());

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const words = (count: number) => Array.from({ length: count }, (_, index) => `Wort${index}`).join(" ");

describe("idempotent sendMessage", () => {
  it("the same clientMessageId, sent again or twice at once, creates one message and one answer", async () => {
    fake.server.setScenario({ text: "Einmal", chunking: "single" });
    const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
    const input = { chatId: chat.id, content: "Nur einmal bitte", clientMessageId: "outbox-1" };
    const [first, second] = await Promise.all([
      sendMessage(app, alice, input),
      sendMessage(app, alice, input),
    ]);
    const third = await sendMessage(app, alice, input);
    for (const again of [second, third]) {
      expect(again.userMessage.id).toBe(first.userMessage.id);
      expect(again.assistantMessage.id).toBe(first.assistantMessage.id);
    }
    await waitForAnswer(app, alice, chat.id, first.assistantMessage.id);
    expect(await app.database.owner.message.count({ where: { chatId: chat.id } })).toBe(2);
    const providerCalls = fake.server.requests.filter(
      (request) =>
        (request.body as { messages?: { content: string }[] })?.messages?.at(-1)?.content ===
        "Nur einmal bitte",
    );
    expect(providerCalls).toHaveLength(1);
  });

  it("stream: false waits for the finished answer", async () => {
    fake.server.setScenario({ text: "Fertige Antwort", chunking: "words", delayMs: 5 });
    const chat = await createChat(app, alice, { model: "anthropic/claude-sonnet-4-5" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Warte", stream: false });
    expect(sent.assistantMessage).toMatchObject({ content: "Fertige Antwort", status: "COMPLETE" });
    expect(sent.assistantMessage.usage?.completionTokens).toBeGreaterThan(0);
  });
});

describe("the answer is generated on the server", () => {
  it("completes and is saved when the only subscriber disconnects", async () => {
    const text = words(60);
    fake.server.setScenario({ text, chunking: "words", delayMs: 5 });
    const chat = await createChat(app, alice, { model: "google/gemini-2.5-flash" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Weg bin ich" });
    const partial = await followAnswer(app.url, alice.accessToken, sent.assistantMessage.id, {
      stopAfter: (events) => events.length >= 3,
    });
    expect(partial.text.length).toBeLessThan(text.length);
    const saved = await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);
    expect(saved).toMatchObject({ content: text, status: "COMPLETE" });
  });

  it("saves the growing answer while streaming, not only at the end", async () => {
    fake.server.setScenario({ text: words(200), chunking: "words", delayMs: 10 });
    const chat = await createChat(app, alice, { model: "mistral/mistral-large-latest" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Lang" });
    await sleep(1_600);
    const midway = await app.database.owner.message.findUniqueOrThrow({
      where: { id: sent.assistantMessage.id },
    });
    expect(midway.status).toBe("streaming");
    expect(midway.content.length).toBeGreaterThan(0);
    await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);
  });

  it("stopGeneration aborts the provider call and keeps the partial answer as STOPPED", async () => {
    const text = words(300);
    fake.server.setScenario({ text, chunking: "words", delayMs: 10 });
    const chat = await createChat(app, alice, { model: "xai/grok-4" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Stopp gleich" });
    const following = followAnswer(app.url, alice.accessToken, sent.assistantMessage.id);
    await sleep(300);
    const stopped = await app.gql<{ stopGeneration: MessageResult }>(
      `mutation($id: ID!) { stopGeneration(messageId: $id) { ${MESSAGE_FIELDS} } }`,
      { id: sent.assistantMessage.id },
      { token: alice.accessToken },
    );
    const message = stopped.data!.stopGeneration;
    expect(message.status).toBe("STOPPED");
    expect(message.content.length).toBeGreaterThan(0);
    expect(text.startsWith(message.content)).toBe(true);
    expect(message.content.length).toBeLessThan(text.length);
    const followed = await following;
    expect(followed.last?.__typename).toBe("MessageCompleted");
    expect(followed.last?.message?.status).toBe("STOPPED");
    expect(followed.text).toBe(message.content);
    // The provider connection is closed (the fake notices at its next write).
    for (let attempt = 0; attempt < 200 && fake.server.activeStreamCount() > 0; attempt++) await sleep(50);
    expect(fake.server.activeStreamCount()).toBe(0);
  });

  it("an answer stopped before its first token is billed for its prompt: the provider has read it", async () => {
    fake.server.setScenario({ text: words(20), chunking: "words", stallAfterChars: 0 });
    const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Stopp, bevor du anfängst" });
    await expect.poll(() => fake.server.activeStreamCount()).toBe(1);
    const stopped = await app.gql<{ stopGeneration: MessageResult }>(
      `mutation($id: ID!) { stopGeneration(messageId: $id) { ${MESSAGE_FIELDS} } }`,
      { id: sent.assistantMessage.id },
      { token: alice.accessToken },
    );
    expect(stopped.data?.stopGeneration).toMatchObject({ status: "STOPPED", content: "" });
    const billed = () =>
      app.database.owner.tokenUsage.findMany({ where: { messageId: sent.assistantMessage.id } });
    await expect.poll(async () => (await billed()).length).toBe(1);
    const [row] = await billed();
    expect(row?.promptTokens).toBeGreaterThan(0);
    expect(row?.completionTokens).toBe(0);
  });

  it("a provider error mid-stream keeps the partial answer as FAILED and the user message intact", async () => {
    fake.server.setScenario({ text: words(50), chunking: "words", errorAfterChars: 40 });
    const chat = await createChat(app, alice, { model: "anthropic/claude-sonnet-4-5" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Das geht schief" });
    const followed = await followAnswer(app.url, alice.accessToken, sent.assistantMessage.id);
    expect(followed.last).toMatchObject({ __typename: "MessageFailed" });
    expect(followed.last?.code).toMatch(/^PROVIDER_/);
    const saved = await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);
    expect(saved.status).toBe("FAILED");
    expect(saved.error?.code).toBe(followed.last?.code);
    expect(saved.content).toBe(followed.text);
    expect(saved.content.length).toBeGreaterThanOrEqual(40);
    const user = await app.database.owner.message.findUniqueOrThrow({ where: { id: sent.userMessage.id } });
    expect(user.content).toBe("Das geht schief");
  });

  it("retries 429 (with retry-after) and 500 before the first token", async () => {
    for (const code of [429, 500] as const) {
      fake.server.setScenario({
        text: "Nach dem Fehler",
        chunking: "single",
        status: { code, times: 1, retryAfterSeconds: 1 },
      });
      const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
      const sent = await sendMessage(app, alice, { chatId: chat.id, content: `Fehler ${code}` });
      const saved = await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);
      expect(saved).toMatchObject({ content: "Nach dem Fehler", status: "COMPLETE" });
    }
  });

  it("a provider that keeps failing ends as FAILED with the typed code", async () => {
    fake.server.setScenario({ status: { code: 401, times: 10 } });
    const chat = await createChat(app, alice, { model: "google/gemini-2.5-flash" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Falscher Schlüssel" });
    const saved = await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);
    expect(saved.status).toBe("FAILED");
    expect(saved.error?.code).toBe("PROVIDER_AUTH");
  });
});

describe("regenerate and edit", () => {
  it("regenerateMessage replaces the last answer; editMessage replaces the last user message and its answer", async () => {
    fake.server.setScenario({ text: "Erste Antwort", chunking: "single" });
    const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Frage eins" });
    await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id);

    fake.server.setScenario({ text: "Zweite Antwort", chunking: "single" });
    const regenerated = await app.gql<{ regenerateMessage: MessageResult }>(
      `mutation($id: ID!) { regenerateMessage(messageId: $id) { id status } }`,
      { id: sent.assistantMessage.id },
      { token: alice.accessToken },
    );
    const newAnswer = regenerated.data!.regenerateMessage;
    expect(newAnswer.id).not.toBe(sent.assistantMessage.id);
    expect((await waitForAnswer(app, alice, chat.id, newAnswer.id)).content).toBe("Zweite Antwort");

    fake.server.setScenario({ text: "Antwort auf die Änderung", chunking: "single" });
    const edited = await app.gql<{
      editMessage: { userMessage: MessageResult; assistantMessage: MessageResult };
    }>(
      `mutation($id: ID!, $content: String!) { editMessage(messageId: $id, content: $content) {
        userMessage { id content } assistantMessage { id } } }`,
      { id: sent.userMessage.id, content: "Frage eins, geändert" },
      { token: alice.accessToken },
    );
    expect(edited.data!.editMessage.userMessage).toEqual({
      id: sent.userMessage.id,
      content: "Frage eins, geändert",
    });
    await waitForAnswer(app, alice, chat.id, edited.data!.editMessage.assistantMessage.id);
    const messages = await app.database.owner.message.findMany({
      where: { chatId: chat.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(messages.map((message) => message.content)).toEqual([
      "Frage eins, geändert",
      "Antwort auf die Änderung",
    ]);
    const lastRequest = fake.server.requests.at(-1)!.body as {
      messages: { role: string; content: string }[];
    };
    expect(lastRequest.messages.at(-1)).toEqual({ role: "user", content: "Frage eins, geändert" });
  });

  it("only the last answer can be regenerated", async () => {
    fake.server.setScenario({ text: "A", chunking: "single" });
    const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
    const first = await sendMessage(app, alice, { chatId: chat.id, content: "1", stream: false });
    await sendMessage(app, alice, { chatId: chat.id, content: "2", stream: false });
    const result = await app.gql(
      `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`,
      { id: first.assistantMessage.id },
      {
        token: alice.accessToken,
      },
    );
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
  });
});

describe("history and chats", () => {
  it("sends the whole conversation in order, and lists chats by activity with search and paging", async () => {
    fake.server.setScenario({ text: "Antwort", chunking: "single" });
    const searcher = await registerUser(app, "searcher");
    const older = await createChat(app, searcher, { title: "Urlaubsplanung", model: "openai/gpt-4.1-mini" });
    const newer = await createChat(app, searcher, { model: "openai/gpt-4.1-mini" });
    await sendMessage(app, searcher, {
      chatId: newer.id,
      content: "Wie backe ich Zimtschnecken?",
      stream: false,
    });
    await sendMessage(app, searcher, { chatId: newer.id, content: "Und ohne Zucker?", stream: false });
    const lastBody = fake.server.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    expect(
      lastBody.messages.filter((message) => message.role !== "system").map((message) => message.content),
    ).toEqual(["Wie backe ich Zimtschnecken?", "Antwort", "Und ohne Zucker?"]);

    const list = async (variables: Record<string, unknown>) =>
      (
        await app.gql<{
          chats: {
            edges: { node: { id: string; title: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }>(
          `query($first: Int, $after: String, $search: String) { chats(first: $first, after: $after, search: $search) {
            edges { node { id title } } pageInfo { hasNextPage endCursor } } }`,
          variables,
          { token: searcher.accessToken },
        )
      ).data!.chats;
    const all = await list({ first: 10 });
    expect(all.edges.map((edge) => edge.node.id)).toEqual([newer.id, older.id]);
    const page1 = await list({ first: 1 });
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await list({ first: 1, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((edge) => edge.node.id)).toEqual([older.id]);
    expect((await list({ search: "zimtschnecken" })).edges.map((edge) => edge.node.id)).toEqual([newer.id]);
    expect((await list({ search: "URLAUB" })).edges.map((edge) => edge.node.id)).toEqual([older.id]);

    const lastTwo = await app.gql<{
      chat: { messages: { edges: { node: { content: string } }[]; pageInfo: { hasPreviousPage: boolean } } };
    }>(
      `query($id: ID!) { chat(id: $id) { messages(last: 2) { edges { node { content } } pageInfo { hasPreviousPage } } } }`,
      { id: newer.id },
      { token: searcher.accessToken },
    );
    expect(lastTwo.data!.chat.messages.edges.map((edge) => edge.node.content)).toEqual([
      "Und ohne Zucker?",
      "Antwort",
    ]);
    expect(lastTwo.data!.chat.messages.pageInfo.hasPreviousPage).toBe(true);
  });

  it("renames and deletes a chat", async () => {
    const chat = await createChat(app, alice, {});
    const renamed = await app.gql<{ updateChat: { title: string } }>(
      `mutation($id: ID!) { updateChat(id: $id, input: { title: "Neuer Name", temperature: 1.2 }) { title temperature } }`,
      { id: chat.id },
      { token: alice.accessToken },
    );
    expect(renamed.data?.updateChat).toEqual({ title: "Neuer Name", temperature: 1.2 });
    const deleted = await app.gql(
      `mutation($id: ID!) { deleteChat(id: $id) }`,
      { id: chat.id },
      { token: alice.accessToken },
    );
    expect(deleted.data).toEqual({ deleteChat: true });
    expect(
      codeOf(
        await app.gql(
          `query($id: ID!) { chat(id: $id) { id } }`,
          { id: chat.id },
          { token: alice.accessToken },
        ),
      ),
    ).toBe("NOT_FOUND");
  });
});

describe("ownership", () => {
  it("another user can neither read, send into, stream, stop nor change a chat: NOT_FOUND", async () => {
    fake.server.setScenario({ text: words(100), chunking: "words", delayMs: 10 });
    const chat = await createChat(app, alice, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(app, alice, { chatId: chat.id, content: "Privat" });
    const asBob = { token: bob.accessToken };
    const attempts = [
      app.gql(`query($id: ID!) { chat(id: $id) { id } }`, { id: chat.id }, asBob),
      app.gql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
        {
          input: { chatId: chat.id, content: "Einbruch" },
        },
        asBob,
      ),
      app.gql(
        `mutation($id: ID!) { stopGeneration(messageId: $id) { id } }`,
        { id: sent.assistantMessage.id },
        asBob,
      ),
      app.gql(
        `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`,
        { id: sent.assistantMessage.id },
        asBob,
      ),
      app.gql(
        `mutation($id: ID!) { editMessage(messageId: $id, content: "x") { userMessage { id } } }`,
        { id: sent.userMessage.id },
        asBob,
      ),
      app.gql(
        `mutation($id: ID!) { updateChat(id: $id, input: { title: "x" }) { id } }`,
        { id: chat.id },
        asBob,
      ),
      app.gql(`mutation($id: ID!) { deleteChat(id: $id) }`, { id: chat.id }, asBob),
    ];
    for (const result of await Promise.all(attempts)) expect(codeOf(result)).toBe("NOT_FOUND");

    const stream = await followAnswer(app.url, bob.accessToken, sent.assistantMessage.id);
    expect(stream.events).toEqual([]);
    expect(JSON.stringify(stream.errors)).toMatch(/NOT_FOUND/);
    const bobsChats = await app.gql<{ chats: { edges: unknown[] } }>(
      `{ chats(first: 50) { edges { node { id } } } }`,
      {},
      asBob,
    );
    expect(bobsChats.data!.chats.edges).toEqual([]);
    expect(await app.database.owner.message.count({ where: { chatId: chat.id } })).toBe(2);
    expect((await waitForAnswer(app, alice, chat.id, sent.assistantMessage.id)).status).toBe("COMPLETE");
  });

  it("an unknown or malformed id is NOT_FOUND too", async () => {
    for (const id of ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]) {
      const result = await app.gql(
        `query($id: ID!) { chat(id: $id) { id } }`,
        { id },
        { token: alice.accessToken },
      );
      expect(codeOf(result)).toBe("NOT_FOUND");
    }
  });
});
