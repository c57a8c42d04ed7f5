import { describe, expect, it } from "vitest";
import { collect, fakeAdapter, TEST_MODELS, testRequest } from "../../test/fake-provider/adapters.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from "./anthropic.js";
import { PROVIDER_IDS, type ProviderId } from "./types.js";

// Every adapter against the fake fake.server over real HTTP: full text, and the request each provider receives.

const fake = useFakeProviderServer();

function lastBody(): Record<string, unknown> {
  const request = fake.server.requests.at(-1);
  if (!request) throw new Error("no request reached the fake server");
  return request.body as Record<string, unknown>;
}

describe.each(PROVIDER_IDS)("%s adapter", (provider: ProviderId) => {
  it("streams the whole text with random byte chunking and pings", async () => {
    const text = "Grüße 👋 … the quick brown fox — 日本語 ✅\r\n\r\nSecond paragraph: data: not an event.";
    fake.server.setScenario({ text, chunking: "random-bytes", pings: true });
    const result = await collect(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
    );
    expect(result.text).toBe(text);
    expect(result.deltas.length).toBeGreaterThan(5);
    expect(result.events.filter((event) => event.type === "usage")).toHaveLength(1);
    expect(result.events.at(-1)?.type).toBe("usage");
  });

  it("streams the default reply in one write and slowly word by word", async () => {
    fake.server.setScenario({ chunking: "single" });
    const single = await collect(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
    );
    fake.server.setScenario({ chunking: "words", delayMs: 2 });
    const paced = await collect(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
    );
    expect(single.text).toContain("Grüße 👋 … you wrote: „Wie geht's? Erzähl mir etwas über Köln.“");
    expect(paced.text).toBe(single.text);
  });

  it("says when the provider accepted the call (it bills the prompt from then on), not when it refused it", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1 } });
    let accepted = 0;
    const request = testRequest(provider, {
      onAccepted: () => {
        accepted += 1;
      },
    });
    await expect(collect(fakeAdapter(fake.server, provider).stream(request, openSignal()))).rejects.toThrow();
    expect(accepted).toBe(0);
    fake.server.setScenario({ stallAfterChars: 0 });
    const controller = new AbortController();
    const stream = fakeAdapter(fake.server, provider).stream(request, controller.signal);
    const reading = collect(stream);
    await expect.poll(() => accepted).toBe(1);
    controller.abort(new Error("stopped"));
    await expect(reading).rejects.toThrow("stopped");
    expect(accepted).toBe(1);
  });

  it("omits temperature and the token limit when they are undefined", async () => {
    await collect(fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()));
    const body = lastBody();
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("max_completion_tokens");
    expect(body).not.toHaveProperty("generationConfig");
    if (provider === "anthropic") expect(body.max_tokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
    else expect(body).not.toHaveProperty("max_tokens");
  });
});

describe("system prompt placement and request shape", () => {
  const system = "Du bist ein hilfreicher Assistent.";
  const conversation = testRequest("openai", {
    system,
    temperature: 0.4,
    maxOutputTokens: 321,
    messages: [
      { role: "user", content: "Hallo" },
      { role: "assistant", content: "Hallo! Wie kann ich helfen?" },
      { role: "user", content: "Erzähl einen Witz." },
    ],
  });

  // Mistral rejects unknown fields, so it gets no stream_options; it reports usage anyway.
  const openAiFormats = [
    ["openai", "max_completion_tokens", { include_usage: true }],
    ["xai", "max_completion_tokens", { include_usage: true }],
    ["azure", "max_completion_tokens", { include_usage: true }],
    ["mistral", "max_tokens", undefined],
    ["ollama", "max_tokens", { include_usage: true }],
  ] as const;

  it.each(openAiFormats)(
    "%s: first system message, %s, stream options",
    async (provider, tokenField, streamOptions) => {
      const request = { ...conversation, model: TEST_MODELS[provider] };
      await collect(fakeAdapter(fake.server, provider).stream(request, openSignal()));
      const body = lastBody();
      expect(body.messages).toEqual([{ role: "system", content: system }, ...conversation.messages]);
      expect(body.temperature).toBe(0.4);
      expect(body[tokenField]).toBe(321);
      expect(Object.keys(body).filter((key) => key.startsWith("max_"))).toEqual([tokenField]);
      expect(body.stream).toBe(true);
      expect(body.stream_options).toEqual(streamOptions);
    },
  );

  it("anthropic: top-level system, no system message, max_tokens and version header", async () => {
    const request = { ...conversation, model: TEST_MODELS.anthropic };
    await collect(fakeAdapter(fake.server, "anthropic").stream(request, openSignal()));
    const recorded = fake.server.requests.at(-1);
    expect(recorded?.path).toBe("/v1/messages");
    expect(recorded?.headers["x-api-key"]).toBe(fake.server.apiKey);
    expect(recorded?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(recorded?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 321,
      system,
      messages: conversation.messages,
      temperature: 0.4,
      stream: true,
    });
  });

  it("google: systemInstruction, role model, generationConfig, key header", async () => {
    const request = { ...conversation, model: TEST_MODELS.google };
    await collect(fakeAdapter(fake.server, "google").stream(request, openSignal()));
    const recorded = fake.server.requests.at(-1);
    expect(recorded?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(recorded?.headers["x-goog-api-key"]).toBe(fake.server.apiKey);
    expect(recorded?.body).toEqual({
      contents: [
        { role: "user", parts: [{ text: "Hallo" }] },
        { role: "model", parts: [{ text: "Hallo! Wie kann ich helfen?" }] },
        { role: "user", parts: [{ text: "Erzähl einen Witz." }] },
      ],
      systemInstruction: { parts: [{ text: system }] },
      generationConfig: { temperature: 0.4, maxOutputTokens: 321 },
    });
  });

  // A 1×1 PNG: what matters is where each provider expects it, and that the bytes arrive unchanged.
  const image = {
    mimeType: "image/png",
    base64:
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  };
  const withImage = (provider: ProviderId) =>
    testRequest(provider, { messages: [{ role: "user", content: "Was steht hier?", images: [image] }] });

  it.each(["openai", "xai", "azure", "mistral", "ollama"] as const)(
    "%s: an image goes first as an image_url part with a data URL, the text after it",
    async (provider) => {
      const result = await collect(
        fakeAdapter(fake.server, provider).stream(withImage(provider), openSignal()),
      );
      expect(result.text).toContain("(I see 1 image.)");
      expect(lastBody().messages).toEqual([
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: `data:image/png;base64,${image.base64}` } },
            { type: "text", text: "Was steht hier?" },
          ],
        },
      ]);
    },
  );

  it("anthropic: an image goes first as a base64 image block, the text after it", async () => {
    const result = await collect(
      fakeAdapter(fake.server, "anthropic").stream(withImage("anthropic"), openSignal()),
    );
    expect(result.text).toContain("(I see 1 image.)");
    expect(lastBody().messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: image.base64 } },
          { type: "text", text: "Was steht hier?" },
        ],
      },
    ]);
  });

  it("google: an image goes first as inlineData, the text after it", async () => {
    const result = await collect(
      fakeAdapter(fake.server, "google").stream(withImage("google"), openSignal()),
    );
    expect(result.text).toContain("(I see 1 image.)");
    expect(lastBody().contents).toEqual([
      {
        role: "user",
        parts: [{ inlineData: { mimeType: "image/png", data: image.base64 } }, { text: "Was steht hier?" }],
      },
    ]);
  });

  it("a turn without images keeps its text as a plain string", async () => {
    const result = await collect(
      fakeAdapter(fake.server, "openai").stream(testRequest("openai"), openSignal()),
    );
    expect(result.text).not.toContain("I see");
    expect((lastBody().messages as { content: unknown }[])[0]?.content).toBeTypeOf("string");
  });

  it("sends each provider's own authentication and path", async () => {
    const seen: Record<string, { path: string; headers: Record<string, string> }> = {};
    for (const provider of ["openai", "mistral", "xai", "azure", "ollama"] as const) {
      await collect(fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()));
      const recorded = fake.server.requests.at(-1);
      if (recorded) seen[provider] = recorded;
    }
    expect(seen.openai?.path).toBe("/chat/completions");
    expect(seen.openai?.headers.authorization).toBe(`Bearer ${fake.server.apiKey}`);
    expect(seen.mistral?.path).toBe("/v1/chat/completions");
    expect(seen.mistral?.headers.authorization).toBe(`Bearer ${fake.server.apiKey}`);
    expect(seen.xai?.path).toBe("/chat/completions");
    expect(seen.azure?.path).toBe("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21");
    expect(seen.azure?.headers["api-key"]).toBe(fake.server.apiKey);
    expect(seen.azure?.headers.authorization).toBeUndefined();
    expect(seen.ollama?.path).toBe("/v1/chat/completions");
    expect(seen.ollama?.headers.authorization).toBeUndefined();
  });

  it("the fake rejects temperature for OpenAI reasoning models, as OpenAI does", async () => {
    const request = testRequest("openai", { model: "gpt-5.1", temperature: 0.2 });
    await expect(
      collect(fakeAdapter(fake.server, "openai").stream(request, openSignal())),
    ).rejects.toMatchObject({
      code: "PROVIDER_BAD_REQUEST",
      status: 400,
      message: expect.stringContaining("'temperature' is not supported"),
    });
  });
});
