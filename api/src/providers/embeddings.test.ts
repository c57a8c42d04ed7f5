import { describe, expect, it } from "vitest";
import { fakeAdapter } from "../../test/fake-provider/adapters.js";
import { fakeNativeDimensions } from "../../test/fake-provider/embeddings-formats.js";
import { fakeEmbedding, fakeTokenCount } from "../../test/fake-provider/fake-embeddings.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { countTokens } from "../documents/chunking/token-count.js";
import { createMistralAdapter } from "./mistral.js";
import { createOpenAiAdapter } from "./openai.js";
import type { EmbeddingRequest, ProviderAdapter, ProviderId } from "./types.js";

// Every adapter's `embed` against the fake provider server over real HTTP: the vectors, the request each
// provider receives (its own name for the vector length), usage, and errors mapped like chat errors.

const fake = useFakeProviderServer();

interface Case {
  provider: ProviderId;
  model: string;
  path: string;
  /** Where the requested length must appear in the recorded body. */
  dimensionsIn: (body: Record<string, unknown>) => unknown[];
  /** Fields that must not be sent. */
  absent: string[];
  /** Usage as the provider reports it, or counted by the adapter (Gemini reports none). */
  tokens: (inputs: string[]) => number;
  /** The fake sends retry-after where the provider does (unknown for Mistral, none from Ollama). */
  retryAfterSeconds: number | undefined;
}

const reported = (inputs: string[]) => inputs.reduce((sum, input) => sum + fakeTokenCount(input), 0);
const topLevel = (field: string) => (body: Record<string, unknown>) => [body[field]];

const CASES: Case[] = [
  {
    provider: "openai",
    model: "text-embedding-3-large",
    path: "/embeddings",
    dimensionsIn: topLevel("dimensions"),
    absent: ["output_dimension"],
    tokens: reported,
    retryAfterSeconds: 7,
  },
  {
    provider: "azure",
    model: "text-embedding-3-small",
    path: "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
    dimensionsIn: topLevel("dimensions"),
    absent: ["output_dimension"],
    tokens: reported,
    retryAfterSeconds: 7,
  },
  {
    provider: "mistral",
    model: "codestral-embed",
    path: "/v1/embeddings",
    dimensionsIn: topLevel("output_dimension"),
    absent: ["dimensions"],
    tokens: reported,
    retryAfterSeconds: undefined,
  },
  {
    provider: "ollama",
    model: "nomic-embed-text:latest",
    path: "/v1/embeddings",
    dimensionsIn: topLevel("dimensions"),
    absent: ["output_dimension"],
    tokens: reported,
    retryAfterSeconds: undefined,
  },
  {
    provider: "google",
    model: "gemini-embedding-001",
    path: "/v1beta/models/gemini-embedding-001:batchEmbedContents",
    dimensionsIn: (body) =>
      (body.requests as Record<string, unknown>[]).map((request) => request.outputDimensionality),
    absent: ["dimensions", "input"],
    tokens: (inputs) => inputs.reduce((sum, input) => sum + countTokens(input), 0),
    retryAfterSeconds: 7,
  },
];

const INPUTS = [
  "Reisekosten werden nach der Reise erstattet.",
  "Die Kantine öffnet um 11:30 Uhr.",
  "Straßenbahn, Fußweg und Größe: ä ö ü ß.",
];

function embedder(provider: ProviderId): Required<Pick<ProviderAdapter, "embed">> {
  const adapter = fakeAdapter(fake.server, provider);
  if (!adapter.embed) throw new Error(`${provider} has no embed`);
  return { embed: adapter.embed.bind(adapter) };
}

function lastRequest() {
  const request = fake.server.requests.at(-1);
  if (!request) throw new Error("no request reached the fake server");
  return { ...request, body: request.body as Record<string, unknown> };
}

describe.each(CASES)("$provider embed", (testCase) => {
  const request = (overrides: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({
    model: testCase.model,
    inputs: INPUTS,
    purpose: "document",
    ...overrides,
  });

  it("returns one vector per input, in input order, of the requested length", async () => {
    const result = await embedder(testCase.provider).embed(request({ dimensions: 64 }), openSignal());
    expect(result.vectors).toEqual(INPUTS.map((input) => fakeEmbedding(input, 64)));
    const recorded = lastRequest();
    expect(recorded.path).toBe(testCase.path);
    expect(testCase.dimensionsIn(recorded.body)).toEqual(
      testCase.provider === "google" ? INPUTS.map(() => 64) : [64],
    );
    for (const field of testCase.absent) expect(recorded.body).not.toHaveProperty(field);
  });

  it("sends no length parameter when none is asked for, and reports the prompt tokens", async () => {
    const result = await embedder(testCase.provider).embed(request(), openSignal());
    const native = fakeNativeDimensions(testCase.model);
    expect(result.vectors.map((vector) => vector.length)).toEqual([native, native, native]);
    expect(testCase.dimensionsIn(lastRequest().body).every((value) => value === undefined)).toBe(true);
    expect(result.promptTokens).toBe(testCase.tokens(INPUTS));
    expect(result.promptTokens).toBeGreaterThan(0);
  });

  it("maps a rejected key to PROVIDER_AUTH", async () => {
    fake.server.setScenario({ status: { code: 401, times: 1 } });
    await expect(embedder(testCase.provider).embed(request(), openSignal())).rejects.toMatchObject({
      name: "ProviderError",
      code: "PROVIDER_AUTH",
      provider: testCase.provider,
    });
  });

  it("maps a 429 to PROVIDER_RATE_LIMITED with the provider's retry-after", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 7 } });
    const failure = embedder(testCase.provider).embed(request(), openSignal());
    await expect(failure).rejects.toMatchObject({
      code: "PROVIDER_RATE_LIMITED",
      status: 429,
      retryAfterSeconds: testCase.retryAfterSeconds,
    });
    // The failure was used up: the next call succeeds.
    await expect(embedder(testCase.provider).embed(request(), openSignal())).resolves.toHaveProperty(
      "vectors.length",
      3,
    );
  });

  it("rejects with the abort reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await expect(embedder(testCase.provider).embed(request(), controller.signal)).rejects.toThrow("stopped");
  });
});

describe("request shapes", () => {
  it("OpenAI-style providers ask for floats and send the texts as `input`", async () => {
    for (const provider of ["openai", "azure", "mistral", "ollama"] as const) {
      const model = CASES.find((testCase) => testCase.provider === provider)?.model ?? "";
      await embedder(provider).embed({ model, inputs: INPUTS, purpose: "query" }, openSignal());
      const { body } = lastRequest();
      expect(body.encoding_format).toBe("float");
      expect(body.input).toEqual(INPUTS);
      expect(body.model).toBe(model);
    }
  });

  it("sends each provider's own authentication", async () => {
    const headersOf = async (provider: ProviderId) => {
      const model = CASES.find((testCase) => testCase.provider === provider)?.model ?? "";
      await embedder(provider).embed({ model, inputs: ["x"], purpose: "document" }, openSignal());
      return lastRequest().headers;
    };
    expect((await headersOf("openai")).authorization).toBe(`Bearer ${fake.server.apiKey}`);
    expect((await headersOf("mistral")).authorization).toBe(`Bearer ${fake.server.apiKey}`);
    const azure = await headersOf("azure");
    expect(azure["api-key"]).toBe(fake.server.apiKey);
    expect(azure.authorization).toBeUndefined();
    expect((await headersOf("google"))["x-goog-api-key"]).toBe(fake.server.apiKey);
    expect((await headersOf("ollama")).authorization).toBeUndefined();
  });

  it("google: one request per text naming the model, with the task type of the purpose", async () => {
    const adapter = embedder("google");
    await adapter.embed(
      { model: "models/gemini-embedding-001", inputs: ["a", "b"], purpose: "document" },
      openSignal(),
    );
    expect(lastRequest().body).toEqual({
      requests: [
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "a" }] },
          taskType: "RETRIEVAL_DOCUMENT",
        },
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "b" }] },
          taskType: "RETRIEVAL_DOCUMENT",
        },
      ],
    });
    await adapter.embed({ model: "gemini-embedding-001", inputs: ["a"], purpose: "query" }, openSignal());
    expect(lastRequest().body).toMatchObject({ requests: [{ taskType: "RETRIEVAL_QUERY" }] });
  });

  it("the fake rejects `dimensions` for ada-002 as OpenAI does, and the adapter reports a bad request", async () => {
    const request: EmbeddingRequest = {
      model: "text-embedding-ada-002",
      inputs: ["x"],
      purpose: "document",
      dimensions: 512,
    };
    await expect(embedder("openai").embed(request, openSignal())).rejects.toMatchObject({
      code: "PROVIDER_BAD_REQUEST",
      status: 400,
      message: expect.stringContaining("does not support specifying dimensions"),
    });
  });

  it("the fake rejects `dimensions` for Mistral (unknown field, 422) as Mistral does", async () => {
    const response = await fetch(`${fake.server.baseUrls.mistral}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-embed", input: ["x"], dimensions: 64 }),
    });
    expect(response.status).toBe(422);
  });

  it("xAI and Anthropic have no embeddings", () => {
    expect(fakeAdapter(fake.server, "xai").embed).toBeUndefined();
    expect(fakeAdapter(fake.server, "anthropic").embed).toBeUndefined();
  });
});

describe("answers the adapters must put right", () => {
  /** A fetch that lets `change` rewrite the fake's JSON answer (or the request body) on the way. */
  function rewritingFetch(options: {
    request?: (body: Record<string, unknown>) => Record<string, unknown>;
    answer?: (body: Record<string, unknown>) => Record<string, unknown>;
  }): typeof fetch {
    return async (url, init) => {
      const body = options.request
        ? JSON.stringify(options.request(JSON.parse(String(init?.body))))
        : init?.body;
      const response = await fetch(url, { ...init, body });
      if (!options.answer) return response;
      const answer = options.answer((await response.json()) as Record<string, unknown>);
      return new Response(JSON.stringify(answer), { status: response.status, headers: response.headers });
    };
  }

  const openAi = (fetchImplementation: typeof fetch) =>
    createOpenAiAdapter({
      apiKey: fake.server.apiKey,
      baseUrl: fake.server.baseUrls.openai,
      fetch: fetchImplementation,
    });

  it("puts vectors back in input order by `index` when the provider shuffles them", async () => {
    const reverse = rewritingFetch({
      answer: (body) => ({ ...body, data: [...(body.data as unknown[])].reverse() }),
    });
    const request: EmbeddingRequest = {
      model: "text-embedding-3-small",
      inputs: INPUTS,
      purpose: "document",
    };
    for (const adapter of [
      openAi(reverse),
      createMistralAdapter({
        apiKey: fake.server.apiKey,
        baseUrl: fake.server.baseUrls.mistral,
        fetch: reverse,
      }),
    ]) {
      const result = await adapter.embed?.(request, openSignal());
      expect(result?.vectors).toEqual(
        INPUTS.map((input) => fakeEmbedding(input, fakeNativeDimensions(request.model))),
      );
    }
  });

  it("decodes base64 vectors from servers that answer them anyway", async () => {
    const asBase64 = rewritingFetch({ request: (body) => ({ ...body, encoding_format: "base64" }) });
    const result = await openAi(asBase64).embed?.(
      { model: "text-embedding-3-small", inputs: ["Köln"], purpose: "query", dimensions: 8 },
      openSignal(),
    );
    const expected = fakeEmbedding("Köln", 8);
    expect(result?.vectors[0]).toHaveLength(8);
    const actual = result?.vectors[0] ?? [];
    for (const [index, value] of actual.entries())
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6);
  });

  it("counts the tokens itself when an OpenAI-compatible server reports no usage", async () => {
    const withoutUsage = rewritingFetch({ answer: ({ usage: _usage, ...body }) => body });
    const result = await openAi(withoutUsage).embed?.(
      { model: "text-embedding-3-small", inputs: INPUTS, purpose: "document" },
      openSignal(),
    );
    expect(result?.promptTokens).toBe(INPUTS.reduce((sum, input) => sum + countTokens(input), 0));
  });

  it("fails with PROVIDER_ERROR when vectors are missing or the answer has another shape", async () => {
    const dropOne = rewritingFetch({
      answer: (body) => ({ ...body, data: (body.data as unknown[]).slice(1) }),
    });
    const request: EmbeddingRequest = {
      model: "text-embedding-3-small",
      inputs: INPUTS,
      purpose: "document",
    };
    await expect(openAi(dropOne).embed?.(request, openSignal())).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
      message: "OpenAI returned 2 embeddings for 3 inputs",
    });
    const garbled = rewritingFetch({ answer: () => ({ vectors: [] }) });
    await expect(openAi(garbled).embed?.(request, openSignal())).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
      message: "OpenAI sent an answer this client does not understand",
    });
  });

  it("maps an unreachable server to PROVIDER_UNAVAILABLE", async () => {
    const adapter = createOpenAiAdapter({ apiKey: "k", baseUrl: "http://127.0.0.1:1/v1" });
    await expect(
      adapter.embed?.({ model: "text-embedding-3-small", inputs: ["x"], purpose: "query" }, openSignal()),
    ).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE", provider: "openai" });
  });
});
