import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
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
  /** Days audit entries are kept; null: the server's AUDIT_RETENTION_DAYS. */
  auditRetentionDays: number | null;
  /** IANA time zone; budget periods follow its calendar. */
  timeZone: string;
}

/** Whether Node (and so the person's browser, and Postgres: both use the IANA database) knows the zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}

/** The shortest audit retention an organisation may choose: its entries are evidence. */
export const MIN_AUDIT_RETENTION_DAYS = 30;

/** What an organisation's admins decide for everyone of it. */
export class OrganizationSettingsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly models: ModelAccess,
    private readonly modelSettings: OrganizationModelSettings,
    private readonly audit: AuditTrail,
  ) {}

  async get(viewer: Viewer): Promise<OrganizationSettings> {
    assertOrganizationAdmin(viewer);
    const organization = await this.prisma.organization.findUniqueOrThrow({ where: { id: viewer.orgId } });
    return {
      defaultModel: organization.defaultModel,
      defaultTemperature: organization.defaultTemperature?.toNumber() ?? null,
      registrationOpen: organization.registrationOpen,
      auditRetentionDays: organization.auditRetentionDays,
      timeZone: organization.timeZone,
    };
  }

  /** Fields left out stay; an empty default model (or temperature null) goes back to the server's. */
  async update(
    viewer: Viewer,
    input: {
      defaultModel?: string | null;
      defaultTemperature?: number | null;
      registrationOpen?: boolean | null;
      auditRetentionDays?: number | null;
      timeZone?: string | null;
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
    const retention = input.auditRetentionDays;
    if (
      retention != null &&
      !(Number.isInteger(retention) && retention >= MIN_AUDIT_RETENTION_DAYS && retention <= 36_500)
    ) {
      throw new BadInputError(`Audit entries are kept between ${MIN_AUDIT_RETENTION_DAYS} and 36500 days`, {
        field: "auditRetentionDays",
      });
    }
    const timeZone = input.timeZone?.trim() || undefined;
    if (timeZone && !isTimeZone(timeZone)) {
      throw new BadInputError(`Unknown time zone "${timeZone}" (an IANA name such as Europe/Berlin)`, {
        field: "timeZone",
      });
    }
    const before = await this.get(viewer);
    // The columns it changes, named as the settings are.
    const after: Partial<OrganizationSettings> = {
      ...(defaultModel !== undefined ? { defaultModel } : {}),
      ...(temperature !== undefined ? { defaultTemperature: temperature } : {}),
      ...(input.registrationOpen != null ? { registrationOpen: input.registrationOpen } : {}),
      ...(retention !== undefined ? { auditRetentionDays: retention } : {}),
      ...(timeZone ? { timeZone } : {}),
    };
    await this.audit.change(
      (tx) => tx.organization.update({ where: { id: viewer.orgId }, data: after }),
      (organization) => {
        const changes = changesBetween({ ...before }, after);
        return changes
          ? {
              action: "settings.updated",
              target: { type: "organization", id: organization.id, label: organization.name },
              changes,
            }
          : null;
      },
    );
    await this.modelSettings.changed(viewer.orgId);
    return this.get(viewer);
  }
}
