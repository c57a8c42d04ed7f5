import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { findCatalogueModel } from "../providers/catalogue.js";
import { costUsd } from "../providers/cost.js";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), TITLE_MODEL: "openai/gpt-4.1-nano" });
  user = await registerUser(app, "streamer");
});
afterAll(() => app?.close());

const ANSWER = "Grüße aus Köln 👋 — 日本語 und Emoji 🎉. Zweiter Satz mit Umlauten: äöüß. Dritter Satz ✅";

describe("a chat streams through /graphql/stream for every provider", () => {
  const models = [
    "openai/gpt-4.1-mini",
    "anthropic/claude-sonnet-4-5",
    "google/gemini-2.5-flash",
    "mistral/mistral-large-latest",
    "xai/grok-4",
    "azure/gpt-4o-mini",
    "ollama/llama3.2:latest",
  ];

  for (const model of models) {
    it(`${model}: the streamed text equals the saved answer; usage and cost are recorded`, async () => {
      fake.server.setScenario({
        text: ANSWER,
        chunking: "random-bytes",
        pings: true,
        delayMs: 2,
        usage: { promptTokens: 1200, completionTokens: 300, cachedTokens: 200, reasoningTokens: 0 },
      });
      const chat = await createChat(app, user, { model });
      const sent = await sendMessage(app, user, {
        chatId: chat.id,
        content: `Hallo ${model}`,
        clientMessageId: `c-${model}`,
      });
      expect(sent.userMessage).toMatchObject({ role: "USER", content: `Hallo ${model}`, status: "COMPLETE" });
      expect(sent.assistantMessage).toMatchObject({ role: "ASSISTANT", status: "STREAMING", model });

      const followed = await followAnswer(app.url, user.accessToken, sent.assistantMessage.id);
      expect(followed.errors).toEqual([]);
      expect(followed.text).toBe(ANSWER);
      expect(followed.last?.__typename).toBe("MessageCompleted");

      const saved = await waitForAnswer(app, user, chat.id, sent.assistantMessage.id);
      expect(saved.content).toBe(ANSWER);
      expect(saved.status).toBe("COMPLETE");
      expect(saved.usage).toMatchObject({ promptTokens: 1200, completionTokens: 300 });

      const rows = await app.database.owner.tokenUsage.findMany({
        where: { messageId: sent.assistantMessage.id, purpose: "chat" },
      });
      expect(rows).toHaveLength(1);
      // Azure deployments named like an OpenAI model take its prices; local models are free.
      const { prices } = await app.app.services.modelAccess.priced(DEFAULT_ORGANIZATION_ID, model);
      const expectedCost = costUsd(prices, {
        promptTokens: 1200,
        completionTokens: 300,
        cachedTokens: 200,
        reasoningTokens: 0,
      });
      if (!model.startsWith("ollama/")) expect(expectedCost).toBeGreaterThan(0);
      expect(rows[0]!.estimatedCost.toNumber()).toBeCloseTo(expectedCost, 9);
      expect(rows[0]!.provider).toBe(model.split("/")[0]);
    });
  }
});

describe("the subscription invariant", () => {
  it("a subscriber joining mid-answer gets everything so far first; the concatenation equals the answer", async () => {
    const longAnswer = Array.from({ length: 80 }, (_, index) => `Wort${index} ü`).join(" ");
    fake.server.setScenario({ text: longAnswer, chunking: "words", delayMs: 10 });
    const chat = await createChat(app, user, { model: "anthropic/claude-sonnet-4-5" });
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "Erzähl etwas" });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const [late, later] = await Promise.all([
      followAnswer(app.url, user.accessToken, sent.assistantMessage.id),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
        followAnswer(app.url, user.accessToken, sent.assistantMessage.id),
      ),
    ]);
    for (const followed of [late, later]) {
      expect(followed.text).toBe(longAnswer);
      expect(followed.events[0]?.__typename).toBe("MessageDelta");
      expect(followed.events[0]!.text!.length).toBeGreaterThan(0);
    }
    expect(later.events[0]!.text!.length).toBeGreaterThan(late.events[0]!.text!.length);
  });

  it("a subscriber after the end gets the whole text and MessageCompleted at once", async () => {
    fake.server.setScenario({ text: ANSWER, chunking: "words" });
    const chat = await createChat(app, user, { model: "google/gemini-2.5-flash" });
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "Kurz bitte" });
    await waitForAnswer(app, user, chat.id, sent.assistantMessage.id);
    const followed = await followAnswer(app.url, user.accessToken, sent.assistantMessage.id);
    expect(followed.events.map((event) => event.__typename)).toEqual(["MessageDelta", "MessageCompleted"]);
    expect(followed.text).toBe(ANSWER);
    expect(followed.last?.message).toMatchObject({ content: ANSWER, status: "COMPLETE" });
  });

  it("works through /graphql with Accept: text/event-stream, with anti-buffering headers", async () => {
    fake.server.setScenario({ text: ANSWER, chunking: "words" });
    const chat = await createChat(app, user, { model: "mistral/mistral-large-latest" });
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "SSE über /graphql" });
    const followed = await followAnswer(app.url, user.accessToken, sent.assistantMessage.id, {
      url: `${app.url}/graphql`,
    });
    expect(followed.text).toBe(ANSWER);

    const response = await fetch(`${app.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${user.accessToken}`,
      },
      body: JSON.stringify({
        query: "subscription($id: ID!) { messageStream(messageId: $id) { __typename } }",
        variables: { id: sent.assistantMessage.id },
      }),
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    await response.text();
  });
});

describe("models and temperature", () => {
  it("lists models with availability, reasons and the default", async () => {
    const result = await app.gql<{
      models: {
        id: string;
        provider: string;
        available: boolean;
        isDefault: boolean;
        supportsTemperature: boolean;
      }[];
    }>(
      `{ models { id provider available unavailableReason isDefault supportsTemperature contextWindow prices { inputPerMillion outputPerMillion } } }`,
      {},
      { token: user.accessToken },
    );
    const models = result.data!.models;
    expect(models.find((model) => model.id === "openai/gpt-5.1")).toMatchObject({
      available: true,
      isDefault: true,
    });
    expect(models.some((model) => model.id === "ollama/llama3.2:latest" && model.available)).toBe(true);
    expect(new Set(models.map((model) => model.provider))).toEqual(
      new Set(["openai", "anthropic", "google", "mistral", "xai", "azure", "ollama"]),
    );
  });

  it("does not send a temperature to a model that rejects it, and sends the chat's to one that accepts it", async () => {
    fake.server.setScenario({ text: "ok", chunking: "single" });
    const reasoning = await createChat(app, user, { model: "openai/gpt-5.1", temperature: 0.3 });
    const a = await sendMessage(app, user, { chatId: reasoning.id, content: "Ohne Temperatur" });
    await waitForAnswer(app, user, reasoning.id, a.assistantMessage.id);
    const classic = await createChat(app, user, { model: "openai/gpt-4.1-mini", temperature: 0.3 });
    const b = await sendMessage(app, user, { chatId: classic.id, content: "Mit Temperatur" });
    await waitForAnswer(app, user, classic.id, b.assistantMessage.id);
    const bodies = fake.server.requests
      .filter((request) => request.provider === "openai")
      .map(
        (request) => request.body as { model: string; temperature?: number; messages: { content: string }[] },
      );
    const without = bodies.find((body) => body.messages.at(-1)?.content === "Ohne Temperatur");
    const withTemperature = bodies.find((body) => body.messages.at(-1)?.content === "Mit Temperatur");
    expect(without).toBeDefined();
    expect(without).not.toHaveProperty("temperature");
    expect(withTemperature?.temperature).toBe(0.3);
  });

  it("rejects an unknown model with BAD_USER_INPUT and saves nothing", async () => {
    const chat = await createChat(app, user, {});
    const result = await app.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
      { input: { chatId: chat.id, content: "Hallo", model: "openai/gpt-does-not-exist" } },
      { token: user.accessToken },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await app.database.owner.message.count({ where: { chatId: chat.id } })).toBe(0);
  });
});

describe("usage", () => {
  it("sums the user's requests, tokens and cost by model and day; titles are generated and counted", async () => {
    const fresh = await registerUser(app, "usage");
    fake.server.setScenario({
      text: "Antwort",
      chunking: "single",
      usage: { promptTokens: 1000, completionTokens: 500 },
    });
    const chat = await createChat(app, fresh, { model: "anthropic/claude-sonnet-4-5" });
    const sent = await sendMessage(app, fresh, { chatId: chat.id, content: "Wie teuer ist das?" });
    await waitForAnswer(app, fresh, chat.id, sent.assistantMessage.id);

    // The title is generated in the background with TITLE_MODEL.
    let title = "New Conversation";
    for (let attempt = 0; attempt < 50 && title === "New Conversation"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const result = await app.gql<{ chat: { title: string } }>(
        `query($id: ID!) { chat(id: $id) { title } }`,
        { id: chat.id },
        {
          token: fresh.accessToken,
        },
      );
      title = result.data!.chat.title;
    }
    expect(title).toBe("Antwort");

    const result = await app.gql<{
      usage: {
        requests: number;
        promptTokens: number;
        completionTokens: number;
        costUsd: number;
        byModel: { model: string; requests: number; costUsd: number }[];
        byDay: { day: string; requests: number }[];
      };
    }>(
      `{ usage { requests promptTokens completionTokens costUsd byModel { model requests costUsd } byDay { day requests costUsd } } }`,
      {},
      {
        token: fresh.accessToken,
      },
    );
    const usage = result.data!.usage;
    expect(usage.requests).toBe(2);
    expect(usage.byModel.map((row) => row.model).sort()).toEqual([
      "anthropic/claude-sonnet-4-5",
      "openai/gpt-4.1-nano",
    ]);
    const sonnet = findCatalogueModel("anthropic/claude-sonnet-4-5")!;
    const nano = findCatalogueModel("openai/gpt-4.1-nano")!;
    const expected =
      costUsd(sonnet.prices, {
        promptTokens: 1000,
        completionTokens: 500,
        cachedTokens: 0,
        reasoningTokens: 0,
      }) +
      costUsd(nano.prices, {
        promptTokens: 1000,
        completionTokens: 500,
        cachedTokens: 0,
        reasoningTokens: 0,
      });
    expect(usage.costUsd).toBeCloseTo(expected, 8);
    expect(usage.byDay).toEqual([
      { day: new Date().toISOString().slice(0, 10), requests: 2, costUsd: usage.costUsd },
    ]);
  });
});
