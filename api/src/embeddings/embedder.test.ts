import { describe, expect, it } from "vitest";
import { fakeAdapter } from "../../test/fake-provider/adapters.js";
import { cosineSimilarity, fakeEmbedding } from "../../test/fake-provider/fake-embeddings.js";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import type { EmbeddingRequest, EmbeddingResult, ProviderAdapter, ProviderId } from "../providers/types.js";
import { createEmbedder, type EmbedderOptions, type EmbeddingCall } from "./embedder.js";
import { type EmbeddingModelChoice, parseEmbeddingModel } from "./embedding-models.js";

const fake = useFakeProviderServer();

const fast = { baseDelayMs: 1, maxDelayMs: 20 };

function choice(id: string): EmbeddingModelChoice {
  const parsed = parseEmbeddingModel(id);
  if (!parsed) throw new Error(`no model ${id}`);
  return parsed;
}

/** An embedder for a model the fake answers with its default 256 dimensions (unknown length). */
function fakeEmbedder(
  provider: ProviderId,
  model: string,
  options: Partial<Omit<EmbedderOptions, "choice" | "adapter">> = {},
) {
  return createEmbedder({
    choice: choice(`${provider}/${model}`),
    adapter: () => fakeAdapter(fake.server, provider),
    retryDelays: fast,
    ...options,
  });
}

/** An adapter that answers fixed vectors, for what the fake cannot be made to send. */
function stubAdapter(answer: (request: EmbeddingRequest) => EmbeddingResult): ProviderAdapter {
  return {
    id: "ollama",
    stream: () => {
      throw new Error("not used");
    },
    embed: async (request) => answer(request),
  };
}

const texts = (count: number) =>
  Array.from({ length: count }, (_, index) => `Abschnitt ${index}: Reisekosten`);

describe("createEmbedder", () => {
  it("splits the inputs into batches of 64 and returns the vectors in input order", async () => {
    const calls: EmbeddingCall[] = [];
    const embedder = fakeEmbedder("ollama", "mxbai-embed-large", { onCall: (call) => void calls.push(call) });
    const inputs = texts(150);
    const vectors = await embedder.embed(inputs, "document");
    const batches = fake.server.requests.map((request) => (request.body as { input: string[] }).input);
    expect(batches.map((batch) => batch.length)).toEqual([64, 64, 22]);
    expect(batches.flat()).toEqual(inputs);
    expect(vectors).toHaveLength(150);
    for (const [index, vector] of vectors.entries()) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(cosineSimilarity(vector, fakeEmbedding(inputs[index] ?? ""))).toBeCloseTo(1, 5);
    }
    expect(calls.map((call) => call.ok)).toEqual([true, true, true]);
    expect(calls.every((call) => call.model === "ollama/mxbai-embed-large")).toBe(true);
    expect(embedder.model).toBe("ollama/mxbai-embed-large");
    expect(embedder.dimensions).toBe(256);
  });

  it("honours batchSize", async () => {
    const embedder = createEmbedder({
      choice: choice("openai/text-embedding-3-small-custom"),
      adapter: () => fakeAdapter(fake.server, "openai"),
      batchSize: 2,
    });
    await embedder.embed(texts(5), "document");
    expect(fake.server.requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual(
      [2, 2, 1],
    );
  });

  it("retries a 429 after the provider's retry-after and reports every call", async () => {
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 0.05 } });
    const calls: EmbeddingCall[] = [];
    // Default delays: the provider's hint applies (capped at 10 s), not the backoff.
    const embedder = fakeEmbedder("openai", "text-embedding-3-small-custom", {
      retryDelays: undefined,
      onCall: (call) => void calls.push(call),
    });
    const started = performance.now();
    const vectors = await embedder.embed(["Reisekosten werden erstattet", "Köln"], "query");
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(vectors).toHaveLength(2);
    expect(fake.server.requests).toHaveLength(2);
    expect(calls).toEqual([
      {
        model: "openai/text-embedding-3-small-custom",
        promptTokens: 0,
        durationMs: expect.any(Number),
        ok: false,
      },
      // The fake counts words: 3 + 1.
      {
        model: "openai/text-embedding-3-small-custom",
        promptTokens: 4,
        durationMs: expect.any(Number),
        ok: true,
      },
    ]);
    expect(calls.every((call) => call.durationMs >= 0)).toBe(true);
  });

  it("retries unavailability from Gemini too, and gives up after maxAttempts", async () => {
    fake.server.setScenario({ status: { code: 503, times: 1 } });
    await expect(fakeEmbedder("google", "gemini-embedding-001").embed(["a"], "query")).resolves.toHaveLength(
      1,
    );
    fake.server.reset();
    fake.server.setScenario({ status: { code: 500, times: 10 } });
    const calls: EmbeddingCall[] = [];
    const failing = fakeEmbedder("google", "gemini-embedding-001", {
      maxAttempts: 3,
      onCall: (call) => void calls.push(call),
    });
    await expect(failing.embed(["a"], "query")).rejects.toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      status: 500,
    });
    expect(fake.server.requests).toHaveLength(3);
    expect(calls.map((call) => call.ok)).toEqual([false, false, false]);
  });

  it("does not retry a rejected key", async () => {
    fake.server.setScenario({ status: { code: 401, times: 5 } });
    await expect(fakeEmbedder("mistral", "mistral-embed").embed(["a"], "document")).rejects.toMatchObject({
      code: "PROVIDER_AUTH",
    });
    expect(fake.server.requests).toHaveLength(1);
  });

  it("asks for the configured length where the model shortens its vectors, in the provider's own name", async () => {
    const google = createEmbedder({
      choice: choice("google/gemini-embedding-001"),
      adapter: () => fakeAdapter(fake.server, "google"),
    });
    const [vector] = await google.embed(["Reisekosten"], "query");
    expect(vector).toHaveLength(1536);
    expect(fake.server.requests.at(-1)?.body).toMatchObject({
      requests: [{ outputDimensionality: 1536, taskType: "RETRIEVAL_QUERY" }],
    });
    const openai = createEmbedder({
      choice: choice("openai/text-embedding-3-large"),
      adapter: () => fakeAdapter(fake.server, "openai"),
    });
    await openai.embed(["Reisekosten"], "document");
    expect(fake.server.requests.at(-1)?.body).toMatchObject({ dimensions: 1536 });
    // mistral-embed gives 1024 and takes no length: none is sent.
    const mistral = fakeEmbedder("mistral", "mistral-embed");
    expect((await mistral.embed(["Reisekosten"], "document"))[0]).toHaveLength(1024);
    expect(fake.server.requests.at(-1)?.body).not.toHaveProperty("output_dimension");
  });

  it("normalises the vectors to unit length", async () => {
    const embedder = createEmbedder({
      choice: choice("ollama/custom"),
      adapter: () => stubAdapter(({ inputs }) => ({ vectors: inputs.map(() => [3, 4]), promptTokens: 1 })),
    });
    const vectors = await embedder.embed(["a", "b"], "document");
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)],
      [expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)],
    ]);
  });

  it("fails clearly when vectors differ in length, within a call or from the known length", async () => {
    const uneven = createEmbedder({
      choice: choice("ollama/custom"),
      batchSize: 2,
      adapter: () =>
        stubAdapter(({ inputs }) => ({
          vectors: inputs.map((_, index) => (inputs[0] === "c" ? [1, 2, 3] : index === 0 ? [1, 0] : [0, 1])),
          promptTokens: 1,
        })),
    });
    await expect(uneven.embed(["a", "b", "c"], "document")).rejects.toMatchObject({
      name: "EmbeddingError",
      code: "EMBEDDING_DIMENSIONS_MISMATCH",
      message: "ollama/custom returned a vector of 3 dimensions where 2 were expected",
    });
    // nomic-embed-text is known as 768; the fake serves local models 256 where no length is asked for.
    const known = createEmbedder({
      choice: choice("ollama/nomic-embed-text"),
      adapter: () => fakeAdapter(fake.server, "ollama"),
    });
    await expect(known.embed(["a"], "document")).rejects.toThrow(
      "ollama/nomic-embed-text returned a vector of 256 dimensions where 768 were expected",
    );
  });

  it("fails clearly when the provider is not configured or has no embeddings", async () => {
    const unconfigured = createEmbedder({
      choice: choice("openai/text-embedding-3-small"),
      adapter: () => undefined,
    });
    await expect(unconfigured.embed(["a"], "document")).rejects.toMatchObject({
      code: "EMBEDDINGS_UNAVAILABLE",
      message: "OpenAI is not configured, so openai/text-embedding-3-small cannot embed",
    });
    const withoutEmbed = createEmbedder({
      choice: choice("ollama/custom"),
      adapter: () => fakeAdapter(fake.server, "xai"),
    });
    await expect(withoutEmbed.embed(["a"], "document")).rejects.toMatchObject({
      code: "EMBEDDINGS_UNAVAILABLE",
    });
  });

  it("makes no call for no inputs, and stops waiting for a retry on abort", async () => {
    const embedder = fakeEmbedder("openai", "text-embedding-3-small-custom", { retryDelays: undefined });
    await expect(embedder.embed([], "document")).resolves.toEqual([]);
    expect(fake.server.requests).toHaveLength(0);
    fake.server.setScenario({ status: { code: 429, times: 1, retryAfterSeconds: 5 } });
    const controller = new AbortController();
    const embedding = embedder.embed(["a"], "document", controller.signal);
    await expect.poll(() => fake.server.requests.length).toBe(1);
    controller.abort(new Error("stopped"));
    await expect(embedding).rejects.toThrow("stopped");
  });
});
