import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../../settings/preferences";
import { describePrice, type ModelConfig, modelsByProvider, newModelIds, parsePrice } from "./model-list";

const model = (modelId: string, patch: Partial<ModelConfig> = {}): ModelConfig => ({
  __typename: "ModelConfig",
  modelId,
  provider: modelId.split("/")[0] ?? "openai",
  displayName: modelId.split("/")[1] ?? modelId,
  enabled: true,
  isDefault: false,
  sortOrder: 0,
  contextWindow: 128_000,
  supportsVision: false,
  isFree: false,
  source: "CATALOGUE",
  providerConfigured: true,
  price: null,
  priceHistory: [],
  allowedGroups: [],
  ...patch,
});

const providers = [
  { provider: "openai", name: "OpenAI", configured: true },
  { provider: "anthropic", name: "Anthropic", configured: false },
  { provider: "ollama", name: "Ollama", configured: true },
];

const models = [
  model("openai/gpt-4o-mini", { displayName: "GPT-4o mini", sortOrder: 2 }),
  model("anthropic/claude-sonnet-5", { displayName: "Claude Sonnet 5" }),
  model("openai/gpt-5.1", { displayName: "GPT-5.1", sortOrder: 1 }),
  model("openai/o3", { displayName: "o3", sortOrder: 1 }),
  model("local/llama", { displayName: "Llama", providerConfigured: true }),
];

const summary = (groups: ReturnType<typeof modelsByProvider>) =>
  groups.map((group) => [group.name, group.models.map((entry) => entry.modelId)]);

describe("the models screen's list", () => {
  it("puts models under their providers, in the providers' order, then by order and name", () => {
    expect(summary(modelsByProvider(models, providers))).toEqual([
      ["OpenAI", ["openai/gpt-5.1", "openai/o3", "openai/gpt-4o-mini"]],
      ["Anthropic", ["anthropic/claude-sonnet-5"]],
      ["Ollama", []],
      ["local", ["local/llama"]],
    ]);
    expect(modelsByProvider(models, providers).at(-1)?.configured).toBe(true);
  });

  it("finds models by any words of their name or id, ignoring case, dashes and accents", () => {
    expect(summary(modelsByProvider(models, providers, "gpt 4o"))).toEqual([
      ["OpenAI", ["openai/gpt-4o-mini"]],
    ]);
    expect(summary(modelsByProvider(models, providers, "  SONNET "))).toEqual([
      ["Anthropic", ["anthropic/claude-sonnet-5"]],
    ]);
    expect(summary(modelsByProvider([model("mistral/über", { displayName: "Über" })], [], "uber"))).toEqual([
      ["mistral", ["mistral/über"]],
    ]);
    expect(modelsByProvider(models, providers, "nothing like it")).toEqual([]);
  });

  it("tells which models a sync brought", () => {
    const after = [...models, model("openai/gpt-6"), model("openai/gpt-6-mini")];
    expect(newModelIds(models, after)).toEqual(["openai/gpt-6", "openai/gpt-6-mini"]);
    expect(newModelIds(models, models)).toEqual([]);
  });
});

describe("prices", () => {
  beforeEach(() => updatePreferences({ language: "en" }));
  afterEach(() => updatePreferences({ language: "system" }));

  it("says the price per million tokens, or that there is none", () => {
    const price = { __typename: "ModelPrice" as const, validFrom: null };
    expect(
      describePrice({ ...price, inputPerMTokens: 1.25, cachedInputPerMTokens: 0.125, outputPerMTokens: 10 }),
    ).toBe("$1.25 in · $0.125 cached · $10.00 out per 1M tokens");
    expect(describePrice(null)).toBe("No price");
    expect(describePrice(null, true)).toBe("Free");
  });

  it("reads what was typed, with a decimal comma too", () => {
    expect(parsePrice("1.25")).toBe(1.25);
    expect(parsePrice(" 0,075 ")).toBe(0.075);
    expect(parsePrice("10")).toBe(10);
    expect(parsePrice(".5")).toBe(0.5);
    expect(parsePrice("")).toBeNull();
    expect(parsePrice("-1")).toBe("invalid");
    expect(parsePrice("1.2.3")).toBe("invalid");
    expect(parsePrice("ten")).toBe("invalid");
  });
});
