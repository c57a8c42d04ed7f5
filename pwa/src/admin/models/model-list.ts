import type { ModelConfigFieldsFragment, ModelPriceFieldsFragment } from "../../gql/graphql";
import { t } from "../../i18n/i18n";
import { formatCost } from "../../ui/format";

export type ModelConfig = ModelConfigFieldsFragment;
export type ModelPrice = ModelPriceFieldsFragment;

export interface Provider {
  provider: string;
  name: string;
  configured: boolean;
}

export interface ProviderModels extends Provider {
  models: ModelConfig[];
}

// Case and accents do not matter: "gpt 4o" finds "GPT-4o", "uber" finds "Über".
const folded = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\s\-_./]+/g, " ")
    .trim();

/** Whether every word of the search is in the model's name or id. */
export function matchesSearch(model: ModelConfig, search: string): boolean {
  const haystack = `${folded(model.displayName)} ${folded(model.modelId)}`;
  return folded(search)
    .split(" ")
    .every((word) => haystack.includes(word));
}

const bySortOrder = (a: ModelConfig, b: ModelConfig) =>
  a.sortOrder - b.sortOrder || a.displayName.localeCompare(b.displayName);

/**
 * The models under their providers, in the providers' order (a model's provider the list does not know
 * comes last, under its id), each provider's models by their order, then name. Without a search every
 * provider is there, also one without models (it can still sync); with one, only those with a match.
 */
export function modelsByProvider(
  models: readonly ModelConfig[],
  providers: readonly Provider[],
  search = "",
): ProviderModels[] {
  const matching = search.trim() ? models.filter((model) => matchesSearch(model, search)) : [...models];
  const known = new Set(providers.map((provider) => provider.provider));
  const unknown = [...new Set(models.map((model) => model.provider))]
    .filter((provider) => !known.has(provider))
    .map((provider) => ({
      provider,
      name: provider,
      configured: models.some((model) => model.provider === provider && model.providerConfigured),
    }));
  return [...providers, ...unknown]
    .map((provider) => ({
      ...provider,
      models: matching.filter((model) => model.provider === provider.provider).sort(bySortOrder),
    }))
    .filter((group) => !search.trim() || group.models.length > 0);
}

/** The ids a sync brought that were not there before (they arrive switched off). */
export function newModelIds(before: readonly ModelConfig[], after: readonly ModelConfig[]): string[] {
  const known = new Set(before.map((model) => model.modelId));
  return after.map((model) => model.modelId).filter((id) => !known.has(id));
}

/** "$1.25 in · $0.125 cached · $10.00 out per 1M tokens"; free, or no price, said so. */
export function describePrice(price: ModelPrice | null | undefined, isFree = false): string {
  if (!price) return isFree ? t("admin.models.free") : t("admin.models.noPrice");
  return t("admin.models.priceSummary", {
    input: formatCost(price.inputPerMTokens),
    cached: formatCost(price.cachedInputPerMTokens),
    output: formatCost(price.outputPerMTokens),
  });
}

/** A price form's number: empty is none; a comma counts as the decimal point; never negative. */
export function parsePrice(text: string): number | null | "invalid" {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return null;
  if (!/^\d*\.?\d+$|^\d+\.$/.test(trimmed)) return "invalid";
  return Number(trimmed);
}
