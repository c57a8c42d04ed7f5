import { describe, expect, it } from "vitest";
import { AZURE_TEST_API_VERSION } from "../../test/fake-provider/adapters.js";
import { ANTHROPIC_PAGE_SIZE, GOOGLE_PAGE_SIZE } from "../../test/fake-provider/model-lists.js";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { findCatalogueModel } from "./catalogue.js";
import { type ListedModel, listProviderModels, type ModelListRequest } from "./model-lists.js";
import { ProviderError, type ProviderId } from "./types.js";

const fake = useFakeProviderServer({ ollamaModels: ["llama3.2:latest", "hf.co/org/tiny:Q4"] });

function list(provider: ProviderId, overrides: Partial<ModelListRequest> = {}): Promise<ListedModel[]> {
  return listProviderModels({
    provider,
    apiKey: provider === "ollama" ? null : fake.server.apiKey,
    baseUrl: fake.server.baseUrls[provider],
    azureApiVersion: AZURE_TEST_API_VERSION,
    signal: AbortSignal.timeout(5_000),
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const ids = (models: ListedModel[]) => models.map((model) => model.providerModel);

describe("listProviderModels", () => {
  it("OpenAI: chat models only, known and new ones, with the Bearer key", async () => {
    const models = await list("openai");
    expect(ids(models)).toEqual([
      "gpt-5.7-preview",
      "gpt-5.1",
      "gpt-4.1-mini",
      "gpt-4o-mini",
      "o3",
      "o4-mini",
      "chatgpt-4o-latest",
    ]);
    expect(findCatalogueModel("openai/gpt-5.7-preview")).toBeUndefined();
    expect(models[0]).toEqual({ providerModel: "gpt-5.7-preview", name: null, contextWindow: null });
    const recorded = fake.server.requests.at(-1);
    expect(recorded).toMatchObject({ method: "GET", path: "/models" });
    expect(recorded?.headers.authorization).toBe(`Bearer ${fake.server.apiKey}`);
  });

  it("xAI: leaves out the image generator", async () => {
    expect(ids(await list("xai"))).toEqual([
      "grok-4.6",
      "grok-4.5",
      "grok-4.3",
      "grok-4.20-0309-reasoning",
      "grok-4.20-0309-non-reasoning",
    ]);
  });

  it("Mistral: only models with completion_chat, with their context length", async () => {
    const models = await list("mistral");
    expect(ids(models)).toEqual([
      "mistral-large-latest",
      "mistral-small-latest",
      "codestral-latest",
      "magistral-medium-latest",
      "devstral-medium-latest",
    ]);
    expect(models[0]).toEqual({ providerModel: "mistral-large-latest", name: null, contextWindow: 262_144 });
    expect(fake.server.requests.at(-1)?.path).toBe("/v1/models");
  });

  it("Anthropic: follows has_more/last_id through every page", async () => {
    const models = await list("anthropic");
    expect(ids(models)).toEqual([
      "claude-opus-5",
      "claude-sonnet-5",
      "claude-mythos-preview",
      "claude-opus-4-8",
      "claude-sonnet-4-6",
      "claude-haiku-4-5-20251001",
    ]);
    expect(models[0]).toEqual({
      providerModel: "claude-opus-5",
      name: "Claude Opus 5",
      contextWindow: 1_000_000,
    });
    expect(fake.server.requests.map((request) => request.path)).toEqual([
      "/v1/models?limit=1000",
      "/v1/models?limit=1000&after_id=claude-sonnet-5",
      "/v1/models?limit=1000&after_id=claude-opus-4-8",
    ]);
    expect(fake.server.requests).toHaveLength(models.length / ANTHROPIC_PAGE_SIZE);
    expect(fake.server.requests[0]?.headers).toMatchObject({
      "x-api-key": fake.server.apiKey,
      "anthropic-version": "2023-06-01",
    });
  });

  it("Google: follows nextPageToken, keeps generateContent models and strips models/", async () => {
    const models = await list("google");
    expect(ids(models)).toEqual([
      "gemini-2.5-flash",
      "gemini-2.5-pro",
      "gemini-3.5-flash",
      "gemini-3.7-flash",
      "gemini-flash-latest",
    ]);
    expect(models[0]).toEqual({
      providerModel: "gemini-2.5-flash",
      name: "Gemini 2.5 Flash",
      contextWindow: 1_048_576,
    });
    const paths = fake.server.requests.map((request) => request.path);
    expect(paths).toHaveLength(Math.ceil(7 / GOOGLE_PAGE_SIZE));
    expect(paths[0]).toBe("/v1beta/models?pageSize=1000");
    expect(paths[1]).toMatch(/^\/v1beta\/models\?pageSize=1000&pageToken=[\w-]+$/);
    expect(fake.server.requests[0]?.headers["x-goog-api-key"]).toBe(fake.server.apiKey);
  });

  it("Ollama and OpenAI-compatible servers: the names of /v1/models, with a key when one is set", async () => {
    expect(ids(await list("ollama"))).toEqual(["llama3.2:latest", "hf.co/org/tiny:Q4"]);
    expect(fake.server.requests.at(-1)?.headers.authorization).toBeUndefined();
    await list("ollama", { apiKey: "lm-key" });
    expect(fake.server.requests.at(-1)).toMatchObject({ path: "/v1/models" });
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe("Bearer lm-key");
  });

  it("Azure: checks the key against the model list and returns no models", async () => {
    expect(await list("azure")).toEqual([]);
    const recorded = fake.server.requests.at(-1);
    expect(recorded?.path).toBe(`/openai/models?api-version=${AZURE_TEST_API_VERSION}`);
    expect(recorded?.headers["api-key"]).toBe(fake.server.apiKey);
  });

  it.each<ProviderId>(["openai", "anthropic", "google", "mistral", "xai", "azure"])(
    "%s: a wrong key is PROVIDER_AUTH with the provider's message",
    async (provider) => {
      const error = await failure(list(provider, { apiKey: "wrong-key" }));
      expect(error).toMatchObject({ code: "PROVIDER_AUTH", provider });
      // Gemini and xAI answer a bad key with 400, the others with 401.
      expect(error.status).toBe(provider === "google" || provider === "xai" ? 400 : 401);
      expect(error.message).not.toContain("wrong-key");
    },
  );

  it("keeps the provider's own message", async () => {
    const anthropic = await failure(list("anthropic", { apiKey: "wrong-key" }));
    expect(anthropic.message).toBe("Anthropic rejected the API key (HTTP 401): invalid x-api-key");
    const google = await failure(list("google", { apiKey: "wrong-key" }));
    expect(google.message).toContain("API key not valid. Please pass a valid API key.");
  });

  it("a cloud provider without a key fails without asking", async () => {
    const error = await failure(list("openai", { apiKey: null }));
    expect(error.code).toBe("PROVIDER_AUTH");
    expect(fake.server.requests).toHaveLength(0);
  });

  it("classifies other HTTP errors like chat errors", async () => {
    const rateLimited = await failure(
      list("mistral", {
        fetch: async () =>
          Response.json(
            { message: "Requests rate limit exceeded" },
            { status: 429, headers: { "retry-after": "7" } },
          ),
      }),
    );
    expect(rateLimited).toMatchObject({ code: "PROVIDER_RATE_LIMITED", status: 429, retryAfterSeconds: 7 });
    const unavailable = await failure(
      list("anthropic", {
        fetch: async () =>
          Response.json(
            { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
            { status: 529 },
          ),
      }),
    );
    expect(unavailable).toMatchObject({ code: "PROVIDER_UNAVAILABLE", status: 529 });
  });

  it("an unreachable server is PROVIDER_UNAVAILABLE; a body that is no model list is PROVIDER_ERROR", async () => {
    const unreachable = await failure(list("ollama", { baseUrl: "http://127.0.0.1:9" }));
    expect(unreachable.code).toBe("PROVIDER_UNAVAILABLE");
    const garbled = await failure(list("openai", { fetch: async () => new Response("<html>proxy</html>") }));
    expect(garbled.code).toBe("PROVIDER_ERROR");
  });

  it("rejects with the signal's reason when the caller gives up", async () => {
    const controller = new AbortController();
    const reason = new Error("timed out");
    controller.abort(reason);
    await expect(list("openai", { signal: controller.signal })).rejects.toBe(reason);
  });
});
