import { describe, expect, it } from "vitest";
import { parseEmbeddingModel } from "./embedding-models.js";

describe("parseEmbeddingModel", () => {
  it('"none" and empty mean no embeddings', () => {
    expect(parseEmbeddingModel("none")).toBeNull();
    expect(parseEmbeddingModel("NONE")).toBeNull();
    expect(parseEmbeddingModel("")).toBeNull();
    expect(parseEmbeddingModel("  ")).toBeNull();
  });

  it("reads provider, model and the known vector length", () => {
    expect(parseEmbeddingModel("openai/text-embedding-3-small")).toEqual({
      id: "openai/text-embedding-3-small",
      provider: "openai",
      model: "text-embedding-3-small",
      dimensions: 1536,
    });
    expect(parseEmbeddingModel("openai/text-embedding-ada-002")).toMatchObject({ dimensions: 1536 });
    expect(parseEmbeddingModel("mistral/mistral-embed")).toMatchObject({
      provider: "mistral",
      dimensions: 1024,
    });
    expect(parseEmbeddingModel("ollama/bge-m3")).toMatchObject({ dimensions: 1024 });
    expect(parseEmbeddingModel("ollama/nomic-embed-text:latest")).toMatchObject({
      model: "nomic-embed-text:latest",
      dimensions: 768,
    });
    expect(parseEmbeddingModel("azure/text-embedding-3-small-eu")).toMatchObject({
      provider: "azure",
      model: "text-embedding-3-small-eu",
      dimensions: 1536,
    });
  });

  it("asks for 1536 dimensions only from models whose vectors are longer by default", () => {
    expect(parseEmbeddingModel("openai/text-embedding-3-large")).toEqual({
      id: "openai/text-embedding-3-large",
      provider: "openai",
      model: "text-embedding-3-large",
      dimensions: 1536,
      requestDimensions: true,
    });
    expect(parseEmbeddingModel("google/gemini-embedding-001")).toMatchObject({
      dimensions: 1536,
      requestDimensions: true,
    });
    expect(parseEmbeddingModel("openai/text-embedding-ada-002")?.requestDimensions).toBeUndefined();
    expect(parseEmbeddingModel("mistral/mistral-embed")?.requestDimensions).toBeUndefined();
  });

  it("leaves the length of unknown models to the first answer", () => {
    expect(parseEmbeddingModel("ollama/mxbai-embed-large")).toEqual({
      id: "ollama/mxbai-embed-large",
      provider: "ollama",
      model: "mxbai-embed-large",
      dimensions: undefined,
    });
    expect(parseEmbeddingModel("azure/my-embeddings")?.dimensions).toBeUndefined();
  });

  it("rejects providers without embeddings, unknown providers and ids without a provider", () => {
    expect(() => parseEmbeddingModel("anthropic/claude-sonnet-4-5")).toThrow(
      'Anthropic has no embeddings API, so "anthropic/claude-sonnet-4-5" cannot embed; choose a model of openai, azure, google, mistral, ollama (or "none")',
    );
    expect(() => parseEmbeddingModel("xai/grok-4")).toThrow("xAI has no embeddings API");
    expect(() => parseEmbeddingModel("cohere/embed-v4")).toThrow('names the unknown provider "cohere"');
    expect(() => parseEmbeddingModel("text-embedding-3-small")).toThrow('is not "provider/model"');
    expect(() => parseEmbeddingModel("openai/")).toThrow('is not "provider/model"');
  });
});
