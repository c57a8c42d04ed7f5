import { describe, expect, it } from "vitest";
import {
  cosineSimilarity,
  FAKE_EMBEDDING_DIMENSIONS,
  fakeEmbedding,
  fakeTokenCount,
  fakeWords,
} from "./fake-embeddings.js";
import { useFakeProviderServer } from "./use-fake-provider.js";

const length = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

describe("fakeEmbedding", () => {
  it("gives texts that share words (or word parts) a higher similarity than unrelated ones", () => {
    const query = fakeEmbedding("Reisekosten werden erstattet");
    const related = fakeEmbedding("Erstattung der Reisekosten");
    const unrelated = fakeEmbedding("Das Wetter in Köln ist heute sonnig");
    expect(cosineSimilarity(query, related)).toBeGreaterThan(0.4);
    expect(cosineSimilarity(query, related)).toBeGreaterThan(cosineSimilarity(query, unrelated) + 0.3);
    // A shared stem alone ("erstatt…") still counts, through the trigrams.
    expect(cosineSimilarity(fakeEmbedding("erstattet"), fakeEmbedding("Erstattung"))).toBeGreaterThan(
      cosineSimilarity(fakeEmbedding("erstattet"), fakeEmbedding("Mittagessen")),
    );
  });

  it("is deterministic, case-insensitive and unit length in the requested dimensions", () => {
    const vector = fakeEmbedding("Größe der Straße");
    expect(vector).toEqual(fakeEmbedding("Größe der Straße"));
    expect(vector).toEqual(fakeEmbedding("größe DER straße!"));
    expect(vector).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
    expect(length(vector)).toBeCloseTo(1, 10);
    expect(fakeEmbedding("Größe der Straße", 1536)).toHaveLength(1536);
    expect(length(fakeEmbedding("Größe der Straße", 8))).toBeCloseTo(1, 10);
    expect(fakeEmbedding("eins")).not.toEqual(fakeEmbedding("zwei"));
  });

  it("treats umlauts, ß and digits as parts of words", () => {
    expect(fakeWords("Über Fußwege, 2 Straßen & café-Öffnung!")).toEqual([
      "über",
      "fußwege",
      "2",
      "straßen",
      "café",
      "öffnung",
    ]);
    expect(fakeTokenCount("Über Fußwege, 2 Straßen")).toBe(4);
    expect(fakeTokenCount("…")).toBe(1);
  });

  it("gives a text without words a unit vector too", () => {
    expect(length(fakeEmbedding(""))).toBe(1);
    expect(length(fakeEmbedding("?! …"))).toBe(1);
  });
});

describe("fake provider embeddings endpoints", () => {
  const fake = useFakeProviderServer();
  const post = (path: string, body: unknown) =>
    fetch(`${fake.server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fake.server.apiKey}` },
      body: JSON.stringify(body),
    });

  it("serves Ollama's own /api/embed with prompt_eval_count, and records the request", async () => {
    const response = await post("/ollama/api/embed", {
      model: "nomic-embed-text",
      input: ["Reisekosten", "Köln"],
      dimensions: 32,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "nomic-embed-text",
      embeddings: [fakeEmbedding("Reisekosten", 32), fakeEmbedding("Köln", 32)],
      prompt_eval_count: 2,
    });
    expect(fake.server.requests.at(-1)).toMatchObject({ provider: "ollama", path: "/api/embed" });
  });

  it("answers scenario failures in Ollama's own error shape on /api/embed", async () => {
    fake.server.setScenario({ status: { code: 503, times: 1 } });
    const failed = await post("/ollama/api/embed", { model: "nomic-embed-text", input: "x" });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({
      error: "server busy, please try again.  maximum pending requests exceeded",
    });
    expect((await post("/ollama/api/embed", { model: "nomic-embed-text", input: "x" })).status).toBe(200);
  });

  it("fails embedding calls whose inputs carry [[fake:429]] every other time, like chat", async () => {
    const body = { model: "text-embedding-3-small", input: ["Bitte [[fake:429]]"] };
    const first = await post("/openai/v1/embeddings", body);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await post("/openai/v1/embeddings", body)).status).toBe(200);
  });

  it("answers Mistral with an id and Gemini without usage", async () => {
    const mistral = (await (
      await post("/mistral/v1/embeddings", { model: "mistral-embed", input: "x" })
    ).json()) as Record<string, unknown>;
    expect(mistral).toMatchObject({
      object: "list",
      model: "mistral-embed",
      data: [{ object: "embedding", index: 0 }],
    });
    expect(mistral.id).toEqual(expect.any(String));
    const google = await fetch(
      `${fake.server.url}/google/v1beta/models/gemini-embedding-001:batchEmbedContents`,
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": fake.server.apiKey },
        body: JSON.stringify({
          requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "x" }] } }],
        }),
      },
    );
    // Gemini's own length when none is asked for.
    expect(await google.json()).toEqual({ embeddings: [{ values: fakeEmbedding("x", 3072) }] });
  });

  it("rejects Gemini requests whose model differs from the URL's, and a wrong key", async () => {
    const call = (key: string, model: string) =>
      fetch(`${fake.server.url}/google/v1beta/models/gemini-embedding-001:batchEmbedContents`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": key },
        body: JSON.stringify({ requests: [{ model, content: { parts: [{ text: "x" }] } }] }),
      });
    expect((await call(fake.server.apiKey, "models/text-embedding-004")).status).toBe(400);
    expect((await call("wrong", "models/gemini-embedding-001")).status).toBe(400);
    expect((await call(fake.server.apiKey, "models/gemini-embedding-001")).status).toBe(200);
  });
});
