import { z } from "zod";
import { passwordSchema } from "../auth/schema.js";
import { builder } from "../graphql/builder.js";
import { oncePerRequest } from "../graphql/per-request.js";
import { singleLine } from "../graphql/text-schemas.js";
import { appUrlOf } from "../organizations/schema.js";
import { startOfMonth } from "../usage/usage-service.js";
import { usageByUser } from "./people-service.js";

const UsageCount = builder.objectRef<{ requests: number; costUsd: number }>("UsageCount").implement({
  fields: (t) => ({
    requests: t.exposeInt("requests"),
    costUsd: t.exposeFloat("costUsd"),
  }),
});

export const AdminUserRef = builder.prismaObject("User", {
  variant: "AdminUser",
  description: "A person of the organisation as its admins see them",
  fields: (t) => ({
    id: t.exposeID("id"),
    username: t.exposeString("username"),
    email: t.exposeString("email"),
    isActive: t.exposeBoolean("isActive"),
    isAdmin: t.exposeBoolean("isAdmin"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastActiveAt: t.expose("lastActiveAt", {
      type: "DateTime",
      nullable: true,
      description: "The last sign-in or token refresh; null if never",
    }),
    usageThisMonth: t.field({
      type: UsageCount,
      description: "This calendar month (UTC)",
      resolve: async (user, _args, context) => {
        const usage = await oncePerRequest(context, "usage-this-month", () =>
          usageByUser(context.prisma, user.orgId, startOfMonth()),
        );
        return usage.get(user.id) ?? { requests: 0, costUsd: 0 };
      },
    }),
  }),
});

const UpdateUserInput = builder.inputType("UpdateUserInput", {
  fields: (t) => ({
    isActive: t.boolean({ description: "false: signed out everywhere at once, API keys stop working" }),
    isAdmin: t.boolean(),
  }),
});

const PasswordResetLink = builder.objectRef<{ url: string; expiresAt: Date }>("PasswordResetLink").implement({
  description: "A one-time link that lets a person choose a new password",
  fields: (t) => ({
    url: t.exposeString("url"),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  adminUsers: t.withAuth({ loggedIn: true }).prismaConnection({
    type: AdminUserRef,
    cursor: "id",
    description: "The organisation's people, by name (its admins)",
    args: {
      search: t.arg.string({ validate: singleLine(z.string().max(200)) }),
      includeInactive: t.arg.boolean({ defaultValue: false }),
    },
    totalCount: (_root, args, context) =>
      context.prisma.user.count({
        where: context.services.people.where(context.viewer!, args.search, args.includeInactive ?? false),
      }),
    resolve: (query, _root, args, context) =>
      context.prisma.user.findMany({
        ...query,
        where: context.services.people.where(context.viewer, args.search, args.includeInactive ?? false),
        orderBy: [{ username: "asc" }, { id: "asc" }],
      }),
  }),
}));

// Changing people and provider keys needs a signed-in admin, not an API key: a leaked key must not be
// able to take over accounts (a reset link) or redirect the organisation's provider traffic.
builder.mutationFields((t) => ({
  updateUser: t.withAuth({ session: true }).prismaField({
    type: AdminUserRef,
    description: "An admin cannot deactivate or demote themself, nor the organisation's last admin",
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateUserInput, required: true }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.people.update(context.viewer, String(args.id), args.input),
  }),
  deleteUser: t.withAuth({ session: true }).prismaField({
    type: AdminUserRef,
    description:
      "Soft delete: deactivated, sessions and API keys revoked, usage kept; eraseData also deletes their chats, assistants and templates and anonymises name and e-mail",
    args: {
      id: t.arg.id({ required: true }),
      eraseData: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.people.remove(context.viewer, String(args.id), args.eraseData ?? false),
  }),
  resetUserPassword: t.withAuth({ session: true }).field({
    type: PasswordResetLink,
    description: "A one-time link (valid 24 hours) for the person to choose a new password",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.people.resetLink(context.viewer, String(args.id), appUrlOf(context)),
  }),
  resetPassword: t.boolean({
    description:
      "Sets a new password with a reset link's token (no sign-in); ends every session of the account",
    args: {
      token: t.arg.string({ required: true, validate: z.string().min(1).max(200) }),
      newPassword: t.arg.string({ required: true, validate: passwordSchema }),
    },
    resolve: async (_root, args, context) => {
      await context.services.people.resetPassword(args.token, args.newPassword);
      return true;
    },
  }),
}));
