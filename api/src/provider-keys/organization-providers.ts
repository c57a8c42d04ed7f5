import type { ProviderConnection } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import {
  createProviderRegistry,
  type ProviderRegistry,
  type ProviderRegistryOptions,
} from "../providers/registry.js";
import { DEFAULT_AZURE_API_VERSION, type ProviderSettings } from "../providers/settings.js";
import { PROVIDER_IDS, type ProviderId } from "../providers/types.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import { ReplicatedCache } from "../streaming/replicated-cache.js";
import type { ProviderKeyStore, StoredProviderKey } from "./provider-key-store.js";

/** Where a provider's configuration comes from for an organisation. */
export type ProviderKeySource = "DATABASE" | "ENVIRONMENT" | "NONE";

interface Cached {
  registry: ProviderRegistry;
  settings: ProviderSettings;
  sources: Record<ProviderId, ProviderKeySource>;
}

/**
 * The providers of each organisation: the environment's, overridden provider by provider by keys its
 * admins stored in the database. An organisation without stored keys shares the environment's
 * registry (one set of connections, one local-model discovery); one with keys gets its own, rebuilt
 * when a key changes on any replica.
 */
export class OrganizationProviders {
  private readonly environment: ProviderRegistry;
  private readonly cache: ReplicatedCache<Cached>;

  constructor(
    private readonly store: ProviderKeyStore,
    private readonly environmentSettings: ProviderSettings,
    broadcast: ReplicaBroadcast,
    private readonly logger: Logger,
    private readonly registryOptions: ProviderRegistryOptions = {},
  ) {
    this.environment = createProviderRegistry(environmentSettings, registryOptions);
    this.cache = new ReplicatedCache({
      broadcast,
      logger,
      topic: "provider-keys-changed",
      load: (orgId) => this.build(orgId),
    });
  }

  /** The registry requests of `orgId` use (read as the current request's identity). */
  async registryFor(orgId: string): Promise<ProviderRegistry> {
    return (await this.cache.get(orgId)).registry;
  }

  async settingsFor(
    orgId: string,
  ): Promise<{ settings: ProviderSettings; sources: Record<ProviderId, ProviderKeySource> }> {
    const { settings, sources } = await this.cache.get(orgId);
    return { settings, sources };
  }

  /** After a key of `orgId` changed: this replica forgets at once, the others when the news arrives. */
  changed(orgId: string): Promise<void> {
    return this.cache.changed(orgId);
  }

  private async build(orgId: string): Promise<Cached> {
    const stored = await this.store.decrypted(orgId, (row: ProviderConnection, error: Error) =>
      this.logger.error(
        { provider: row.provider, orgId, keyId: row.secretKeyId, reason: error.message },
        "a stored provider key cannot be decrypted (is ENCRYPTION_KEY right?); the provider falls back to the environment",
      ),
    );
    const settings = overlay(this.environmentSettings, stored);
    const sources = Object.fromEntries(
      PROVIDER_IDS.map((id) => [
        id,
        stored.some((key) => key.provider === id)
          ? "DATABASE"
          : environmentConfigures(this.environmentSettings, id)
            ? "ENVIRONMENT"
            : "NONE",
      ]),
    ) as Record<ProviderId, ProviderKeySource>;
    const registry =
      stored.length === 0 ? this.environment : createProviderRegistry(settings, this.registryOptions);
    return { registry, settings, sources };
  }
}

export function environmentConfigures(settings: ProviderSettings, provider: ProviderId): boolean {
  if (provider === "azure") return settings.azure !== null;
  if (provider === "ollama") return settings.ollama !== null;
  return settings[provider].apiKey !== null;
}

/** The environment's settings with each stored provider's replacing them. */
export function overlay(environment: ProviderSettings, stored: StoredProviderKey[]): ProviderSettings {
  const settings: ProviderSettings = { ...environment };
  for (const key of stored) {
    if (key.provider === "azure") {
      settings.azure =
        key.apiKey && key.baseUrl
          ? {
              apiKey: key.apiKey,
              endpoint: key.baseUrl,
              apiVersion: environment.azure?.apiVersion ?? DEFAULT_AZURE_API_VERSION,
              deployments: key.deployments,
            }
          : null;
    } else if (key.provider === "ollama") {
      settings.ollama = key.baseUrl
        ? { variable: "administration", baseUrl: key.baseUrl, apiKey: key.apiKey }
        : null;
    } else {
      settings[key.provider] = {
        apiKey: key.apiKey,
        baseUrl: key.baseUrl ?? environment[key.provider].baseUrl,
      };
    }
  }
  return settings;
}
