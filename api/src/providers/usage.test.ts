import { describe, expect, it } from "vitest";
import { collect, fakeAdapter, testRequest } from "../../test/fake-provider/adapters.js";
import {
  ANTHROPIC_STREAM,
  ANTHROPIC_THINKING_USAGE_STREAM,
  AZURE_STREAM,
  GEMINI_STREAM,
  GEMINI_STREAM_TEXT,
  MISTRAL_MAGISTRAL_STREAM,
  OPENAI_STREAM,
  XAI_REASONING_STREAM,
} from "../../test/fake-provider/recorded-shapes.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import type { ProviderId, TokenUsage } from "./types.js";

// Usage normalisation: promptTokens include cached, completionTokens include reasoning, for every provider.

const fake = useFakeProviderServer();

async function usageOf(provider: ProviderId): Promise<TokenUsage | undefined> {
  return (await collect(fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal())))
    .usage;
}

describe("usage from the providers' native fields (fake fake.server rendering)", () => {
  const reported = { promptTokens: 1000, cachedTokens: 200, completionTokens: 300, reasoningTokens: 120 };

  it.each(["openai", "azure", "anthropic", "google", "mistral", "xai"] as const)(
    "%s reports cached and reasoning tokens",
    async (provider) => {
      fake.server.setScenario({ usage: reported, chunking: "random-bytes" });
      expect(await usageOf(provider)).toEqual(reported);
    },
  );

  it("ollama has no cached or reasoning counts", async () => {
    fake.server.setScenario({ usage: reported });
    expect(await usageOf("ollama")).toEqual({
      promptTokens: 1000,
      cachedTokens: 0,
      completionTokens: 300,
      reasoningTokens: 0,
    });
  });

  it("xai: the wire has reasoning beside completion_tokens, the adapter adds them", async () => {
    fake.server.setScenario({ usage: reported });
    const response = await fetch(`${fake.server.baseUrls.xai}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "grok-4",
        messages: [{ role: "user", content: "x" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const body = await response.text();
    expect(body).toContain('"completion_tokens":180,');
    expect(body).toContain('"reasoning_tokens":120');
    expect(await usageOf("xai")).toMatchObject({ completionTokens: 300, reasoningTokens: 120 });
  });

  it("google: thought parts are sent but are not part of the text", async () => {
    fake.server.setScenario({ text: "Nur die Antwort.", usage: reported });
    const raw = await fetch(
      `${fake.server.baseUrls.google}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      {
        method: "POST",
        headers: { "x-goog-api-key": fake.server.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
      },
    );
    expect(await raw.text()).toContain('"thought":true');
    const result = await collect(
      fakeAdapter(fake.server, "google").stream(testRequest("google"), openSignal()),
    );
    expect(result.text).toBe("Nur die Antwort.");
  });

  it.each(["xai", "mistral", "ollama", "anthropic"] as const)(
    "%s: reasoning text is not part of the answer",
    async (provider) => {
      fake.server.setScenario({ text: "Antwort ohne Gedanken.", usage: reported });
      const result = await collect(
        fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
      );
      expect(result.text).toBe("Antwort ohne Gedanken.");
    },
  );

  it("the default prompt count follows the request text deterministically", async () => {
    const first = await usageOf("openai");
    const second = await usageOf("openai");
    expect(first?.promptTokens).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });
});

describe("usage and text from streams shaped like the recorded captures", () => {
  // [case, provider, body, text, usage as prompt / cached / completion / reasoning]
  const cases: [string, ProviderId, string, string, [number, number, number, number] | undefined][] = [
    ["openai gpt-4o-mini", "openai", OPENAI_STREAM, "Die Hauptstadt ist Zürich? Nein: Bern.", [78, 0, 9, 0]],
    [
      "anthropic: usage from message_start and message_delta",
      "anthropic",
      ANTHROPIC_STREAM,
      "Zwei – also 2 ✌️",
      [20, 0, 5, 0],
    ],
    // message_delta's input (2411) wins over message_start's (1128); thinking is the reasoning subset.
    [
      "anthropic: final counts and thinking tokens",
      "anthropic",
      ANTHROPIC_THINKING_USAGE_STREAM,
      "Fertig.",
      [2411, 0, 145, 47],
    ],
    // The last usageMetadata counts: 80 candidates + 35 thoughts.
    [
      "google: cumulative usageMetadata with thoughts",
      "google",
      GEMINI_STREAM,
      GEMINI_STREAM_TEXT,
      [18, 0, 115, 35],
    ],
    [
      "mistral magistral: thinking parts skipped",
      "mistral",
      MISTRAL_MAGISTRAL_STREAM,
      "Schau nach links.",
      [10, 0, 232, 0],
    ],
    // completion_tokens 1 + reasoning_tokens 290 beside it.
    [
      "xai grok-3-mini: reasoning outside completion_tokens",
      "xai",
      XAI_REASONING_STREAM,
      "Hallo",
      [12, 11, 291, 290],
    ],
    ["azure: prompt-filter chunk skipped, no usage chunk", "azure", AZURE_STREAM, "Hi ü", undefined],
  ];

  it.each(cases)("%s", async (_name, provider, body, text, usage) => {
    fake.server.setScenario({ replay: body, chunking: "random-bytes" });
    const result = await collect(
      fakeAdapter(fake.server, provider).stream(testRequest(provider), openSignal()),
    );
    expect(result.text).toBe(text);
    const [promptTokens, cachedTokens, completionTokens, reasoningTokens] = usage ?? [];
    expect(result.usage).toEqual(usage && { promptTokens, cachedTokens, completionTokens, reasoningTokens });
  });
});
