import { describe, expect, it } from "vitest";
import { collect, collectFailure, fakeAdapter, testRequest } from "../../test/fake-provider/adapters.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { type ProviderCall, streamWithRetry } from "./retry.js";
import { ProviderError } from "./types.js";

const fake = useFakeProviderServer();

const fast = { baseDelayMs: 1, maxDelayMs: 50 };

describe("streamWithRetry", () => {
  it("retries 429s before the first token, honouring retry-after", async () => {
    fake.server.setScenario({ status: { code: 429, times: 2, retryAfterSeconds: 0.02 } });
    const retries: { code: string; attempt: number; delayMs: number }[] = [];
    const result = await collect(
      streamWithRetry(fakeAdapter(fake.server, "openai"), testRequest("openai"), openSignal(), {
        ...fast,
        onRetry: (error, attempt, delayMs) => retries.push({ code: error.code, attempt, delayMs }),
      }),
    );
    expect(result.text).toContain("Grüße 👋");
    expect(fake.server.requests).toHaveLength(3);
    expect(retries).toEqual([
      { code: "PROVIDER_RATE_LIMITED", attempt: 1, delayMs: 20 },
      { code: "PROVIDER_RATE_LIMITED", attempt: 2, delayMs: 20 },
    ]);
  });

  it("retries Anthropic's 529 overload and Gemini's 500", async () => {
    // The fake provider answers an overload the provider's own way: Anthropic with HTTP 529.
    const retried: { code: string; status: number | undefined }[] = [];
    const onRetry = (error: ProviderError) => retried.push({ code: error.code, status: error.status });
    fake.server.setScenario({ status: { code: 503, times: 1 } });
    const first = await collect(
      streamWithRetry(fakeAdapter(fake.server, "anthropic"), testRequest("anthropic"), openSignal(), {
        ...fast,
        onRetry,
      }),
    );
    fake.server.setScenario({ status: { code: 500, times: 1 } });
    const second = await collect(
      streamWithRetry(fakeAdapter(fake.server, "google"), testRequest("google"), openSignal(), {
        ...fast,
        onRetry,
      }),
    );
    expect(retried).toEqual([
      { code: "PROVIDER_UNAVAILABLE", status: 529 },
      { code: "PROVIDER_UNAVAILABLE", status: 500 },
    ]);
    expect(first.usage).toBeDefined();
    expect(second.usage).toBeDefined();
    expect(fake.server.requests).toHaveLength(4);
  });

  it("gives up after maxAttempts with the last error", async () => {
    fake.server.setScenario({ status: { code: 503, times: 10 } });
    const outcome = collect(
      streamWithRetry(fakeAdapter(fake.server, "mistral"), testRequest("mistral"), openSignal(), {
        ...fast,
        maxAttempts: 3,
      }),
    );
    await expect(outcome).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE", status: 503 });
    expect(fake.server.requests).toHaveLength(3);
  });

  it("does not retry other errors", async () => {
    const outcome = collect(
      streamWithRetry(fakeAdapter(fake.server, "xai", "wrong-key"), testRequest("xai"), openSignal(), fast),
    );
    await expect(outcome).rejects.toMatchObject({ code: "PROVIDER_AUTH" });
    fake.server.setScenario({ status: { code: 400, times: 5 } });
    await expect(
      collect(streamWithRetry(fakeAdapter(fake.server, "openai"), testRequest("openai"), openSignal(), fast)),
    ).rejects.toMatchObject({ code: "CONTEXT_TOO_LONG" });
    expect(fake.server.requests).toHaveLength(2);
  });

  it("does not retry once a token has been yielded", async () => {
    fake.server.setScenario({ errorAfterChars: 12 });
    const { error, collected } = await collectFailure(
      streamWithRetry(fakeAdapter(fake.server, "anthropic"), testRequest("anthropic"), openSignal(), fast),
    );
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(collected.text).toBe("Grüße 👋 … you ");
    expect(fake.server.requests).toHaveLength(1);
  });

  it("retries a mid-stream error that came before any token", async () => {
    fake.server.setScenario({ errorAfterChars: 0 });
    const { error, collected } = await collectFailure(
      streamWithRetry(fakeAdapter(fake.server, "openai"), testRequest("openai"), openSignal(), fast),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(collected.text).toBe("");
    expect(fake.server.requests).toHaveLength(3);
  });

  it("caps the provider's retry-after at maxDelayMs", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 30 } });
    const delays: number[] = [];
    await collect(
      streamWithRetry(fakeAdapter(fake.server, "google"), testRequest("google"), openSignal(), {
        maxDelayMs: 15,
        onRetry: (_error, _attempt, delayMs) => delays.push(delayMs),
      }),
    );
    expect(delays).toEqual([15]);
  });

  it("backs off exponentially with jitter when there is no hint", async () => {
    fake.server.setScenario({ status: { code: 500, times: 3 } });
    const delays: number[] = [];
    await collect(
      streamWithRetry(fakeAdapter(fake.server, "xai"), testRequest("xai"), openSignal(), {
        maxAttempts: 4,
        baseDelayMs: 8,
        onRetry: (_error, _attempt, delayMs) => delays.push(delayMs),
      }),
    );
    expect(delays).toHaveLength(3);
    [8, 16, 32].forEach((full, index) => {
      expect(delays[index]).toBeGreaterThanOrEqual(full / 2);
      expect(delays[index]).toBeLessThanOrEqual(full);
    });
  });

  it("an abort during the backoff wait ends promptly", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 30 } });
    const controller = new AbortController();
    const started = Date.now();
    const outcome = collect(
      streamWithRetry(fakeAdapter(fake.server, "openai"), testRequest("openai"), controller.signal, {
        maxDelayMs: 60_000,
        onRetry: () => setTimeout(() => controller.abort(), 20),
      }),
    );
    await expect(outcome).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.server.requests).toHaveLength(1);
  });

  it("the [[fake:429]] and [[fake:500]] markers fail once per prompt, so a retry succeeds", async () => {
    for (const marker of ["[[fake:429]]", "[[fake:500]]"]) {
      const request = testRequest("ollama", { messages: [{ role: "user", content: `Test ${marker}` }] });
      const retried: string[] = [];
      const result = await collect(
        streamWithRetry(fakeAdapter(fake.server, "ollama"), request, openSignal(), {
          ...fast,
          onRetry: (error) => retried.push(error.code),
        }),
      );
      expect(result.text).toContain("Grüße");
      expect(retried).toEqual([marker === "[[fake:429]]" ? "PROVIDER_RATE_LIMITED" : "PROVIDER_UNAVAILABLE"]);
    }
  });

  it("tells whether the provider accepted the attempt on its way: not while waiting to retry a refusal", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 0.02 } });
    const call: ProviderCall = { accepted: false };
    const seen: boolean[] = [];
    const accepted: number[] = [];
    const request = { ...testRequest("openai"), onAccepted: () => accepted.push(1) };
    const stream = streamWithRetry(fakeAdapter(fake.server, "openai"), request, openSignal(), {
      ...fast,
      call,
      onRetry: () => seen.push(call.accepted),
    });
    for await (const event of stream) if (event.type === "delta") seen.push(call.accepted);
    // Refused (429): not accepted; then accepted from the first token of the second attempt on.
    expect(seen[0]).toBe(false);
    expect(seen.slice(1).every(Boolean)).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    // The caller's own onAccepted is still told, once for the accepted attempt.
    expect(accepted).toEqual([1]);
  });
});
