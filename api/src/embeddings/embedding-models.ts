import { parseModelId } from "../providers/catalogue.js";
import { PROVIDER_IDS, PROVIDER_NAMES, type ProviderId } from "../providers/types.js";

// Which embedding model the deployment uses ("provider/model", or "none") and the vector length it gives.
// Dimensions and prices: provider wire-format reference §2.9, §4.8, §5.8 and §8.4.

export interface EmbeddingModelChoice {
  /** "provider/model" as configured, e.g. "openai/text-embedding-3-small". */
  id: string;
  provider: EmbeddingProviderId;
  /** The provider's own model id (Azure: the deployment name). */
  model: string;
  /** The length of the vectors; undefined for models not known here (then taken from the first answer). */
  dimensions: number | undefined;
  /**
   * True where the model's own vectors are longer and `dimensions` is asked for (text-embedding-3-large and
   * Gemini give 3072 by default); other models get no dimensions parameter (ada-002 rejects it).
   */
  requestDimensions?: boolean;
}

/** Providers with an embeddings API; Anthropic and xAI have none. */
export const EMBEDDING_PROVIDERS = ["openai", "azure", "google", "mistral", "ollama"] as const;
export type EmbeddingProviderId = (typeof EMBEDDING_PROVIDERS)[number];

// Shortened vectors keep every model under pgvector's 2,000-dimension limit for indexes.
const REQUESTED_DIMENSIONS = 1536;

interface KnownModel {
  dimensions: number;
  requestDimensions?: boolean;
}

const OPENAI_MODELS: Record<string, KnownModel> = {
  "text-embedding-3-small": { dimensions: 1536 },
  "text-embedding-3-large": { dimensions: REQUESTED_DIMENSIONS, requestDimensions: true },
  "text-embedding-ada-002": { dimensions: 1536 },
};

const KNOWN_MODELS: Record<EmbeddingProviderId, Record<string, KnownModel>> = {
  openai: OPENAI_MODELS,
  // Deployments are looked up by the OpenAI model they are named after (see azureModel in registry.ts).
  azure: OPENAI_MODELS,
  google: {
    "gemini-embedding-001": { dimensions: REQUESTED_DIMENSIONS, requestDimensions: true },
    "gemini-embedding-2": { dimensions: REQUESTED_DIMENSIONS, requestDimensions: true },
    "gemini-embedding-2-preview": { dimensions: REQUESTED_DIMENSIONS, requestDimensions: true },
  },
  mistral: { "mistral-embed": { dimensions: 1024 } },
  // Looked up without the tag (`bge-m3:567m`, `nomic-embed-text:latest`).
  ollama: { "bge-m3": { dimensions: 1024 }, "nomic-embed-text": { dimensions: 768 } },
};

/**
 * Reads an embedding model setting: "none" or "" → null (no embeddings), else "provider/model". Throws an
 * Error whose message says what is wrong (for config validation): no provider prefix, an unknown provider,
 * or one without embeddings.
 */
export function parseEmbeddingModel(value: string): EmbeddingModelChoice | null {
  const id = value.trim();
  if (id === "" || id.toLowerCase() === "none") return null;
  const choices = `${EMBEDDING_PROVIDERS.join(", ")} (or "none")`;
  const parsed = parseModelId(id);
  if (!parsed) {
    const prefix = id.includes("/") ? id.slice(0, id.indexOf("/")) : "";
    throw new Error(
      prefix && !isProviderId(prefix)
        ? `"${id}" names the unknown provider "${prefix}"; embedding models are "provider/model" with provider one of ${choices}`
        : `"${id}" is not "provider/model"; embedding models are "provider/model" with provider one of ${choices}`,
    );
  }
  const { provider, providerModel } = parsed;
  if (!isEmbeddingProvider(provider)) {
    throw new Error(
      `${PROVIDER_NAMES[provider]} has no embeddings API, so "${id}" cannot embed; choose a model of ${choices}`,
    );
  }
  const known = knownModel(provider, providerModel);
  return {
    id,
    provider,
    model: providerModel,
    dimensions: known?.dimensions,
    ...(known?.requestDimensions ? { requestDimensions: true } : {}),
  };
}

function knownModel(provider: EmbeddingProviderId, model: string): KnownModel | undefined {
  const models = KNOWN_MODELS[provider];
  if (provider === "ollama") return models[model.replace(/:[^/]*$/, "")];
  if (provider === "azure") {
    // "text-embedding-3-small" or "text-embedding-3-small-eu": the longest model name that fits.
    const name = Object.keys(models)
      .filter((candidate) => model === candidate || model.startsWith(`${candidate}-`))
      .sort((left, right) => right.length - left.length)[0];
    return name === undefined ? undefined : models[name];
  }
  return models[model];
}

function isProviderId(value: string): value is ProviderId {
  return PROVIDER_IDS.some((provider) => provider === value);
}

function isEmbeddingProvider(provider: ProviderId): provider is EmbeddingProviderId {
  return EMBEDDING_PROVIDERS.some((candidate) => candidate === provider);
}
