import type { AuditEvent, AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { Viewer } from "../auth/viewer.js";
import { identityOf } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { AppError, BadInputError, NotFoundError } from "../errors/app-errors.js";
import type { ModelPrice, PrismaClient } from "../generated/prisma/client.js";
import { assertOrganizationAdmin } from "../organizations/organization-admin.js";
import type { ProviderKeyService } from "../provider-keys/provider-key-service.js";
import { parseModelId } from "../providers/catalogue.js";
import type { ProviderId } from "../providers/types.js";
import type { ModelAccess, OrganizationModel } from "./model-access.js";
import type { OrganizationModelSettings } from "./organization-model-settings.js";

export class ModelPriceRequiredError extends AppError {
  constructor(modelId: string) {
    super(
      "MODEL_PRICE_REQUIRED",
      `Set a price for "${modelId}" first, or mark it free: usage must be billed at a known price`,
      { modelId },
    );
  }
}

/** What an admin may change of a model. */
export interface ModelConfigChange {
  enabled?: boolean | null;
  isDefault?: boolean | null;
  displayName?: string | null;
  sortOrder?: number | null;
  allowedGroupIds?: string[] | null;
  isFree?: boolean | null;
}

const MAX_PRICE_PER_MTOK = 10_000;

/** The organisation's models as its admins configure them: on/off, names, order, groups, prices. */
export class ModelConfigService {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      access: ModelAccess;
      settings: OrganizationModelSettings;
      providerKeys: ProviderKeyService;
      audit: AuditTrail;
    },
  ) {}

  async list(viewer: Viewer): Promise<OrganizationModel[]> {
    assertOrganizationAdmin(viewer);
    return this.deps.access.organizationModels(viewer.orgId);
  }

  async find(viewer: Viewer, modelId: string): Promise<OrganizationModel> {
    const model = (await this.list(viewer)).find((candidate) => candidate.id === modelId);
    if (!model) throw new NotFoundError("Model");
    return model;
  }

  async update(viewer: Viewer, modelId: string, change: ModelConfigChange): Promise<OrganizationModel> {
    const model = await this.find(viewer, modelId);
    const { prisma } = this.deps;
    const isFree = change.isFree ?? model.isFree;
    const enabled = change.enabled ?? model.enabled;
    if (enabled && !isFree && !hasPrice(model)) throw new ModelPriceRequiredError(modelId);
    if (change.isDefault === true && !enabled) {
      throw new BadInputError("Only an enabled model can be the default", { field: "isDefault" });
    }
    const groupIds = change.allowedGroupIds == null ? null : [...new Set(change.allowedGroupIds.map(String))];
    const organization = await prisma.organization.findUniqueOrThrow({
      where: { id: viewer.orgId },
      select: { defaultModel: true },
    });
    const restricted = groupIds ? groupIds.length > 0 : model.allowedGroupIds.length > 0;
    const staysDefault =
      change.isDefault === true || (organization.defaultModel === modelId && change.isDefault !== false);
    if (restricted && staysDefault && enabled) {
      throw new BadInputError("The default model is for everyone: choose another default first", {
        field: "allowedGroupIds",
      });
    }
    if (groupIds) {
      const found = groupIds.every(isUuid)
        ? await prisma.group.count({ where: { id: { in: groupIds }, orgId: viewer.orgId } })
        : -1;
      if (found !== groupIds.length) throw new NotFoundError("Group");
    }
    const displayName = change.displayName === undefined ? undefined : change.displayName?.trim() || null;
    const fields = {
      enabled,
      isFree,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(change.sortOrder != null ? { sortOrder: change.sortOrder } : {}),
      updatedAt: new Date(),
    };
    // The default moves here; a disabled model stops being the default.
    const defaultModel =
      change.isDefault === true
        ? modelId
        : (!enabled || change.isDefault === false) && organization.defaultModel === modelId
          ? null
          : organization.defaultModel;
    const events = modelChangeEvents(model, {
      before: organization.defaultModel === modelId,
      after: defaultModel === modelId,
      fields,
      groupIds,
    });
    await this.deps.audit.change(async (tx) => {
      await tx.modelConfig.upsert({
        where: { orgId_modelId: { orgId: viewer.orgId, modelId } },
        create: { orgId: viewer.orgId, modelId, ...fields },
        update: fields,
      });
      if (groupIds) {
        await tx.modelGroupAccess.deleteMany({ where: { orgId: viewer.orgId, modelId } });
        await tx.modelGroupAccess.createMany({
          data: groupIds.map((groupId) => ({ orgId: viewer.orgId, modelId, groupId })),
        });
      }
      if (defaultModel !== organization.defaultModel) {
        await tx.organization.update({ where: { id: viewer.orgId }, data: { defaultModel } });
      }
    }, events);
    await this.deps.settings.changed(viewer.orgId);
    return this.find(viewer, modelId);
  }

  /** A new price version, applying from now on; usage billed before keeps its price. */
  async setPrice(
    viewer: Viewer,
    modelId: string,
    price: { inputPerMTokens: number; outputPerMTokens: number; cachedInputPerMTokens?: number | null },
  ): Promise<OrganizationModel> {
    const model = await this.find(viewer, modelId);
    const cached = price.cachedInputPerMTokens ?? price.inputPerMTokens;
    for (const [field, value] of Object.entries({
      inputPerMTokens: price.inputPerMTokens,
      outputPerMTokens: price.outputPerMTokens,
      cachedInputPerMTokens: cached,
    })) {
      if (!Number.isFinite(value) || value < 0 || value > MAX_PRICE_PER_MTOK) {
        throw new BadInputError(`A price is between 0 and ${MAX_PRICE_PER_MTOK} USD per million tokens`, {
          field,
        });
      }
    }
    await this.deps.audit.change(
      (tx) =>
        tx.modelPrice.create({
          data: {
            orgId: viewer.orgId,
            modelId,
            inputPerMTok: price.inputPerMTokens,
            cachedInputPerMTok: cached,
            outputPerMTok: price.outputPerMTokens,
            createdBy: viewer.userId,
          },
        }),
      (version) => ({
        action: "model_price.set",
        target: modelTarget(model),
        // Before: the price that applied until now (the organisation's version, or the list price).
        changes: changesBetween(
          { ...model.prices, priceVersionId: model.priceVersion?.versionId ?? null },
          {
            inputPerMTok: price.inputPerMTokens,
            cachedInputPerMTok: cached,
            outputPerMTok: price.outputPerMTokens,
            priceVersionId: version.id,
          },
        ),
      }),
    );
    await this.deps.settings.changed(viewer.orgId);
    return this.find(viewer, modelId);
  }

  /** Every price version the organisation set for the model, newest first. */
  priceHistory(orgId: string, modelId: string): Promise<ModelPrice[]> {
    return this.deps.prisma.modelPrice.findMany({
      where: { orgId, modelId },
      orderBy: [{ validFrom: "desc" }, { createdAt: "desc" }],
    });
  }

  /**
   * Loads the provider's live model list. Models the organisation does not know yet arrive disabled,
   * for an admin to review (and price); known ones are left as they are.
   */
  async syncProvider(viewer: Viewer, provider: ProviderId): Promise<OrganizationModel[]> {
    assertOrganizationAdmin(viewer);
    const listed = await this.deps.providerKeys.listModels(viewer.orgId, provider);
    const known = new Set((await this.deps.access.organizationModels(viewer.orgId)).map((model) => model.id));
    const fresh = listed
      .map((model) => ({ ...model, modelId: `${provider}/${model.providerModel}` }))
      .filter((model) => !known.has(model.modelId) && parseModelId(model.modelId) !== null);
    if (fresh.length > 0) {
      await this.deps.prisma.modelConfig.createMany({
        data: fresh.map((model) => ({
          orgId: viewer.orgId,
          modelId: model.modelId,
          enabled: false,
          discovered: true,
          displayName: model.name?.slice(0, 100) ?? null,
          contextWindow: model.contextWindow,
        })),
        skipDuplicates: true,
      });
      await this.deps.settings.changed(viewer.orgId);
    }
    const listedIds = new Set(listed.map((model) => `${provider}/${model.providerModel}`));
    return (await this.deps.access.organizationModels(viewer.orgId)).filter((model) =>
      listedIds.has(model.id),
    );
  }

  /** The models a member may pick (for `models`), as the organisation offers them. */
  usable(viewer: Viewer): Promise<OrganizationModel[]> {
    return this.deps.access.usableModels(identityOf(viewer));
  }
}

const modelTarget = (model: OrganizationModel) => ({ type: "model", id: model.id, label: model.displayName });

/** The entries of an admin's change of a model: its settings, and who may use it (its own action). */
function modelChangeEvents(
  model: OrganizationModel,
  change: {
    /** Whether it was and will be the organisation's default. */
    before: boolean;
    after: boolean;
    fields: { enabled: boolean; isFree: boolean; displayName?: string | null; sortOrder?: number };
    groupIds: string[] | null;
  },
): AuditEvent[] {
  const target = modelTarget(model);
  const { enabled, isFree, displayName, sortOrder } = change.fields;
  const events: AuditEvent[] = [];
  const settings = changesBetween(
    {
      enabled: model.enabled,
      isFree: model.isFree,
      displayName: model.displayName,
      sortOrder: model.sortOrder,
      isDefault: change.before,
    },
    {
      enabled,
      isFree,
      // null: back to the catalogue's name.
      ...(displayName !== undefined ? { displayName } : {}),
      ...(sortOrder !== undefined ? { sortOrder } : {}),
      isDefault: change.after,
    },
  );
  if (settings) events.push({ action: "model_config.updated", target, changes: settings });
  const access =
    change.groupIds &&
    changesBetween(
      { allowedGroupIds: [...model.allowedGroupIds].sort() },
      { allowedGroupIds: [...change.groupIds].sort() },
    );
  if (access) events.push({ action: "model_access.updated", target, changes: access });
  return events;
}

/** Whether usage of the model can be billed: a list price or the organisation's, or a local model. */
function hasPrice(model: OrganizationModel): boolean {
  if (model.priceVersion) return true;
  if (model.provider === "ollama") return true;
  return !model.discovered && (model.prices.inputPerMTok > 0 || model.prices.outputPerMTok > 0);
}
