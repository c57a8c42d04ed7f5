import { createAnthropicAdapter } from "./anthropic.js";
import { createAzureAdapter } from "./azure.js";
import { FREE, findCatalogueModel, MODEL_CATALOGUE, type ModelInfo, parseModelId } from "./catalogue.js";
import { createGoogleAdapter } from "./google.js";
import { createMistralAdapter } from "./mistral.js";
import { createOllamaAdapter, discoverLocalModels } from "./ollama.js";
import { createOpenAiAdapter } from "./openai.js";
import { API_KEY_VARIABLES, type ProviderSettings } from "./settings.js";
import {
  PROVIDER_IDS,
  PROVIDER_NAMES,
  type ProviderAdapter,
  ProviderError,
  type ProviderId,
} from "./types.js";
import { createXaiAdapter } from "./xai.js";

// Which models exist, which can be used right now, and the adapter that serves each one.

export type ModelAvailability = ModelInfo & { available: boolean; unavailableReason: string | null };

export interface ProviderStatus {
  id: ProviderId;
  name: string;
  configured: boolean;
  /** Why the provider cannot be used now (missing variable, local server unreachable), else null. */
  unavailableReason: string | null;
}

export interface ProviderRegistryOptions {
  fetch?: typeof fetch;
  /** How long a successful model discovery of the local server is reused (default 30 s; failures 5 s). */
  discoveryTtlMs?: number;
  /** Told when the local server cannot be asked for its models, e.g. to log it. */
  onDiscoveryError?: (reason: string) => void;
}

export interface ProviderRegistry {
  /** Every model with its availability; never throws (a failed discovery lists no local models). */
  listModels(): Promise<ModelAvailability[]>;
  listProviders(): Promise<ProviderStatus[]>;
  /** Throws ProviderError PROVIDER_BAD_REQUEST for unknown models and unconfigured providers. */
  resolve(modelId: string): { adapter: ProviderAdapter; model: ModelInfo };
  /** What is known about a model (catalogue, Azure deployment, local model), configured or not. */
  known(modelId: string): ModelInfo | undefined;
  /** The adapter of a configured provider (for models the catalogue does not know); throws like resolve. */
  adapter(provider: ProviderId): ProviderAdapter;
}

const CLOUD_PROVIDERS = ["openai", "anthropic", "google", "mistral", "xai"] as const;
type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

function isCloudProvider(provider: ProviderId): provider is CloudProvider {
  return CLOUD_PROVIDERS.some((cloud) => cloud === provider);
}

const DEFAULT_DISCOVERY_TTL_MS = 30_000;
const FAILED_DISCOVERY_TTL_MS = 5_000;
// Ollama reports no context size through /v1; it truncates longer prompts itself.
const LOCAL_CONTEXT_WINDOW = 8_192;
const AZURE_CONTEXT_WINDOW = 128_000;

interface Discovery {
  expiresAt: number;
  result: Promise<{ models: string[]; error: string | null }>;
}

export function createProviderRegistry(
  settings: ProviderSettings,
  options: ProviderRegistryOptions = {},
): ProviderRegistry {
  const adapters = new Map<ProviderId, ProviderAdapter>();
  let discovery: Discovery | undefined;

  const adapterFor = (provider: ProviderId): ProviderAdapter => {
    let adapter = adapters.get(provider);
    if (!adapter) {
      adapter = createAdapter(settings, provider, options.fetch);
      adapters.set(provider, adapter);
    }
    return adapter;
  };

  const discoverLocal = (): Discovery["result"] => {
    const local = settings.ollama;
    if (!local) return Promise.resolve({ models: [], error: null });
    if (discovery && discovery.expiresAt > Date.now()) return discovery.result;
    const current: Discovery = {
      expiresAt: Number.POSITIVE_INFINITY,
      result: discoverLocalModels({ ...local, fetch: options.fetch }).then(
        (models) => {
          current.expiresAt = Date.now() + (options.discoveryTtlMs ?? DEFAULT_DISCOVERY_TTL_MS);
          return { models, error: null };
        },
        (error: unknown) => {
          const reason = `Model discovery failed: ${error instanceof Error ? error.message : String(error)}`;
          current.expiresAt = Date.now() + FAILED_DISCOVERY_TTL_MS;
          options.onDiscoveryError?.(reason);
          return { models: [], error: reason };
        },
      ),
    };
    discovery = current;
    return current.result;
  };

  return {
    async listModels() {
      const cloud = MODEL_CATALOGUE.map((model) => {
        const reason = missingConfiguration(settings, model.provider);
        return { ...model, available: reason === null, unavailableReason: reason };
      });
      const azure = (settings.azure?.deployments ?? []).map((deployment) => azureModel(deployment));
      const local = (await discoverLocal()).models.map((name) => localModel(name));
      return [
        ...cloud,
        ...[...azure, ...local].map((model) => ({ ...model, available: true, unavailableReason: null })),
      ];
    },

    async listProviders() {
      const localError = (await discoverLocal()).error;
      return PROVIDER_IDS.map((id) => {
        const missing = missingConfiguration(settings, id);
        return {
          id,
          name: PROVIDER_NAMES[id],
          configured: missing === null,
          unavailableReason: missing ?? (id === "ollama" ? localError : null),
        };
      });
    },

    resolve(modelId) {
      const parsed = parseModelId(modelId);
      if (!parsed) throw badRequest(null, `Unknown model "${modelId}"`);
      const { provider, providerModel } = parsed;
      const model = modelFor(settings, provider, providerModel);
      const missing = missingConfiguration(settings, provider);
      // Cloud models are known without configuration; Azure and local models only with it.
      const knowable = model !== undefined || !isCloudProvider(provider);
      if (missing && knowable)
        throw badRequest(provider, `${PROVIDER_NAMES[provider]} is not configured: ${missing}`);
      if (!model) throw badRequest(provider, `Unknown model "${modelId}"`);
      return { adapter: adapterFor(provider), model };
    },

    known(modelId) {
      const parsed = parseModelId(modelId);
      return parsed ? modelFor(settings, parsed.provider, parsed.providerModel) : undefined;
    },

    adapter(provider) {
      const missing = missingConfiguration(settings, provider);
      if (missing) throw badRequest(provider, `${PROVIDER_NAMES[provider]} is not configured: ${missing}`);
      return adapterFor(provider);
    },
  };
}

function createAdapter(settings: ProviderSettings, provider: ProviderId, fetch?: typeof globalThis.fetch) {
  const factories: Record<CloudProvider, typeof createOpenAiAdapter> = {
    openai: createOpenAiAdapter,
    anthropic: createAnthropicAdapter,
    google: createGoogleAdapter,
    mistral: createMistralAdapter,
    xai: createXaiAdapter,
  };
  if (provider === "azure" && settings.azure) return createAzureAdapter({ ...settings.azure, fetch });
  if (provider === "ollama" && settings.ollama) return createOllamaAdapter({ ...settings.ollama, fetch });
  if (isCloudProvider(provider)) {
    const { apiKey, baseUrl } = settings[provider];
    if (apiKey) return factories[provider]({ apiKey, baseUrl, fetch });
  }
  throw badRequest(provider, `${PROVIDER_NAMES[provider]} is not configured`);
}

function modelFor(
  settings: ProviderSettings,
  provider: ProviderId,
  providerModel: string,
): ModelInfo | undefined {
  if (provider === "azure") {
    return settings.azure?.deployments.includes(providerModel) ? azureModel(providerModel) : undefined;
  }
  if (provider === "ollama") return localModel(providerModel);
  return findCatalogueModel(`${provider}/${providerModel}`);
}

/** The missing variable(s) for `provider`, or null when it is configured. */
function missingConfiguration(settings: ProviderSettings, provider: ProviderId): string | null {
  if (provider === "azure") {
    return settings.azure
      ? null
      : "AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENTS are not set";
  }
  if (provider === "ollama") {
    return settings.ollama ? null : "OLLAMA_BASE_URL (or OPENAI_COMPATIBLE_BASE_URL) is not set";
  }
  return cloudUnavailableReason(settings, provider);
}

function cloudUnavailableReason(settings: ProviderSettings, provider: CloudProvider): string | null {
  return settings[provider].apiKey ? null : `${API_KEY_VARIABLES[provider]} is not set`;
}

/**
 * Azure deployments named after an OpenAI model (exactly, or followed by "-…" such as a date) take that
 * model's prices, context and temperature rule; other names are unpriced.
 */
function azureModel(deployment: string): ModelInfo {
  const openAiModel = MODEL_CATALOGUE.filter(
    (model) =>
      model.provider === "openai" &&
      (deployment === model.providerModel || deployment.startsWith(`${model.providerModel}-`)),
  ).sort((left, right) => right.providerModel.length - left.providerModel.length)[0];
  return {
    id: `azure/${deployment}`,
    provider: "azure",
    providerModel: deployment,
    name: `${deployment} (Azure)`,
    contextWindow: openAiModel?.contextWindow ?? AZURE_CONTEXT_WINDOW,
    prices: openAiModel?.prices ?? FREE,
    supportsTemperature: openAiModel?.supportsTemperature ?? true,
  };
}

function localModel(name: string): ModelInfo {
  return {
    id: `ollama/${name}`,
    provider: "ollama",
    providerModel: name,
    name,
    contextWindow: LOCAL_CONTEXT_WINDOW,
    prices: FREE,
    supportsTemperature: true,
  };
}

function badRequest(provider: ProviderId | null, message: string): ProviderError {
  return new ProviderError({ code: "PROVIDER_BAD_REQUEST", provider, message });
}
