import type { ModelPrices } from "./catalogue.js";
import type { TokenUsage } from "./types.js";

/**
 * Cost of one completion in USD (reference §8.2, on normalised usage): uncached input at the input price,
 * cached input at the cached price, and all output including reasoning at the output price.
 * Local and unpriced models have zero prices and cost 0. Anthropic cache writes are billed here at the
 * input price (we never request cache writes), and OpenAI's gpt-5.6 cache-write surcharge is not modelled.
 */
export function costUsd(prices: ModelPrices, usage: TokenUsage): number {
  const cachedTokens = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncachedTokens = usage.promptTokens - cachedTokens;
  const microDollars =
    uncachedTokens * prices.inputPerMTok +
    cachedTokens * prices.cachedInputPerMTok +
    usage.completionTokens * prices.outputPerMTok;
  return microDollars / 1_000_000;
}
