import { describe, expect, it } from "vitest";
import { collect, collectFailure, fakeAdapter, testRequest } from "../../test/fake-provider/adapters.js";
import { startFakeProviderServer } from "../../test/fake-provider/server.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { PROVIDER_IDS, ProviderError, type ProviderId } from "./types.js";

// HTTP errors, error events inside streams, broken streams and aborts, per provider, over real HTTP.

const fake = useFakeProviderServer();

async function failure(provider: ProviderId, apiKey?: string): Promise<ProviderError> {
  const error = await collect(
    fakeAdapter(fake.server, provider, apiKey).stream(testRequest(provider), openSignal()),
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const KEYED_PROVIDERS = PROVIDER_IDS.filter((provider) => provider !== "ollama");

describe("HTTP errors", () => {
  it.each(KEYED_PROVIDERS)(
    "%s: a wrong key is PROVIDER_AUTH, and the message holds no key",
    async (provider) => {
      const error = await failure(provider, "sk-wrong-secret-key");
      expect(error.code).toBe("PROVIDER_AUTH");
      expect(error.provider).toBe(provider);
      // Gemini and xAI answer a bad key with 400.
      expect(error.status).toBe(provider === "google" || provider === "xai" ? 400 : 401);
      expect(error.message).not.toContain("sk-wrong");
      expect(error.message).not.toContain(fake.server.apiKey);
    },
  );

  it("ollama: a 401 from an OpenAI-compatible fake.server is PROVIDER_AUTH", async () => {
    fake.server.setScenario({ status: { code: 401, times: 1 } });
    expect(await failure("ollama")).toMatchObject({ code: "PROVIDER_AUTH", status: 401 });
  });

  it.each(PROVIDER_IDS)(
    "%s: 429 is PROVIDER_RATE_LIMITED with the provider's retry hint",
    async (provider) => {
      fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 7 } });
      const error = await failure(provider);
      expect(error.code).toBe("PROVIDER_RATE_LIMITED");
      expect(error.status).toBe(429);
      // OpenAI, Azure, Anthropic: retry-after header; Gemini: RetryInfo in the body. Mistral, xAI and Ollama
      // send no hint the reference could confirm.
      const hinted = ["openai", "azure", "anthropic", "google"].includes(provider);
      expect(error.retryAfterSeconds).toBe(hinted ? 7 : undefined);
    },
  );

  it.each(PROVIDER_IDS)("%s: 500 and 503 are PROVIDER_UNAVAILABLE", async (provider) => {
    fake.server.setScenario({ status: { code: 500, times: 1 } });
    expect(await failure(provider)).toMatchObject({ code: "PROVIDER_UNAVAILABLE", status: 500 });
    fake.server.setScenario({ status: { code: 503, times: 1 } });
    // Anthropic reports overload as 529.
    const overloaded = await failure(provider);
    expect(overloaded).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      status: provider === "anthropic" ? 529 : 503,
    });
  });

  it.each(PROVIDER_IDS)("%s: the provider's context-length 400 is CONTEXT_TOO_LONG", async (provider) => {
    fake.server.setScenario({ status: { code: 400, times: 1 } });
    const error = await failure(provider);
    expect(error.code).toBe("CONTEXT_TOO_LONG");
    expect(error.status).toBe(400);
  });

  it("another 400 is PROVIDER_BAD_REQUEST with the provider's message", async () => {
    fake.server.setScenario({
      status: {
        code: 400,
        times: 1,
        body: { error: { message: "Invalid 'messages': empty array", type: "invalid_request_error" } },
      },
    });
    const error = await failure("openai");
    expect(error.code).toBe("PROVIDER_BAD_REQUEST");
    expect(error.message).toContain("Invalid 'messages': empty array");
  });

  it("the failure lasts `times` requests, then the provider answers", async () => {
    fake.server.setScenario({ status: { code: 503, times: 2 } });
    await failure("mistral");
    await failure("mistral");
    const result = await collect(
      fakeAdapter(fake.server, "mistral").stream(testRequest("mistral"), openSignal()),
    );
    expect(result.text).toContain("Grüße");
  });

  it("an unreachable fake.server is PROVIDER_UNAVAILABLE", async () => {
    const closed = await startFakeProviderServer();
    await closed.close();
    const unreachable = await collect(
      fakeAdapter(closed, "openai").stream(testRequest("openai"), openSignal()),
    ).catch((caught: unknown) => caught);
    expect(unreachable).toBeInstanceOf(ProviderError);
    expect(unreachable).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });
});

describe("errors inside the stream", () => {
  const expected: Record<ProviderId, string> = {
    openai: "PROVIDER_UNAVAILABLE", // server_error
    azure: "PROVIDER_UNAVAILABLE", // server_error
    anthropic: "PROVIDER_UNAVAILABLE", // event: error, overloaded_error
    google: "PROVIDER_UNAVAILABLE", // raw JSON tail with code 503
    mistral: "PROVIDER_UNAVAILABLE", // internal_server_error
    ollama: "PROVIDER_UNAVAILABLE", // api_error
    xai: "PROVIDER_ERROR", // {code, error} with an unknown code
  };

  it.each(PROVIDER_IDS)("%s: text before the error arrives, then the error is thrown", async (provider) => {
    fake.server.setScenario({ errorAfterChars: 12, chunking: "random-bytes" });
    const { error, collected } = await collectFailure(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: expected[provider], provider, status: undefined });
    expect(collected.text).toBe("Grüße 👋 … you ");
    expect(collected.usage).toBeUndefined();
  });

  it.each(["openai", "anthropic", "google"] as const)(
    "%s: a stream cut off before its end is an error",
    async (provider) => {
      const bodies = {
        openai: 'data: {"choices":[{"index":0,"delta":{"content":"Hal"},"finish_reason":null}]}\n\n',
        anthropic:
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}}\n\n',
        google: 'data: {"candidates":[{"content":{"parts":[{"text":"Hal"}],"role":"model"}}]}\r\n\r\n',
      };
      fake.server.setScenario({ replay: bodies[provider] });
      const { error, collected } = await collectFailure(
        fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
      );
      expect(collected.text).toBe("Hal");
      expect(error).toMatchObject({
        code: "PROVIDER_UNAVAILABLE",
        message: expect.stringContaining("before the answer was complete"),
      });
    },
  );

  it("malformed stream data is PROVIDER_ERROR", async () => {
    fake.server.setScenario({ replay: "data: {not json\n\n" });
    expect(await failure("openai")).toMatchObject({ code: "PROVIDER_ERROR" });
  });
});

describe("abort", () => {
  it.each(PROVIDER_IDS)("%s: aborting a stalled stream ends the iteration promptly", async (provider) => {
    fake.server.setScenario({ stallAfterChars: 10 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const started = Date.now();
    const outcome = collect(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), controller.signal),
      (event) => {
        if (event.type === "delta") {
          deltas.push(event.text);
          // Once everything before the stall is in (it may come in several chunks, slowly on a loaded
          // machine): then the stream hangs, and the abort must end it.
          if (deltas.join("") === "Grüße 👋 … ") setTimeout(() => controller.abort(), 50);
        }
      },
    );
    await expect(outcome).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(deltas.join("")).toBe("Grüße 👋 … ");
  });

  it("an already aborted signal rejects without a request", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user left"));
    const outcome = collect(
      fakeAdapter(fake.server, "anthropic").stream(testRequest("anthropic"), controller.signal),
    );
    await expect(outcome).rejects.toThrow("user left");
    expect(fake.server.requests).toHaveLength(0);
  });

  it("breaking out of the loop early closes the connection", async () => {
    fake.server.setScenario({ stallAfterChars: 1_000_000, delayMs: 5 });
    for await (const event of fakeAdapter(fake.server, "openai").stream(
      testRequest("openai"),
      openSignal(),
    )) {
      if (event.type === "delta") break;
    }
    await expect.poll(() => fake.server.activeStreamCount(), { timeout: 1_000 }).toBe(0);
  });

  it("aborting closes the provider connection", async () => {
    fake.server.setScenario({ stallAfterChars: 10 });
    const controller = new AbortController();
    const outcome = collect(
      fakeAdapter(fake.server, "google").stream(testRequest("google"), controller.signal),
      () => controller.abort(),
    );
    await expect(outcome).rejects.toMatchObject({ name: "AbortError" });
    await expect.poll(() => fake.server.activeStreamCount(), { timeout: 1_000 }).toBe(0);
  });
});
