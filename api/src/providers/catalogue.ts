import { PROVIDER_IDS, type ProviderId } from "./types.js";

// The chat models offered for the five cloud providers, with list prices in USD per 1M tokens from the
// provider wire-format reference §8 (genai-prices 2026-08-21, cross-checked with big-AGI), as effective on
// 2026-11-25: date-effective changes before that day are applied (gpt-5.6-terra/-luna from 2026-07-30,
// claude-sonnet-5 from 2026-09-01, o3 from 2025-06-10). Long-context tiers (>200K / >272K input) are not
// modelled: the base price applies. Models that reject or ignore `temperature` have supportsTemperature=false.

export interface ModelPrices {
  inputPerMTok: number;
  /** Price of cached (prompt-cache read) input tokens; equals inputPerMTok where there is no discount. */
  cachedInputPerMTok: number;
  outputPerMTok: number;
  /** The organisation's price version (app_model_prices) these are; absent: the catalogue's list price. */
  versionId?: string;
}

export interface ModelInfo {
  /** "provider/model", e.g. "openai/gpt-5.1". */
  id: string;
  provider: ProviderId;
  /** The provider's own model name (Azure: the deployment name). */
  providerModel: string;
  name: string;
  contextWindow: number;
  prices: ModelPrices;
  supportsTemperature: boolean;
}

/** Prices of models without a price list (local servers, unknown Azure deployments). */
export const FREE: ModelPrices = { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 };

type Row = [
  providerModel: string,
  name: string,
  contextWindow: number,
  prices: [number, number, number],
  temp: boolean,
];

function rows(provider: ProviderId, entries: Row[]): ModelInfo[] {
  return entries.map(
    ([providerModel, name, contextWindow, [input, cached, output], supportsTemperature]) => ({
      id: `${provider}/${providerModel}`,
      provider,
      providerModel,
      name,
      contextWindow,
      prices: { inputPerMTok: input, cachedInputPerMTok: cached, outputPerMTok: output },
      supportsTemperature,
    }),
  );
}

export const MODEL_CATALOGUE: readonly ModelInfo[] = [
  // o-series and gpt-5* are reasoning models: they reject temperature unless reasoning effort is "none",
  // which we do not send.
  ...rows("openai", [
    ["gpt-5.1", "GPT-5.1", 400_000, [1.25, 0.125, 10], false],
    ["gpt-5.6-sol", "GPT-5.6 Sol", 1_050_000, [5, 0.5, 30], false],
    ["gpt-5.6-terra", "GPT-5.6 Terra", 1_050_000, [2, 0.2, 12], false],
    ["gpt-5.6-luna", "GPT-5.6 Luna", 1_050_000, [0.2, 0.02, 1.2], false],
    ["gpt-5.5", "GPT-5.5", 1_000_000, [5, 0.5, 30], false],
    ["gpt-5.4", "GPT-5.4", 1_050_000, [2.5, 0.25, 15], false],
    ["gpt-5.4-mini", "GPT-5.4 mini", 400_000, [0.75, 0.075, 4.5], false],
    ["gpt-5.4-nano", "GPT-5.4 nano", 400_000, [0.2, 0.02, 1.25], false],
    ["gpt-5.2", "GPT-5.2", 400_000, [1.75, 0.175, 14], false],
    ["gpt-5", "GPT-5", 400_000, [1.25, 0.125, 10], false],
    ["gpt-5-mini", "GPT-5 mini", 400_000, [0.25, 0.025, 2], false],
    ["gpt-5-nano", "GPT-5 nano", 400_000, [0.05, 0.005, 0.4], false],
    ["gpt-4.1", "GPT-4.1", 1_000_000, [2, 0.5, 8], true],
    ["gpt-4.1-mini", "GPT-4.1 mini", 1_000_000, [0.4, 0.1, 1.6], true],
    ["gpt-4.1-nano", "GPT-4.1 nano", 1_000_000, [0.1, 0.025, 0.4], true],
    ["gpt-4o", "GPT-4o", 128_000, [2.5, 1.25, 10], true],
    ["gpt-4o-mini", "GPT-4o mini", 128_000, [0.15, 0.075, 0.6], true],
    // Context windows of o3/o4-mini are not in the reference; 200K per OpenAI's model pages.
    ["o3", "o3", 200_000, [2, 0.5, 8], false],
    ["o4-mini", "o4-mini", 200_000, [1.1, 0.275, 4.4], false],
  ]),
  // "Models released after Claude Opus 4.6 do not support setting temperature" (Anthropic SDK).
  // Sonnet 4.5 has 1M context only with a beta header we do not send, so 200K.
  ...rows("anthropic", [
    ["claude-sonnet-4-5", "Claude Sonnet 4.5", 200_000, [3, 0.3, 15], true],
    ["claude-haiku-4-5", "Claude Haiku 4.5", 200_000, [1, 0.1, 5], true],
    ["claude-opus-4-5", "Claude Opus 4.5", 200_000, [5, 0.5, 25], true],
    ["claude-opus-4-6", "Claude Opus 4.6", 200_000, [5, 0.5, 25], true],
    ["claude-sonnet-4-6", "Claude Sonnet 4.6", 1_000_000, [3, 0.3, 15], false],
    ["claude-opus-4-7", "Claude Opus 4.7", 1_000_000, [5, 0.5, 25], false],
    ["claude-opus-4-8", "Claude Opus 4.8", 1_000_000, [5, 0.5, 25], false],
    ["claude-sonnet-5", "Claude Sonnet 5", 1_000_000, [3, 0.3, 15], false],
    ["claude-opus-5", "Claude Opus 5", 1_000_000, [5, 0.5, 25], false],
  ]),
  // Gemini deprecated temperature on 2026-07-21 and ignores it from 3.5 Flash-Lite / 3.6 Flash on.
  // 3.6/3.7 Flash are left out: their introductory prices double on 2027-01-01.
  ...rows("google", [
    ["gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, [0.3, 0.03, 2.5], true],
    ["gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, [0.1, 0.01, 0.4], true],
    ["gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, [1.25, 0.125, 10], true],
    ["gemini-3-flash-preview", "Gemini 3 Flash (preview)", 1_000_000, [0.5, 0.05, 3], true],
    ["gemini-3.1-pro-preview", "Gemini 3.1 Pro (preview)", 1_048_576, [2, 0.2, 12], true],
    ["gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", 1_000_000, [0.25, 0.025, 1.5], true],
    ["gemini-3.5-flash", "Gemini 3.5 Flash", 1_000_000, [1.5, 0.15, 9], true],
    ["gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", 1_000_000, [0.3, 0.03, 2.5], false],
  ]),
  // "-latest" aliases are priced as the version they point to (big-AGI, 2026-08-17). The reference has no
  // Mistral context sizes; 128K is a lower bound for all of these. Magistral has no cache discount.
  ...rows("mistral", [
    ["mistral-large-latest", "Mistral Large 3", 128_000, [0.5, 0.05, 1.5], true],
    ["mistral-medium-latest", "Mistral Medium 3.5", 128_000, [1.5, 0.15, 7.5], true],
    ["mistral-small-latest", "Mistral Small 4", 128_000, [0.15, 0.015, 0.6], true],
    ["ministral-14b-2512", "Ministral 14B", 128_000, [0.2, 0.02, 0.2], true],
    ["ministral-8b-2512", "Ministral 8B", 128_000, [0.15, 0.015, 0.15], true],
    ["ministral-3b-2512", "Ministral 3B", 128_000, [0.1, 0.01, 0.1], true],
    ["codestral-latest", "Codestral", 128_000, [0.3, 0.03, 0.9], true],
    ["magistral-medium-latest", "Magistral Medium", 128_000, [2, 2, 5], true],
  ]),
  // grok-4 (grok-4-0709) is retired; the slug redirects to grok-4.3 and is billed at its prices (big-AGI).
  ...rows("xai", [
    ["grok-4", "Grok 4", 1_000_000, [1.25, 0.2, 2.5], true],
    ["grok-4.3", "Grok 4.3", 1_000_000, [1.25, 0.2, 2.5], true],
    ["grok-4.5", "Grok 4.5", 500_000, [2, 0.5, 6], true],
    ["grok-4.20-0309-reasoning", "Grok 4.20 Reasoning", 1_000_000, [1.25, 0.2, 2.5], true],
    ["grok-4.20-0309-non-reasoning", "Grok 4.20", 1_000_000, [1.25, 0.2, 2.5], true],
    ["grok-build-0.1", "Grok Build 0.1", 256_000, [1, 0.2, 2], true],
  ]),
];

const catalogueById = new Map(MODEL_CATALOGUE.map((model) => [model.id, model]));

/**
 * Whether the model reads images: every current OpenAI, Anthropic and Gemini chat model, Grok 4 and
 * Mistral's Large, Medium and Small; not the Ministral, Codestral and Magistral models nor Grok Build.
 * Unknown models (local, discovered) are assumed not to.
 */
export function supportsVision(model: Pick<ModelInfo, "provider" | "providerModel">): boolean {
  const name = model.providerModel;
  switch (model.provider) {
    case "openai":
    case "azure":
      return /^(gpt-4o|gpt-4\.1|gpt-5|o3|o4)/.test(name);
    case "anthropic":
      return name.startsWith("claude-");
    case "google":
      return name.startsWith("gemini-");
    case "xai":
      return name.startsWith("grok-4");
    case "mistral":
      return /^mistral-(large|medium|small)/.test(name);
    default:
      return false;
  }
}

export function findCatalogueModel(id: string): ModelInfo | undefined {
  return catalogueById.get(id);
}

/** Splits "provider/model" at the first slash (local model names may contain slashes). */
export function parseModelId(id: string): { provider: ProviderId; providerModel: string } | null {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) return null;
  const provider = PROVIDER_IDS.find((candidate) => candidate === id.slice(0, slash));
  return provider ? { provider, providerModel: id.slice(slash + 1) } : null;
}
