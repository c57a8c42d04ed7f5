import type { AuditEvent, AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { ConflictError, NotFoundError } from "../errors/app-errors.js";
import { type Group, Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { OrganizationModelSettings } from "../models/organization-model-settings.js";
import { assertOrganizationAdmin } from "../organizations/organization-admin.js";

/** Groups of an organisation's people, managed by its admins; they grant access to models. */
export class GroupService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly modelSettings: OrganizationModelSettings,
    private readonly audit: AuditTrail,
  ) {}

  list(viewer: Viewer): Promise<Group[]> {
    assertOrganizationAdmin(viewer);
    return this.prisma.group.findMany({
      where: { orgId: viewer.orgId },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    });
  }

  async find(viewer: Viewer, id: string): Promise<Group> {
    assertOrganizationAdmin(viewer);
    const group = isUuid(id)
      ? await this.prisma.group.findFirst({ where: { id, orgId: viewer.orgId } })
      : null;
    if (!group) throw new NotFoundError("Group");
    return group;
  }

  async create(viewer: Viewer, input: { name: string; description?: string | null }): Promise<Group> {
    assertOrganizationAdmin(viewer);
    return this.named(() =>
      this.audit.change(
        (tx) =>
          tx.group.create({
            data: { orgId: viewer.orgId, name: input.name, description: input.description ?? "" },
          }),
        (group) => ({
          action: "group.created",
          target: groupTarget(group),
          changes: changesBetween(null, { name: group.name, description: group.description }),
        }),
      ),
    );
  }

  async update(
    viewer: Viewer,
    id: string,
    input: { name?: string | null; description?: string | null },
  ): Promise<Group> {
    const before = await this.find(viewer, id);
    return this.named(() =>
      this.audit.change(
        (tx) =>
          tx.group.update({
            where: { id },
            data: {
              ...(input.name != null ? { name: input.name } : {}),
              ...(input.description != null ? { description: input.description } : {}),
            },
          }),
        (group) => {
          const changes = changesBetween(
            { name: before.name, description: before.description },
            { name: group.name, description: group.description },
          );
          return changes ? { action: "group.updated", target: groupTarget(group), changes } : null;
        },
      ),
    );
  }

  /**
   * The group goes; its people stay. A model only this group could use is switched off rather than
   * opened to everyone (its access list would be empty, which means "everyone").
   */
  async remove(viewer: Viewer, id: string): Promise<boolean> {
    const group = await this.find(viewer, id);
    const access = await this.prisma.modelGroupAccess.findMany({
      where: { orgId: viewer.orgId, modelId: { in: await this.modelsOf(viewer.orgId, id) } },
    });
    const onlyThisGroup = [...new Set(access.map((entry) => entry.modelId))].filter((modelId) =>
      access.every((entry) => entry.modelId !== modelId || entry.groupId === id),
    );
    await this.audit.change(
      async (tx) => {
        for (const modelId of onlyThisGroup) {
          await tx.modelConfig.upsert({
            where: { orgId_modelId: { orgId: viewer.orgId, modelId } },
            create: { orgId: viewer.orgId, modelId, enabled: false },
            update: { enabled: false, updatedAt: new Date() },
          });
        }
        await tx.group.delete({ where: { id } });
      },
      {
        action: "group.deleted",
        target: groupTarget(group),
        changes: {
          ...changesBetween({ name: group.name, description: group.description }, null),
          ...(onlyThisGroup.length > 0 ? { modelsDisabled: { after: onlyThisGroup } } : {}),
        },
      },
    );
    await this.modelSettings.changed(viewer.orgId);
    return true;
  }

  async addMembers(viewer: Viewer, groupId: string, userIds: string[]): Promise<Group> {
    const group = await this.find(viewer, groupId);
    const ids = await this.peopleOf(viewer, userIds);
    await this.changeMembers(group, "group.member_added", async (tx) => {
      const present = await this.membersAmong(tx, groupId, ids);
      const added = ids.filter((userId) => !present.has(userId));
      await tx.groupMember.createMany({
        data: added.map((userId) => ({ groupId, userId, orgId: viewer.orgId })),
        skipDuplicates: true,
      });
      return added;
    });
    return group;
  }

  async removeMembers(viewer: Viewer, groupId: string, userIds: string[]): Promise<Group> {
    const group = await this.find(viewer, groupId);
    await this.changeMembers(group, "group.member_removed", async (tx) => {
      const removed = [...(await this.membersAmong(tx, groupId, userIds.filter(isUuid)))];
      await tx.groupMember.deleteMany({ where: { groupId, userId: { in: removed } } });
      return removed;
    });
    return group;
  }

  /** A change of membership and an entry for each person it added or removed, in one transaction. */
  private async changeMembers(
    group: Group,
    action: "group.member_added" | "group.member_removed",
    change: (tx: Prisma.TransactionClient) => Promise<string[]>,
  ): Promise<void> {
    const side = action === "group.member_added" ? "after" : "before";
    await this.audit.change(change, (userIds) =>
      userIds.map(
        (userId): AuditEvent => ({
          action,
          target: { type: "user", id: userId },
          changes: { group: { [side]: group.name }, groupId: { [side]: group.id } },
        }),
      ),
    );
  }

  /** Which of `userIds` are members of the group. */
  private async membersAmong(tx: Prisma.TransactionClient, groupId: string, userIds: string[]) {
    const rows = await tx.groupMember.findMany({
      where: { groupId, userId: { in: userIds } },
      select: { userId: true },
    });
    return new Set(rows.map((row) => row.userId));
  }

  private async modelsOf(orgId: string, groupId: string): Promise<string[]> {
    const entries = await this.prisma.modelGroupAccess.findMany({ where: { orgId, groupId } });
    return entries.map((entry) => entry.modelId);
  }

  /** Member counts of the organisation's groups (one query for a whole list). */
  async memberCounts(orgId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.groupMember.groupBy({
      by: ["groupId"],
      where: { orgId },
      _count: { _all: true },
    });
    return new Map(rows.map((row) => [row.groupId, row._count._all]));
  }

  /** The ids, all of people of the viewer's organisation: any other is NOT_FOUND. */
  private async peopleOf(viewer: Viewer, userIds: string[]): Promise<string[]> {
    const unique = [...new Set(userIds)];
    if (!unique.every(isUuid)) throw new NotFoundError("User");
    const found = await this.prisma.user.findMany({
      where: { id: { in: unique }, orgId: viewer.orgId, deletedAt: null },
      select: { id: true },
    });
    if (found.length !== unique.length) throw new NotFoundError("User");
    return unique;
  }

  private async named<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new ConflictError("Another group has this name", { field: "name" });
      }
      throw error;
    }
  }
}

const groupTarget = (group: Group) => ({ type: "group", id: group.id, label: group.name });
