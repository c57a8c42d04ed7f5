import type { RequestIdentity } from "../db/request-identity.js";
import { AppError } from "../errors/app-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { OrganizationProviders } from "../provider-keys/organization-providers.js";
import {
  FREE,
  findCatalogueModel,
  MODEL_CATALOGUE,
  type ModelInfo,
  parseModelId,
} from "../providers/catalogue.js";
import type { ModelAvailability, ProviderRegistry } from "../providers/registry.js";
import type { ProviderAdapter } from "../providers/types.js";
import { isBuiltInModelId, unknownModel } from "./known-model.js";
import type { ModelSettings, OrganizationModelSettings } from "./organization-model-settings.js";

/** A model as the organisation has it: the catalogue's facts with the organisation's choices. */
export type OrganizationModel = ModelAvailability & {
  displayName: string;
  enabled: boolean;
  sortOrder: number;
  isFree: boolean;
  discovered: boolean;
  /** Empty: everyone of the organisation. */
  allowedGroupIds: string[];
  /** The organisation's price version that applies now, if it set one (else the list price applies). */
  priceVersion: { versionId: string; validFrom: Date } | null;
};

// Models loaded from a provider's live list carry no context size in most lists.
const DISCOVERED_CONTEXT_WINDOW = 128_000;

export class ModelDisabledError extends AppError {
  constructor(modelId: string, reason: "disabled" | "group") {
    super(
      "MODEL_DISABLED",
      reason === "disabled"
        ? `The model "${modelId}" is switched off in this organisation`
        : `The model "${modelId}" is not available to you: your organisation offers it to some groups only`,
      { modelId, reason },
    );
  }
}

/**
 * The one place that decides whether someone may use a model: it is enabled in their organisation, open
 * to everyone or to one of their groups, and its provider is configured (in the database or the
 * environment). The model list, sending, regenerating, editing, titles and API keys all ask it.
 */
export class ModelAccess {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      providers: OrganizationProviders;
      settings: OrganizationModelSettings;
      defaults: { DEFAULT_MODEL: string; DEFAULT_TEMPERATURE: number };
    },
  ) {}

  /** Every model the organisation knows (the admin's view), ordered as it chose. */
  async organizationModels(orgId: string): Promise<OrganizationModel[]> {
    const [registry, settings] = await Promise.all([
      this.deps.providers.registryFor(orgId),
      this.deps.settings.of(orgId),
    ]);
    const known = await registry.listModels();
    const knownIds = new Set(known.map((model) => model.id));
    const discovered = [...settings.configs.values()]
      .filter((config) => config.discovered && !knownIds.has(config.modelId))
      .flatMap((config) => {
        const info = discoveredModel(config.modelId, config.displayName, config.contextWindow);
        if (!info) return [];
        let unavailableReason: string | null = null;
        try {
          registry.adapter(info.provider);
        } catch (error) {
          unavailableReason = error instanceof Error ? error.message : String(error);
        }
        return [{ ...info, available: unavailableReason === null, unavailableReason }];
      });
    return [...known, ...discovered]
      .map((model) => withSettings(model, settings))
      .sort((left, right) => left.sortOrder - right.sortOrder);
  }

  /** The models `identity` may choose: enabled and open to them (unconfigured ones say why not). */
  async usableModels(identity: RequestIdentity): Promise<OrganizationModel[]> {
    const [models, groups] = await Promise.all([
      this.organizationModels(identity.orgId),
      this.groupsOf(identity),
    ]);
    return models.filter((model) => refusal(model, groups) === null);
  }

  /**
   * The adapter and model (priced as the organisation bills it now) for a call by `identity`. Throws
   * MODEL_DISABLED when the organisation does not offer it to them, PROVIDER_BAD_REQUEST for unknown
   * models and unconfigured providers.
   */
  async resolve(
    identity: RequestIdentity,
    modelId: string,
  ): Promise<{ adapter: ProviderAdapter; model: ModelInfo }> {
    const [registry, settings] = await Promise.all([
      this.deps.providers.registryFor(identity.orgId),
      this.assertAllowed(identity, modelId),
    ]);
    return lookUp(registry, settings, modelId);
  }

  /**
   * Throws MODEL_DISABLED when the organisation does not offer the model to `identity`. Whether its
   * provider can serve it is the answer's business: a failed answer says why, and keeps the question.
   */
  async assertAllowed(identity: RequestIdentity, modelId: string): Promise<ModelSettings> {
    const settings = await this.deps.settings.of(identity.orgId);
    const config = settings.configs.get(modelId);
    if (config && !config.enabled) throw new ModelDisabledError(modelId, "disabled");
    const allowed = settings.allowedGroups.get(modelId);
    if (allowed && allowed.size > 0) {
      const groups = await this.groupsOf(identity);
      if (![...allowed].some((group) => groups.has(group))) throw new ModelDisabledError(modelId, "group");
    }
    return settings;
  }

  /**
   * The model priced as the organisation bills it now, whoever may use it: a call that was made is
   * paid for even if the model was switched off since (recovery bills interrupted answers).
   */
  async priced(orgId: string, modelId: string): Promise<ModelInfo> {
    const [registry, settings] = await Promise.all([
      this.deps.providers.registryFor(orgId),
      this.deps.settings.of(orgId),
    ]);
    const known = registry.known(modelId);
    const config = settings.configs.get(modelId);
    const model =
      known ??
      (config?.discovered ? discoveredModel(modelId, config.displayName, config.contextWindow) : undefined);
    if (!model) throw new Error(`Unknown model "${modelId}"`);
    const price = settings.prices.get(modelId);
    return price ? { ...model, prices: price } : model;
  }

  /**
   * Rejects model ids that cannot exist for the organisation (typos, the empty string) before anything
   * is saved: the catalogue's, operator-named ones (Azure, local) and those synced from a provider pass.
   * No id at all (null, undefined) passes: it means "the default".
   */
  async assertKnown(orgId: string, modelId: string | null | undefined): Promise<void> {
    if (modelId === null || modelId === undefined || isBuiltInModelId(modelId)) return;
    const config = (await this.deps.settings.of(orgId)).configs.get(modelId);
    if (!config?.discovered) throw unknownModel(modelId);
  }

  /** The catalogue's list price of a model, if it has one. */
  listPrice(modelId: string): ModelInfo["prices"] | undefined {
    return findCatalogueModel(modelId)?.prices;
  }

  /** The organisation's default model and temperature, else the server's. */
  async defaults(orgId: string): Promise<{ model: string; temperature: number }> {
    const settings = await this.deps.settings.of(orgId);
    return {
      model: settings.defaultModel ?? this.deps.defaults.DEFAULT_MODEL,
      temperature: settings.defaultTemperature ?? this.deps.defaults.DEFAULT_TEMPERATURE,
    };
  }

  private async groupsOf(identity: RequestIdentity): Promise<Set<string>> {
    const memberships = await this.deps.prisma.groupMember.findMany({
      where: { userId: identity.userId, orgId: identity.orgId },
      select: { groupId: true },
    });
    return new Set(memberships.map((membership) => membership.groupId));
  }
}

function lookUp(registry: ProviderRegistry, settings: ModelSettings, modelId: string) {
  const config = settings.configs.get(modelId);
  const discovered = config?.discovered
    ? discoveredModel(modelId, config.displayName, config.contextWindow)
    : undefined;
  let resolved: { adapter: ProviderAdapter; model: ModelInfo };
  try {
    resolved = registry.resolve(modelId);
  } catch (error) {
    if (!discovered) throw error;
    resolved = { adapter: registry.adapter(discovered.provider), model: discovered };
  }
  const price = settings.prices.get(modelId);
  return price ? { ...resolved, model: { ...resolved.model, prices: price } } : resolved;
}

/** Why `model` is not offered to someone in `groups`, or null when it is. */
function refusal(model: OrganizationModel, groups: Set<string>): "disabled" | "group" | null {
  if (!model.enabled) return "disabled";
  if (model.allowedGroupIds.length > 0 && !model.allowedGroupIds.some((group) => groups.has(group))) {
    return "group";
  }
  return null;
}

function withSettings(model: ModelAvailability, settings: ModelSettings): OrganizationModel {
  const config = settings.configs.get(model.id);
  const price = settings.prices.get(model.id);
  return {
    ...model,
    prices: price ?? model.prices,
    displayName: config?.displayName || model.name,
    enabled: config?.enabled ?? true,
    sortOrder: config?.sortOrder ?? 0,
    isFree: config?.isFree ?? false,
    discovered: config?.discovered ?? false,
    allowedGroupIds: [...(settings.allowedGroups.get(model.id) ?? [])],
    priceVersion: price ? { versionId: price.versionId, validFrom: price.validFrom } : null,
  };
}

/**
 * A model loaded from a provider's list: known by id only, unpriced until the admin sets a price. It
 * follows the rules of its family in the catalogue (the longest catalogue name it starts with: a new
 * "gpt-5.7-preview" rejects a temperature like every "gpt-5"), else it is assumed to take one.
 */
function discoveredModel(
  modelId: string,
  displayName: string | null,
  contextWindow: number | null,
): ModelInfo | undefined {
  const parsed = parseModelId(modelId);
  if (!parsed) return undefined;
  const family = MODEL_CATALOGUE.filter(
    (model) => model.provider === parsed.provider && parsed.providerModel.startsWith(model.providerModel),
  ).sort((left, right) => right.providerModel.length - left.providerModel.length)[0];
  return {
    id: modelId,
    provider: parsed.provider,
    providerModel: parsed.providerModel,
    name: displayName || parsed.providerModel,
    contextWindow: contextWindow ?? family?.contextWindow ?? DISCOVERED_CONTEXT_WINDOW,
    prices: FREE,
    supportsTemperature: family?.supportsTemperature ?? true,
  };
}
