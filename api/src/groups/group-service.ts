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
      this.prisma.group.create({
        data: { orgId: viewer.orgId, name: input.name, description: input.description ?? "" },
      }),
    );
  }

  async update(
    viewer: Viewer,
    id: string,
    input: { name?: string | null; description?: string | null },
  ): Promise<Group> {
    await this.find(viewer, id);
    return this.named(() =>
      this.prisma.group.update({
        where: { id },
        data: {
          ...(input.name != null ? { name: input.name } : {}),
          ...(input.description != null ? { description: input.description } : {}),
        },
      }),
    );
  }

  /**
   * The group goes; its people stay. A model only this group could use is switched off rather than
   * opened to everyone (its access list would be empty, which means "everyone").
   */
  async remove(viewer: Viewer, id: string): Promise<boolean> {
    await this.find(viewer, id);
    const access = await this.prisma.modelGroupAccess.findMany({
      where: { orgId: viewer.orgId, modelId: { in: await this.modelsOf(viewer.orgId, id) } },
    });
    const onlyThisGroup = [...new Set(access.map((entry) => entry.modelId))].filter((modelId) =>
      access.every((entry) => entry.modelId !== modelId || entry.groupId === id),
    );
    await this.prisma.$transaction([
      ...onlyThisGroup.map((modelId) =>
        this.prisma.modelConfig.upsert({
          where: { orgId_modelId: { orgId: viewer.orgId, modelId } },
          create: { orgId: viewer.orgId, modelId, enabled: false },
          update: { enabled: false, updatedAt: new Date() },
        }),
      ),
      this.prisma.group.delete({ where: { id } }),
    ]);
    await this.modelSettings.changed(viewer.orgId);
    return true;
  }

  async addMembers(viewer: Viewer, groupId: string, userIds: string[]): Promise<Group> {
    const group = await this.find(viewer, groupId);
    const ids = await this.peopleOf(viewer, userIds);
    await this.prisma.groupMember.createMany({
      data: ids.map((userId) => ({ groupId, userId, orgId: viewer.orgId })),
      skipDuplicates: true,
    });
    return group;
  }

  async removeMembers(viewer: Viewer, groupId: string, userIds: string[]): Promise<Group> {
    const group = await this.find(viewer, groupId);
    await this.prisma.groupMember.deleteMany({
      where: { groupId, userId: { in: userIds.filter(isUuid) } },
    });
    return group;
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
