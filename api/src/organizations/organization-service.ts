import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { AccessRevocations } from "../auth/access-revocations.js";
import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors/app-errors.js";
import { type Organization, Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** The organisation every account joins without an invitation; it holds the rows from before organisations. */
export const DEFAULT_ORGANIZATION_ID = "0e5a0000-0000-4000-8000-000000000001";

/**
 * Organisations, managed by platform operators. Row-level security lets them see every organisation
 * (not its content); everyone else sees only their own.
 */
export class OrganizationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly revocations: AccessRevocations,
    private readonly audit: AuditTrail,
  ) {}

  list(viewer: Viewer): Promise<Organization[]> {
    assertPlatformAdmin(viewer);
    return this.prisma.organization.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  async find(id: string): Promise<Organization> {
    const organization = isUuid(id) ? await this.prisma.organization.findUnique({ where: { id } }) : null;
    if (!organization) throw new NotFoundError("Organization");
    return organization;
  }

  /**
   * New organisations start with the default's starter assistants and templates (a database trigger).
   * Organisations are platform events: their entries go to the platform's log (orgId null), which
   * platform operators read — a request writes entries only into its own organisation's log or that one.
   */
  async create(viewer: Viewer, input: { name: string; slug: string }): Promise<Organization> {
    assertPlatformAdmin(viewer);
    try {
      return await this.audit.change(
        (tx) => tx.organization.create({ data: { name: input.name, slug: input.slug } }),
        (organization) => ({
          action: "organization.created",
          orgId: null,
          target: organizationTarget(organization),
          changes: changesBetween(null, { name: organization.name, slug: organization.slug }),
        }),
      );
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new ConflictError("Another organisation has this short name", { field: "slug" });
      }
      throw error;
    }
  }

  async update(viewer: Viewer, id: string, input: { name?: string | null; isActive?: boolean | null }) {
    assertPlatformAdmin(viewer);
    const before = await this.find(id);
    if (input.isActive === false && id === viewer.orgId) {
      throw new ConflictError("You cannot deactivate your own organisation", { field: "isActive" });
    }
    const organization = await this.audit.change(
      (tx) =>
        tx.organization.update({
          where: { id },
          data: {
            ...(input.name != null ? { name: input.name } : {}),
            ...(input.isActive != null ? { isActive: input.isActive } : {}),
          },
        }),
      (updated) => {
        const changes = changesBetween(
          { name: before.name, isActive: before.isActive },
          { name: updated.name, isActive: updated.isActive },
        );
        return changes
          ? { action: "organization.updated", orgId: null, target: organizationTarget(updated), changes }
          : null;
      },
    );
    // Every new request of its people is refused by now; what they still have open (answer streams) ends.
    if (input.isActive === false) await this.revocations.announce({ kind: "organization", orgId: id });
    return organization;
  }

  /** Members per organisation (a named database path: counting crosses tenants). */
  async memberCounts(): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ orgId: string; memberCount: bigint }[]>`
      select org_id as "orgId", member_count as "memberCount" from app_organization_member_counts()`;
    return new Map(rows.map((row) => [row.orgId, Number(row.memberCount)]));
  }
}

const organizationTarget = (organization: Organization) => ({
  type: "organization",
  id: organization.id,
  label: organization.name,
});

export function assertPlatformAdmin(viewer: Viewer): void {
  if (!viewer.isPlatformAdmin) throw new ForbiddenError("Only a platform operator can manage organisations");
}
