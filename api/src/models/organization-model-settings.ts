import type { ModelConfig, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import type { ModelPrices } from "../providers/catalogue.js";
import type { ReplicaBroadcast } from "../streaming/replica-broadcast.js";

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

const TOPIC = "model-settings-changed";
const CACHE_TTL_MS = 60_000;

/**
 * Every request that picks a model reads these, so they are kept per organisation (read as the
 * request's identity: row-level security) until an admin changes one on any replica.
 */
export class OrganizationModelSettings {
  private readonly cache = new Map<string, Promise<ModelSettings>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly broadcast: ReplicaBroadcast,
    private readonly logger: Logger,
  ) {
    broadcast.on(TOPIC, (orgId) => this.cache.delete(orgId));
  }

  of(orgId: string): Promise<ModelSettings> {
    const cached = this.cache.get(orgId);
    if (cached) return cached;
    const loading = this.read(orgId).then(
      (settings) => {
        setTimeout(() => {
          if (this.cache.get(orgId) === loading) this.cache.delete(orgId);
        }, CACHE_TTL_MS).unref();
        return settings;
      },
      (error: unknown) => {
        this.cache.delete(orgId);
        throw error;
      },
    );
    this.cache.set(orgId, loading);
    return loading;
  }

  /** After an admin's change: this replica forgets at once, the others when the news arrives. */
  async changed(orgId: string): Promise<void> {
    this.cache.delete(orgId);
    await this.broadcast
      .publish(TOPIC, orgId)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, "could not announce a model settings change"),
      );
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
