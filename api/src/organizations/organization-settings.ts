import type { Viewer } from "../auth/viewer.js";
import { BadInputError } from "../errors/app-errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ModelAccess } from "../models/model-access.js";
import type { OrganizationModelSettings } from "../models/organization-model-settings.js";
import { assertOrganizationAdmin } from "./organization-admin.js";

export interface OrganizationSettings {
  /** null: the server's DEFAULT_MODEL. */
  defaultModel: string | null;
  /** null: the server's DEFAULT_TEMPERATURE. */
  defaultTemperature: number | null;
  registrationOpen: boolean;
}

/** What an organisation's admins decide for everyone of it. */
export class OrganizationSettingsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly models: ModelAccess,
    private readonly modelSettings: OrganizationModelSettings,
  ) {}

  async get(viewer: Viewer): Promise<OrganizationSettings> {
    assertOrganizationAdmin(viewer);
    const organization = await this.prisma.organization.findUniqueOrThrow({ where: { id: viewer.orgId } });
    return {
      defaultModel: organization.defaultModel,
      defaultTemperature: organization.defaultTemperature?.toNumber() ?? null,
      registrationOpen: organization.registrationOpen,
    };
  }

  /** Fields left out stay; an empty default model (or temperature null) goes back to the server's. */
  async update(
    viewer: Viewer,
    input: {
      defaultModel?: string | null;
      defaultTemperature?: number | null;
      registrationOpen?: boolean | null;
    },
  ): Promise<OrganizationSettings> {
    assertOrganizationAdmin(viewer);
    const defaultModel = input.defaultModel === undefined ? undefined : input.defaultModel?.trim() || null;
    if (defaultModel) {
      const model = (await this.models.organizationModels(viewer.orgId)).find(
        (entry) => entry.id === defaultModel,
      );
      if (!model) throw new BadInputError(`Unknown model "${defaultModel}"`, { field: "defaultModel" });
      if (!model.enabled || model.allowedGroupIds.length > 0) {
        throw new BadInputError("The default model must be enabled for everyone", { field: "defaultModel" });
      }
    }
    const temperature = input.defaultTemperature;
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new BadInputError("The temperature is between 0 and 2", { field: "defaultTemperature" });
    }
    await this.prisma.organization.update({
      where: { id: viewer.orgId },
      data: {
        ...(defaultModel !== undefined ? { defaultModel } : {}),
        ...(temperature !== undefined ? { defaultTemperature: temperature } : {}),
        ...(input.registrationOpen != null ? { registrationOpen: input.registrationOpen } : {}),
      },
    });
    await this.modelSettings.changed(viewer.orgId);
    return this.get(viewer);
  }
}
