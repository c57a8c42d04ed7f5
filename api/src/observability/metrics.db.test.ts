import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleSum } from "../../test/deploy/prometheus-text.js";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const METRICS_TOKEN = "metrics-token-0123456789";
const ANSWER = "Eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), METRICS_TOKEN });
  user = await registerUser(app, "metrics");
});
afterAll(() => app?.close());

const scrape = async () => {
  const response = await fetch(`${app.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return response.text();
};

/** Polls /metrics until `check` holds (request counters are updated when the response has closed). */
const eventually = async (check: (text: string) => boolean) => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const text = await scrape();
    if (check(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`metrics never matched:\n${await scrape()}`);
};

describe("GET /metrics", () => {
  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/metrics`, {
      headers: { authorization: "Bearer wrong-token-0123456789" },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${app.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await right.text()).toMatch(/^# HELP xqt5_/m);
  });

  it("shows streams, answers, tokens, first-token latency and requests after a streamed answer", async () => {
    const before = await scrape();
    fake.server.setScenario({
      text: ANSWER,
      chunking: "words",
      delayMs: 40,
      usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 0, reasoningTokens: 0 },
    });
    const chat = await createChat(app, user, { model: "anthropic/claude-sonnet-4-5" });
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "Zähl bis zwölf" });
    const following = followAnswer(app.url, user.accessToken, sent.assistantMessage.id);

    await eventually((text) => sampleSum(text, "xqt5_open_streams") === 1);
    expect(sampleSum(await scrape(), "xqt5_answers_in_progress")).toBe(1);
    const followed = await following;
    expect(followed.text).toBe(ANSWER);

    const after = await eventually(
      (text) =>
        sampleSum(text, "xqt5_http_requests_total", { operation: "messageStream" }) >
        sampleSum(before, "xqt5_http_requests_total", { operation: "messageStream" }),
    );
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    expect(sampleSum(after, "xqt5_open_streams")).toBe(0);
    expect(sampleSum(after, "xqt5_answers_in_progress")).toBe(0);
    expect(delta("xqt5_answers_total", { status: "complete" })).toBe(1);
    expect(delta("xqt5_tokens_relayed_total", { provider: "anthropic", kind: "prompt" })).toBe(120);
    expect(delta("xqt5_tokens_relayed_total", { provider: "anthropic", kind: "completion" })).toBe(30);
    expect(delta("xqt5_provider_first_token_seconds_count", { provider: "anthropic" })).toBe(1);
    expect(delta("xqt5_provider_first_token_seconds_bucket", { provider: "anthropic", le: "+Inf" })).toBe(1);
    expect(delta("xqt5_provider_first_token_seconds_sum", { provider: "anthropic" })).toBeGreaterThan(0);
    expect(
      delta("xqt5_http_requests_total", { type: "mutation", operation: "sendMessage", status: "200" }),
    ).toBe(1);
    expect(delta("xqt5_http_requests_total", { type: "subscription", operation: "messageStream" })).toBe(1);
    expect(delta("xqt5_http_requests_total", { type: "mutation", operation: "createChat" })).toBe(1);
  });

  it("counts errors by code: GraphQL errors and failed answers", async () => {
    const before = await scrape();
    const anonymous = await app.gql(`mutation { createChat(input: {}) { id } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const invalid = await app.gql(`{ noSuchField }`);
    expect(invalid.errors).toBeDefined();

    fake.server.setScenario({ text: ANSWER, chunking: "words", delayMs: 1 });
    const chat = await createChat(app, user, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(app, user, { chatId: chat.id, content: "Bitte scheitern [[fake:error]]" });
    const failed = await followAnswer(app.url, user.accessToken, sent.assistantMessage.id);
    expect(failed.last?.__typename).toBe("MessageFailed");

    const after = await eventually(
      (text) =>
        sampleSum(text, "xqt5_answers_total", { status: "failed" }) >
        sampleSum(before, "xqt5_answers_total", { status: "failed" }),
    );
    const delta = (labels: Record<string, string>) =>
      sampleSum(after, "xqt5_errors_total", labels) - sampleSum(before, "xqt5_errors_total", labels);
    expect(delta({ code: "UNAUTHENTICATED", source: "graphql" })).toBe(1);
    expect(delta({ code: "GRAPHQL_VALIDATION_FAILED", source: "graphql" })).toBe(1);
    expect(delta({ code: failed.last!.code!, source: "answer" })).toBe(1);
    expect(
      sampleSum(after, "xqt5_http_requests_total", { type: "invalid", operation: "validation" }),
    ).toBeGreaterThan(0);
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  it("is off in production (it would tell anyone the Node version and the traffic), open in development", async () => {
    const production = await startTestApp({
      NODE_ENV: "production",
      JWT_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: "e".repeat(40),
    });
    try {
      const response = await fetch(`${production.url}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("METRICS_TOKEN");
    } finally {
      await production.close();
    }
    const development = await startTestApp({ NODE_ENV: "development" });
    try {
      expect((await fetch(`${development.url}/metrics`)).status).toBe(200);
    } finally {
      await development.close();
    }
  });
});
