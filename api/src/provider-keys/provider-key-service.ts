import type { AuditEvent, AuditTrail } from "../audit/audit-trail.js";
import { type AuditChanges, changesBetween, REDACTED } from "../audit/redaction.js";
import type { Viewer } from "../auth/viewer.js";
import { BadInputError } from "../errors/app-errors.js";
import type { ProviderConnection as ConnectionRow, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import { assertOrganizationAdmin } from "../organizations/organization-admin.js";
import { type ListedModel, listProviderModels } from "../providers/model-lists.js";
import type { ProviderSettings } from "../providers/settings.js";
import { PROVIDER_IDS, PROVIDER_NAMES, type ProviderId } from "../providers/types.js";
import type { KeyRing } from "../security/secret-box.js";
import type { OrganizationProviders, ProviderKeySource } from "./organization-providers.js";
import type { ProviderKeyStore } from "./provider-key-store.js";

/** A provider as an organisation's admin sees it; never the key itself. */
export interface ProviderConnectionView {
  provider: ProviderId;
  name: string;
  configured: boolean;
  source: ProviderKeySource;
  keyHint: string | null;
  baseUrl: string | null;
  deployments: string[];
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastError: string | null;
}

export interface ProviderTestResult {
  ok: boolean;
  latencyMs: number;
  error: string | null;
  modelCount: number | null;
  connection: ProviderConnectionView;
}

const TEST_TIMEOUT_MS = 15_000;
const MAX_KEY_LENGTH = 1_000;

/** Provider keys of an organisation, managed by its admins: set, test, remove. */
export class ProviderKeyService {
  // Tests of keys that come from the environment have no row to keep their result in.
  private readonly environmentTests = new Map<string, { at: Date; ok: boolean; error: string | null }>();

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      store: ProviderKeyStore;
      providers: OrganizationProviders;
      keyRing: KeyRing;
      logger: Logger;
      audit: AuditTrail;
      fetch?: typeof fetch;
    },
  ) {}

  async list(viewer: Viewer): Promise<ProviderConnectionView[]> {
    assertOrganizationAdmin(viewer);
    const [rows, { settings, sources }] = await Promise.all([
      this.deps.store.rows(viewer.orgId),
      this.deps.providers.settingsFor(viewer.orgId),
    ]);
    return PROVIDER_IDS.map((provider) =>
      this.view(
        viewer.orgId,
        provider,
        rows.find((row) => row.provider === provider),
        settings,
        sources[provider],
      ),
    );
  }

  async connection(viewer: Viewer, provider: ProviderId): Promise<ProviderConnectionView> {
    const all = await this.list(viewer);
    return all.find((connection) => connection.provider === provider)!;
  }

  async set(
    viewer: Viewer,
    provider: ProviderId,
    input: { apiKey?: string | null; baseUrl?: string | null; deployments?: string[] | null },
  ): Promise<ProviderConnectionView> {
    assertOrganizationAdmin(viewer);
    const row = await this.storedRow(viewer.orgId, provider);
    const storedKey = this.storedKey(row);
    // No key given: the stored one stays (an admin changes the address without typing the key again).
    const apiKey = input.apiKey?.trim() || storedKey;
    const baseUrl = normalizedUrl(input.baseUrl, provider);
    const deployments = [...new Set((input.deployments ?? []).map((name) => name.trim()).filter(Boolean))];
    // A key pasted with a line break would only fail later, as an unusable request header.
    if (apiKey && /[\s\p{Cc}]/u.test(apiKey)) {
      throw new BadInputError("An API key has no spaces or line breaks", { field: "apiKey" });
    }
    if (apiKey && apiKey.length > MAX_KEY_LENGTH) {
      throw new BadInputError("This key is too long", { field: "apiKey" });
    }
    if (!apiKey && provider !== "ollama") {
      throw new BadInputError(`${PROVIDER_NAMES[provider]} needs an API key`, { field: "apiKey" });
    }
    if ((provider === "ollama" || provider === "azure") && !baseUrl) {
      throw new BadInputError(`${PROVIDER_NAMES[provider]} needs the server's address`, { field: "baseUrl" });
    }
    if (provider === "azure" && deployments.length === 0) {
      throw new BadInputError("Name at least one Azure deployment", { field: "deployments" });
    }
    const saved = { provider, apiKey, baseUrl, deployments: provider === "azure" ? deployments : [] };
    await this.deps.audit.change((tx) => this.deps.store.save(viewer.orgId, saved, tx), {
      action: "provider_key.set",
      target: providerTarget(provider),
      changes: keyChanges(row, storedKey, saved),
    });
    await this.deps.providers.changed(viewer.orgId);
    this.environmentTests.delete(testKey(viewer.orgId, provider));
    return this.connection(viewer, provider);
  }

  private async storedRow(orgId: string, provider: ProviderId): Promise<ConnectionRow | null> {
    return (await this.deps.store.rows(orgId)).find((candidate) => candidate.provider === provider) ?? null;
  }

  private storedKey(row: ConnectionRow | null): string | null {
    try {
      return row ? this.deps.store.decrypt(row).apiKey : null;
    } catch {
      return null; // unreadable: the admin has to give the key again
    }
  }

  /** Removes the stored key: the provider falls back to the environment's, if it has one. */
  async remove(viewer: Viewer, provider: ProviderId): Promise<ProviderConnectionView> {
    assertOrganizationAdmin(viewer);
    await this.deps.audit.change(
      (tx) => this.deps.store.remove(viewer.orgId, provider, tx),
      (removed) => (removed ? { action: "provider_key.deleted", target: providerTarget(provider) } : null),
    );
    await this.deps.providers.changed(viewer.orgId);
    return this.connection(viewer, provider);
  }

  /** A real, minimal call with the key in effect: the provider's model list. */
  async test(viewer: Viewer, provider: ProviderId): Promise<ProviderTestResult> {
    assertOrganizationAdmin(viewer);
    const started = performance.now();
    let result: { ok: boolean; error: string | null; modelCount: number | null };
    try {
      const models = await this.listModels(viewer.orgId, provider);
      result = { ok: true, error: null, modelCount: models.length };
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error), modelCount: null };
    }
    const latencyMs = Math.round(performance.now() - started);
    const { sources } = await this.deps.providers.settingsFor(viewer.orgId);
    const event: AuditEvent = {
      action: "provider_key.tested",
      outcome: result.ok ? "success" : "failure",
      reason: result.error?.slice(0, 500) ?? null,
      target: providerTarget(provider),
    };
    if (sources[provider] === "DATABASE") {
      // The result is kept on the stored key's row: written with its entry.
      await this.deps.audit.change(
        (tx) => this.deps.store.recordTest(viewer.orgId, provider, result, tx),
        event,
      );
    } else {
      this.environmentTests.set(testKey(viewer.orgId, provider), { at: new Date(), ...result });
      await this.deps.audit.record(event);
    }
    return { ...result, latencyMs, connection: await this.connection(viewer, provider) };
  }

  /** The provider's live model list, asked with the key in effect for the organisation. */
  async listModels(orgId: string, provider: ProviderId): Promise<ListedModel[]> {
    const { settings } = await this.deps.providers.settingsFor(orgId);
    const request = requestFor(settings, provider);
    if (!request) throw new BadInputError(`${PROVIDER_NAMES[provider]} is not configured`);
    return listProviderModels({
      ...request,
      provider,
      fetch: this.deps.fetch,
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
  }

  /** At start: stored keys sealed with a key this server does not have are reported (and not used). */
  async reportUnreadable(): Promise<number> {
    const rows = await this.deps.prisma.$queryRaw<{ keyId: string; keyCount: bigint }[]>`
      select key_id as "keyId", key_count as "keyCount" from app_provider_key_ids()`;
    let unreadable = 0;
    for (const row of rows) {
      if (this.deps.keyRing.knows(row.keyId)) continue;
      unreadable += Number(row.keyCount);
      this.deps.logger.error(
        { keyId: row.keyId, count: Number(row.keyCount), current: this.deps.keyRing.currentKeyId },
        "stored provider keys were encrypted with a key this server does not have: set ENCRYPTION_KEY (or ENCRYPTION_KEY_PREVIOUS) to it; until then those providers fall back to the environment",
      );
    }
    return unreadable;
  }

  private view(
    orgId: string,
    provider: ProviderId,
    row: ConnectionRow | undefined,
    settings: ProviderSettings,
    source: ProviderKeySource,
  ): ProviderConnectionView {
    const environmentTest = this.environmentTests.get(testKey(orgId, provider));
    const request = requestFor(settings, provider);
    return {
      provider,
      name: PROVIDER_NAMES[provider],
      configured: request !== null,
      source,
      keyHint: source === "DATABASE" ? (row?.keyHint ?? null) : null,
      baseUrl: request?.baseUrl ?? row?.baseUrl ?? null,
      deployments: provider === "azure" ? (settings.azure?.deployments ?? []) : [],
      lastTestedAt: row ? row.lastTestedAt : (environmentTest?.at ?? null),
      lastTestOk: row ? row.lastTestOk : (environmentTest?.ok ?? null),
      lastError: row ? row.lastError : (environmentTest?.error ?? null),
    };
  }
}

const testKey = (orgId: string, provider: ProviderId) => `${orgId}:${provider}`;

const providerTarget = (provider: ProviderId) => ({
  type: "provider",
  id: provider,
  label: PROVIDER_NAMES[provider],
});

/**
 * What setting a key changed: address and deployments before and after; of the key only that it
 * changed (never the key, nor its hint).
 */
function keyChanges(
  row: ConnectionRow | null,
  storedKey: string | null,
  saved: { apiKey: string | null; baseUrl: string | null; deployments: string[] },
): AuditChanges | null {
  const changes: AuditChanges = {
    ...changesBetween(row ? { baseUrl: row.baseUrl, deployments: row.deployments } : null, {
      baseUrl: saved.baseUrl,
      deployments: saved.deployments,
    }),
  };
  // A stored key this server cannot read is replaced (or dropped) by any save.
  const hadKey = Boolean(row?.secretCiphertext);
  if (saved.apiKey !== storedKey || (hadKey && storedKey === null)) {
    changes.apiKey = { before: hadKey ? REDACTED : null, after: saved.apiKey ? REDACTED : null };
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

/** How to reach `provider` with the settings in effect; null when it is not configured. */
function requestFor(settings: ProviderSettings, provider: ProviderId) {
  if (provider === "azure") {
    return settings.azure
      ? {
          apiKey: settings.azure.apiKey,
          baseUrl: settings.azure.endpoint,
          azureApiVersion: settings.azure.apiVersion,
        }
      : null;
  }
  if (provider === "ollama") {
    return settings.ollama ? { apiKey: settings.ollama.apiKey, baseUrl: settings.ollama.baseUrl } : null;
  }
  const cloud = settings[provider];
  return cloud.apiKey ? { apiKey: cloud.apiKey, baseUrl: cloud.baseUrl } : null;
}

/** An http(s) address without a trailing slash (and, for local servers, without `/v1`); null when empty. */
function normalizedUrl(value: string | null | undefined, provider: ProviderId): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new BadInputError("Enter the address as http(s)://…", { field: "baseUrl" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BadInputError("Enter the address as http(s)://…", { field: "baseUrl" });
  }
  const withoutSlash = trimmed.replace(/\/+$/, "");
  return provider === "ollama" ? withoutSlash.replace(/\/v1$/, "") : withoutSlash;
}
