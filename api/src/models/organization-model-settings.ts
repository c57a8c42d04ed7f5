import type { ModelConfig, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { ModelPrices } from "../providers/catalogue.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import { ReplicatedCache } from "../streaming/replicated-cache.js";

/** How one organisation set up its models: what it changed from the catalogue's defaults. */
export interface ModelSettings {
  configs: Map<string, ModelConfig>;
  /** Groups allowed per model; a model without an entry is open to everyone of the organisation. */
  allowedGroups: Map<string, Set<string>>;
  /** The price version that applies now, per model with one. */
  prices: Map<string, ModelPrices & { versionId: string; validFrom: Date }>;
  defaultModel: string | null;
  defaultTemperature: number | null;
}

/**
 * Every request that picks a model reads these, so they are kept per organisation (read as the
 * request's identity: row-level security) until an admin changes one on any replica.
 */
export class OrganizationModelSettings {
  private readonly cache: ReplicatedCache<ModelSettings>;

  constructor(
    private readonly prisma: PrismaClient,
    broadcast: ReplicaBroadcast,
    logger: Logger,
  ) {
    this.cache = new ReplicatedCache({
      broadcast,
      logger,
      topic: "model-settings-changed",
      load: (orgId) => this.read(orgId),
    });
  }

  of(orgId: string): Promise<ModelSettings> {
    return this.cache.get(orgId);
  }

  /** After an admin's change: this replica forgets at once, the others when the news arrives. */
  changed(orgId: string): Promise<void> {
    return this.cache.changed(orgId);
  }

  private async read(orgId: string): Promise<ModelSettings> {
    const now = new Date();
    const [configs, access, prices, organization] = await Promise.all([
      this.prisma.modelConfig.findMany({ where: { orgId } }),
      this.prisma.modelGroupAccess.findMany({ where: { orgId } }),
      this.prisma.modelPrice.findMany({
        where: { orgId, validFrom: { lte: now } },
        orderBy: [{ validFrom: "desc" }, { createdAt: "desc" }],
        distinct: ["modelId"],
      }),
      this.prisma.organization.findUnique({
        where: { id: orgId },
        select: { defaultModel: true, defaultTemperature: true },
      }),
    ]);
    const allowedGroups = new Map<string, Set<string>>();
    for (const entry of access) {
      const groups = allowedGroups.get(entry.modelId) ?? new Set<string>();
      groups.add(entry.groupId);
      allowedGroups.set(entry.modelId, groups);
    }
    return {
      configs: new Map(configs.map((config) => [config.modelId, config])),
      allowedGroups,
      prices: new Map(
        prices.map((price) => [
          price.modelId,
          {
            inputPerMTok: price.inputPerMTok.toNumber(),
            cachedInputPerMTok: price.cachedInputPerMTok.toNumber(),
            outputPerMTok: price.outputPerMTok.toNumber(),
            versionId: price.id,
            validFrom: price.validFrom,
          },
        ]),
      ),
      defaultModel: organization?.defaultModel ?? null,
      defaultTemperature: organization?.defaultTemperature?.toNumber() ?? null,
    };
  }
}
