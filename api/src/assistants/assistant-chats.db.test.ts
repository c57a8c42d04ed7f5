import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  user = await registerUser(app, "assistant_user");
});
afterAll(() => app?.close());

const SYSTEM_PROMPT = "Du bist ein Vertragsprüfer. Antworte knapp. ✅";

async function createAssistant(input: Record<string, unknown>) {
  const result = await app.gql<{ createAssistant: { id: string; icon: string } }>(
    `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id icon } }`,
    { input: { name: "Vertragsprüfer", systemPrompt: SYSTEM_PROMPT, ...input } },
    { token: user.accessToken },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createAssistant;
}

/** The request the fake provider received for the message with this text. */
function requestFor(text: string) {
  const request = fake.server.requests.find((candidate) =>
    (JSON.stringify(candidate.body) ?? "").includes(text),
  );
  if (!request) throw new Error(`no provider request contains ${text}`);
  return request.body as Record<string, unknown>;
}

async function ask(
  assistantModel: string,
  question: string,
  chatInput: Record<string, unknown> = {},
  messageInput: Record<string, unknown> = {},
) {
  const assistant = await createAssistant({ model: assistantModel, temperature: 0.2 });
  const chat = await createChat(app, user, { assistantId: assistant.id, ...chatInput });
  const sent = await sendMessage(app, user, { chatId: chat.id, content: question, ...messageInput });
  await waitForAnswer(app, user, chat.id, sent.assistantMessage.id);
  return { body: requestFor(question), sent, chat, assistant };
}

describe("the assistant's system prompt reaches each provider in its own format", () => {
  it("OpenAI, Mistral and xAI: a first system message", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    for (const model of ["openai/gpt-4.1-mini", "mistral/mistral-large-latest", "xai/grok-4"]) {
      const { body } = await ask(model, `Frage an ${model}`);
      const messages = body.messages as { role: string; content: string }[];
      expect(messages[0], model).toEqual({ role: "system", content: SYSTEM_PROMPT });
      expect(messages.at(-1), model).toEqual({ role: "user", content: `Frage an ${model}` });
      expect(body.temperature, model).toBe(0.2);
    }
  });

  it("Anthropic: top-level system, no system message", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const { body } = await ask("anthropic/claude-sonnet-4-5", "Frage an Claude");
    expect(body.system).toBe(SYSTEM_PROMPT);
    expect((body.messages as { role: string }[]).every((message) => message.role !== "system")).toBe(true);
    expect(body.temperature).toBe(0.2);
  });

  it("Gemini: systemInstruction", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const { body } = await ask("google/gemini-2.5-flash", "Frage an Gemini");
    expect(body.systemInstruction).toEqual({ parts: [{ text: SYSTEM_PROMPT }] });
    expect((body.contents as { role: string }[]).map((content) => content.role)).toEqual(["user"]);
    expect((body.generationConfig as { temperature: number }).temperature).toBe(0.2);
  });

  it("on every turn, not only the first", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const { chat } = await ask("openai/gpt-4.1-mini", "Erste Runde");
    const second = await sendMessage(app, user, { chatId: chat.id, content: "Zweite Runde", stream: false });
    expect(second.assistantMessage.status).toBe("COMPLETE");
    const messages = requestFor("Zweite Runde").messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[0]!.content).toBe(SYSTEM_PROMPT);
  });
});

describe("model and temperature precedence: message > chat > assistant > default", () => {
  it("uses the assistant's model and temperature unless the chat or the message overrides them", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const fromAssistant = await ask("anthropic/claude-sonnet-4-5", "Vom Assistenten");
    expect(fromAssistant.sent.assistantMessage.model).toBe("anthropic/claude-sonnet-4-5");
    expect(fromAssistant.body.temperature).toBe(0.2);

    const fromChat = await ask("anthropic/claude-sonnet-4-5", "Vom Chat", {
      model: "openai/gpt-4.1-mini",
      temperature: 0.9,
    });
    expect(fromChat.sent.assistantMessage.model).toBe("openai/gpt-4.1-mini");
    expect(fromChat.body.temperature).toBe(0.9);

    const fromMessage = await ask(
      "anthropic/claude-sonnet-4-5",
      "Von der Nachricht",
      { model: "openai/gpt-4.1-mini", temperature: 0.9 },
      { model: "mistral/mistral-large-latest", temperature: 1.4 },
    );
    expect(fromMessage.sent.assistantMessage.model).toBe("mistral/mistral-large-latest");
    expect(fromMessage.body.temperature).toBe(1.4);

    const chat = await createChat(app, user, {});
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "Vom Standard", stream: false });
    expect(sent.assistantMessage.model).toBe(app.config.DEFAULT_MODEL);
  });
});

describe("assistants and chats", () => {
  it("deleting an assistant leaves its chats working without it", async () => {
    fake.server.setScenario({ text: "noch da", chunking: "single" });
    const { chat, assistant } = await ask("openai/gpt-4.1-mini", "Vor dem Löschen");
    expect(assistant.icon).toBe("🤖");
    const deleted = await app.gql(
      `mutation($id: ID!) { deleteAssistant(id: $id) }`,
      { id: assistant.id },
      { token: user.accessToken },
    );
    expect(deleted.data).toEqual({ deleteAssistant: true });
    const result = await app.gql<{ chat: { assistant: unknown; messages: { edges: unknown[] } } }>(
      `query($id: ID!) { chat(id: $id) { assistant { id } messages(last: 10) { edges { node { id } } } } }`,
      { id: chat.id },
      { token: user.accessToken },
    );
    expect(result.data!.chat.assistant).toBeNull();
    expect(result.data!.chat.messages.edges).toHaveLength(2);
    const after = await sendMessage(app, user, {
      chatId: chat.id,
      content: "Nach dem Löschen",
      stream: false,
    });
    expect(after.assistantMessage).toMatchObject({ status: "COMPLETE", content: "noch da" });
    const messages = requestFor("Nach dem Löschen").messages as { role: string }[];
    expect(messages[0]!.role).toBe("user");
  });

  it("a chat cannot be started with someone else's personal assistant", async () => {
    const assistant = await createAssistant({});
    const stranger = await registerUser(app, "stranger");
    const result = await app.gql(
      `mutation($input: CreateChatInput) { createChat(input: $input) { id } }`,
      {
        input: { assistantId: assistant.id },
      },
      { token: stranger.accessToken },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("validates name length, the icon and unknown models", async () => {
    const tooLong = await app.gql(
      `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id } }`,
      {
        input: { name: "x".repeat(101), systemPrompt: "p" },
      },
      { token: user.accessToken },
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badIcon = await app.gql(
      `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id } }`,
      {
        input: { name: "A", systemPrompt: "p", icon: "abc" },
      },
      { token: user.accessToken },
    );
    expect(badIcon.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const flag = await createAssistant({ icon: "🇩🇪" });
    expect(flag.icon).toBe("🇩🇪");
    const badModel = await app.gql(
      `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id } }`,
      {
        input: { name: "A", systemPrompt: "p", model: "openai/nope" },
      },
      { token: user.accessToken },
    );
    expect(badModel.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("renderTemplate", () => {
  it("fills text, choice and built-in placeholders; names missing values", async () => {
    const created = await app.gql<{ createTemplate: { id: string; variables: unknown[] } }>(
      `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id variables { name kind options } } }`,
      {
        input: {
          name: "Brief",
          content: "Liebe/r {{Name}}, Ton {{Ton:förmlich|locker}}. Gruß {{user_name}}, {{current_date}}",
        },
      },
      { token: user.accessToken },
    );
    const template = created.data!.createTemplate;
    expect(template.variables).toEqual([
      { name: "Name", kind: "TEXT", options: [] },
      { name: "Ton", kind: "CHOICE", options: ["förmlich", "locker"] },
    ]);
    const render = (values: unknown) =>
      app.gql<{ renderTemplate: string }>(
        `query($id: ID!, $values: JSON!) { renderTemplate(id: $id, values: $values) }`,
        { id: template.id, values },
        {
          token: user.accessToken,
        },
      );
    const filled = await render({ Name: "Jörg", Ton: "locker" });
    const today = new Date().toISOString().slice(0, 10);
    expect(filled.data?.renderTemplate).toBe(
      `Liebe/r Jörg, Ton locker. Gruß ${user.user.username}, ${today}`,
    );
    const missing = await render({ Ton: "laut" });
    expect(missing.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      missing: ["Name"],
      invalid: ["Ton"],
    });
    expect(missing.errors?.[0]?.message).toMatch(/Name/);
  });
});

describe("an assistant that stops being shared", () => {
  it("no longer reaches the chats others started with it: not their view, not their provider calls", async () => {
    const admin = await registerUser(app, "sharing_admin");
    await app.database.owner.user.update({ where: { id: admin.user.id }, data: { isAdmin: true } });
    const created = await app.gql<{ createAssistant: { id: string } }>(
      `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id } }`,
      { input: { name: "Firmenweit", systemPrompt: "Öffentliche Anweisung", isGlobal: true } },
      { token: admin.accessToken },
    );
    const assistantId = created.data!.createAssistant.id;
    const chat = await createChat(app, user, { assistantId });
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const first = await sendMessage(app, user, { chatId: chat.id, content: "Erste Frage mit Assistent" });
    await waitForAnswer(app, user, chat.id, first.assistantMessage.id);
    expect(JSON.stringify(requestFor("Erste Frage mit Assistent"))).toContain("Öffentliche Anweisung");

    // The admin takes it back and writes something private into it.
    await app.gql(
      `mutation($id: ID!) { updateAssistant(id: $id, input: { isGlobal: false, systemPrompt: "Geheime Notiz" }) { id } }`,
      { id: assistantId },
      { token: admin.accessToken },
    );
    const seen = await app.gql<{
      chat: { assistant: { systemPrompt: string } | null; assistantUnavailable: boolean };
    }>(
      `query($id: ID!) { chat(id: $id) { assistant { systemPrompt } assistantUnavailable } }`,
      { id: chat.id },
      { token: user.accessToken },
    );
    expect(seen.data?.chat).toEqual({ assistant: null, assistantUnavailable: true });
    const next = await sendMessage(app, user, { chatId: chat.id, content: "Zweite Frage ohne Assistent" });
    await waitForAnswer(app, user, chat.id, next.assistantMessage.id);
    const body = JSON.stringify(requestFor("Zweite Frage ohne Assistent"));
    expect(body).not.toContain("Geheime Notiz");
    expect(body).not.toContain("Öffentliche Anweisung");
    // Its owner still sees it in their own view of things.
    const own = await app.gql<{ assistant: { systemPrompt: string } }>(
      `query($id: ID!) { assistant(id: $id) { systemPrompt } }`,
      { id: assistantId },
      { token: admin.accessToken },
    );
    expect(own.data?.assistant.systemPrompt).toBe("Geheime Notiz");
  });
});
