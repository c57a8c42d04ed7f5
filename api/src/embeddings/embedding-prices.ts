import type { ModelInfo } from "../providers/catalogue.js";
import { FREE } from "../providers/catalogue.js";
import type { EmbeddingModelChoice } from "./embedding-models.js";

// List prices of embedding models in USD per 1M input tokens (provider wire-format reference §8.4);
// they have no output tokens. Models not listed (local servers, Azure deployments of unknown models)
// are free.
const INPUT_PER_MTOK: Record<string, number> = {
  "openai/text-embedding-3-small": 0.02,
  "openai/text-embedding-3-large": 0.13,
  "openai/text-embedding-ada-002": 0.1,
  "google/gemini-embedding-001": 0.15,
  "google/gemini-embedding-2": 0.2,
  "mistral/mistral-embed": 0.1,
};

/** The embedding model as a priced model, for usage events. */
export function embeddingModelInfo(choice: EmbeddingModelChoice): ModelInfo {
  const input = INPUT_PER_MTOK[choice.id];
  return {
    id: choice.id,
    provider: choice.provider,
    providerModel: choice.model,
    name: choice.model,
    contextWindow: 8_192,
    prices: input === undefined ? FREE : { inputPerMTok: input, cachedInputPerMTok: input, outputPerMTok: 0 },
    supportsTemperature: false,
  };
}
