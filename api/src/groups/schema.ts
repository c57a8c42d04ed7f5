import { z } from "zod";
import { builder } from "../graphql/builder.js";
import { oncePerRequest } from "../graphql/per-request.js";
import { nameSchema } from "../graphql/text-schemas.js";
import { AdminUserRef } from "../people/schema.js";

export const GroupRef = builder.prismaObject("Group", {
  description: "A group of people: grants access to models (later also budgets and SSO groups)",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    memberCount: t.int({
      resolve: async (group, _args, context) => {
        const counts = await oncePerRequest(context, "group-member-counts", () =>
          context.services.groups.memberCounts(group.orgId),
        );
        return counts.get(group.id) ?? 0;
      },
    }),
    members: t.prismaField({
      type: [AdminUserRef],
      description: "Its people, by name (deleted ones are gone)",
      resolve: (query, group, _args, context) =>
        context.prisma.user.findMany({
          ...query,
          where: { orgId: group.orgId, deletedAt: null, groupMemberships: { some: { groupId: group.id } } },
          orderBy: [{ username: "asc" }, { id: "asc" }],
        }),
    }),
  }),
});

builder.prismaObjectField(AdminUserRef, "groups", (t) =>
  t.prismaField({
    type: [GroupRef],
    resolve: (query, user, _args, context) =>
      context.prisma.group.findMany({
        ...query,
        where: { orgId: user.orgId, members: { some: { userId: user.id } } },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
  }),
);

const descriptionSchema = z.string().trim().max(500, "The description has at most 500 characters");

const CreateGroupInput = builder.inputType("CreateGroupInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameSchema }),
    description: t.string({ validate: descriptionSchema }),
  }),
});

const UpdateGroupInput = builder.inputType("UpdateGroupInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    description: t.string({ validate: descriptionSchema }),
  }),
});

const userIds = z.array(z.string()).max(500, "At most 500 people at once");

builder.queryFields((t) => ({
  groups: t.withAuth({ loggedIn: true }).prismaField({
    type: [GroupRef],
    description: "The organisation's groups, by name (its admins)",
    resolve: (_query, _root, _args, context) => context.services.groups.list(context.viewer),
  }),
}));

builder.mutationFields((t) => ({
  createGroup: t.withAuth({ loggedIn: true }).prismaField({
    type: GroupRef,
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    resolve: (_query, _root, { input }, context) => context.services.groups.create(context.viewer, input),
  }),
  updateGroup: t.withAuth({ loggedIn: true }).prismaField({
    type: GroupRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateGroupInput, required: true }) },
    resolve: (_query, _root, args, context) =>
      context.services.groups.update(context.viewer, String(args.id), args.input),
  }),
  deleteGroup: t.withAuth({ loggedIn: true }).boolean({
    description: "Its people stay; models only it could use are then no one's until an admin chooses again",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.groups.remove(context.viewer, String(args.id)),
  }),
  addGroupMembers: t.withAuth({ loggedIn: true }).prismaField({
    type: GroupRef,
    args: {
      groupId: t.arg.id({ required: true }),
      userIds: t.arg.idList({ required: true, validate: userIds }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.groups.addMembers(context.viewer, String(args.groupId), args.userIds.map(String)),
  }),
  removeGroupMembers: t.withAuth({ loggedIn: true }).prismaField({
    type: GroupRef,
    args: {
      groupId: t.arg.id({ required: true }),
      userIds: t.arg.idList({ required: true, validate: userIds }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.groups.removeMembers(context.viewer, String(args.groupId), args.userIds.map(String)),
  }),
}));
