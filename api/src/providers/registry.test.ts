import { describe, expect, it } from "vitest";
import { collect } from "../../test/fake-provider/adapters.js";
import { startFakeProviderServer } from "../../test/fake-provider/server.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { FREE, findCatalogueModel } from "./catalogue.js";
import { createProviderRegistry, type ModelAvailability } from "./registry.js";
import { readProviderSettings } from "./settings.js";
import { ProviderError } from "./types.js";

const fake = useFakeProviderServer({ ollamaModels: ["llama3.2:latest", "hf.co/org/tiny:Q4"] });

function byId(models: ModelAvailability[], id: string): ModelAvailability {
  const model = models.find((candidate) => candidate.id === id);
  if (!model) throw new Error(`${id} is not listed`);
  return model;
}

function resolveError(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected resolve to throw");
}

describe("provider registry", () => {
  it("lists every catalogue model, unavailable with the missing variable", async () => {
    const registry = createProviderRegistry(readProviderSettings({ OPENAI_API_KEY: "sk-test" }));
    const models = await registry.listModels();
    expect(byId(models, "openai/gpt-5.1")).toMatchObject({ available: true, unavailableReason: null });
    expect(byId(models, "anthropic/claude-sonnet-4-5")).toMatchObject({
      available: false,
      unavailableReason: "ANTHROPIC_API_KEY is not set",
    });
    expect(byId(models, "google/gemini-2.5-flash").unavailableReason).toBe("GOOGLE_API_KEY is not set");
    expect(byId(models, "mistral/mistral-large-latest").unavailableReason).toBe("MISTRAL_API_KEY is not set");
    expect(byId(models, "xai/grok-4").unavailableReason).toBe("XAI_API_KEY is not set");
    expect(models.some((model) => model.provider === "azure" || model.provider === "ollama")).toBe(false);
  });

  it("resolve throws PROVIDER_BAD_REQUEST for unknown models and missing configuration", () => {
    const registry = createProviderRegistry(readProviderSettings({ OPENAI_API_KEY: "sk-test" }));
    expect(resolveError(() => registry.resolve("openai/gpt-0"))).toMatchObject({
      code: "PROVIDER_BAD_REQUEST",
      provider: "openai",
      message: 'Unknown model "openai/gpt-0"',
    });
    expect(resolveError(() => registry.resolve("gpt-5.1"))).toMatchObject({
      code: "PROVIDER_BAD_REQUEST",
      provider: null,
    });
    expect(resolveError(() => registry.resolve("anthropic/claude-sonnet-4-5")).message).toBe(
      "Anthropic is not configured: ANTHROPIC_API_KEY is not set",
    );
    expect(resolveError(() => registry.resolve("anthropic/claude-0")).message).toBe(
      'Unknown model "anthropic/claude-0"',
    );
    expect(resolveError(() => registry.resolve("azure/gpt-4o")).message).toContain("AZURE_OPENAI_API_KEY");
    expect(resolveError(() => registry.resolve("ollama/llama3.2")).message).toContain("OLLAMA_BASE_URL");
  });

  it("resolves a model to an adapter that streams from the configured base URL", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({
        ANTHROPIC_API_KEY: fake.server.apiKey,
        ANTHROPIC_BASE_URL: fake.server.baseUrls.anthropic,
      }),
    );
    const { adapter, model } = registry.resolve("anthropic/claude-haiku-4-5");
    expect(model).toEqual(findCatalogueModel("anthropic/claude-haiku-4-5"));
    const result = await collect(
      adapter.stream(
        { model: model.providerModel, messages: [{ role: "user", content: "Hi" }] },
        openSignal(),
      ),
    );
    expect(result.text).toContain("Grüße");
    expect(fake.server.requests.at(-1)?.body).toMatchObject({ model: "claude-haiku-4-5" });
  });

  it("offers Azure deployments, priced like the OpenAI model they are named after", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({
        AZURE_OPENAI_API_KEY: fake.server.apiKey,
        AZURE_OPENAI_ENDPOINT: fake.server.baseUrls.azure,
        AZURE_OPENAI_DEPLOYMENTS: "gpt-4o-mini-2024-07-18,gpt-5.1,team-bot",
      }),
    );
    const models = await registry.listModels();
    expect(byId(models, "azure/gpt-4o-mini-2024-07-18")).toMatchObject({
      available: true,
      provider: "azure",
      providerModel: "gpt-4o-mini-2024-07-18",
      prices: findCatalogueModel("openai/gpt-4o-mini")?.prices,
      supportsTemperature: true,
    });
    expect(byId(models, "azure/gpt-5.1")).toMatchObject({
      supportsTemperature: false,
      contextWindow: 400_000,
    });
    expect(byId(models, "azure/team-bot").prices).toEqual(FREE);
    expect(resolveError(() => registry.resolve("azure/other")).message).toBe('Unknown model "azure/other"');
    const { adapter } = registry.resolve("azure/team-bot");
    const result = await collect(
      adapter.stream({ model: "team-bot", messages: [{ role: "user", content: "Hi" }] }, openSignal()),
    );
    expect(result.usage).toBeDefined();
    expect(fake.server.requests.at(-1)?.path).toBe(
      "/openai/deployments/team-bot/chat/completions?api-version=2024-10-21",
    );
  });

  it("discovers Ollama models, free and cached briefly", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({ OLLAMA_BASE_URL: fake.server.baseUrls.ollama }),
    );
    const models = await registry.listModels();
    const local = models.filter((model) => model.provider === "ollama");
    expect(local.map((model) => model.id)).toEqual(["ollama/hf.co/org/tiny:Q4", "ollama/llama3.2:latest"]);
    expect(local[1]).toMatchObject({
      available: true,
      unavailableReason: null,
      prices: FREE,
      providerModel: "llama3.2:latest",
    });
    await registry.listModels();
    await registry.listProviders();
    expect(fake.server.requests.filter((request) => request.path === "/v1/models")).toHaveLength(1);

    const { adapter, model } = registry.resolve("ollama/hf.co/org/tiny:Q4");
    const result = await collect(
      adapter.stream(
        { model: model.providerModel, messages: [{ role: "user", content: "Hi" }] },
        openSignal(),
      ),
    );
    expect(result.usage?.promptTokens).toBeGreaterThan(0);
  });

  it("asks again once the discovery cache has expired", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({ OLLAMA_BASE_URL: fake.server.baseUrls.ollama }),
      {
        discoveryTtlMs: 1,
      },
    );
    await registry.listModels();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await registry.listModels();
    expect(fake.server.requests.filter((request) => request.path === "/v1/models")).toHaveLength(2);
  });

  it("sends the OpenAI-compatible key when discovering", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({
        OPENAI_COMPATIBLE_BASE_URL: `${fake.server.baseUrls.ollama}/v1`,
        OPENAI_COMPATIBLE_API_KEY: "lm-key",
      }),
    );
    expect((await registry.listModels()).filter((model) => model.provider === "ollama")).toHaveLength(2);
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe("Bearer lm-key");
  });

  it("a failed discovery lists no local models and reports why, without throwing", async () => {
    const stopped = await startFakeProviderServer();
    await stopped.close();
    const reasons: string[] = [];
    const registry = createProviderRegistry(
      readProviderSettings({ OLLAMA_BASE_URL: stopped.baseUrls.ollama, OPENAI_API_KEY: "sk-test" }),
      { onDiscoveryError: (reason) => reasons.push(reason) },
    );
    const models = await registry.listModels();
    expect(models.filter((model) => model.provider === "ollama")).toEqual([]);
    expect(models.length).toBeGreaterThan(10);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^Model discovery failed: http:\/\/127\.0\.0\.1:\d+\/ollama\/v1\/models is not reachable \(ECONNREFUSED\)$/,
    );
    const ollama = (await registry.listProviders()).find((provider) => provider.id === "ollama");
    expect(ollama).toMatchObject({ configured: true, unavailableReason: reasons[0] });
  });

  it("reports a discovery answer that is not a model list", async () => {
    const registry = createProviderRegistry(
      readProviderSettings({ OLLAMA_BASE_URL: `${fake.server.url}/nowhere` }),
    );
    const providers = await registry.listProviders();
    expect(providers.find((provider) => provider.id === "ollama")?.unavailableReason).toContain(
      "answered HTTP 404",
    );
    expect(providers.find((provider) => provider.id === "openai")).toMatchObject({
      configured: false,
      unavailableReason: "OPENAI_API_KEY is not set",
    });
  });
});
