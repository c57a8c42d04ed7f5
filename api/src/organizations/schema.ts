import { z } from "zod";
import type { Invitation } from "../generated/prisma/client.js";
import { builder } from "../graphql/builder.js";
import { nameSchema } from "../graphql/text-schemas.js";
import { UserRef } from "../users/schema.js";
import { type IssuedInvitation, invitationStatus } from "./invitation-service.js";
import { MIN_AUDIT_RETENTION_DAYS, type OrganizationSettings } from "./organization-settings.js";

export const OrganizationRole = builder.enumType("OrganizationRole", {
  description: "A user's role in their organisation",
  values: {
    MEMBER: { value: "member" },
    ADMIN: {
      value: "admin",
      description: "Manages the organisation's people, shared items and sees its costs",
    },
  } as const,
});

const InvitationStatusEnum = builder.enumType("InvitationStatus", {
  values: {
    VALID: { value: "valid" },
    USED: { value: "used" },
    EXPIRED: { value: "expired" },
    REVOKED: { value: "revoked" },
    ORGANIZATION_INACTIVE: { value: "organization_inactive" },
  } as const,
});

export const OrganizationRef = builder.prismaObject("Organization", {
  description:
    "A company on this platform: its people, chats, assistants, templates, keys and costs are its own",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    slug: t.exposeString("slug", { description: "Short unique name (a–z, 0–9, dashes)" }),
    isActive: t.exposeBoolean("isActive", {
      description: "A deactivated organisation's people cannot sign in",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    timeZone: t.exposeString("timeZone", {
      description: "IANA time zone; budget periods follow its calendar",
    }),
    memberCount: t.int({
      resolve: async (organization, _args, context) =>
        (await context.services.organizations.memberCounts()).get(organization.id) ?? 0,
    }),
  }),
});

builder.objectField(UserRef, "organization", (t) =>
  t.prismaField({
    type: "Organization",
    resolve: (query, user, _args, context) =>
      context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: user.orgId } }),
  }),
);
builder.objectField(UserRef, "role", (t) =>
  t.field({ type: OrganizationRole, resolve: (user) => (user.isAdmin ? "admin" : "member") }),
);
builder.objectField(UserRef, "isPlatformAdmin", (t) =>
  t.exposeBoolean("isPlatformAdmin", { description: "Operates the platform: manages organisations" }),
);

const InvitationRef = builder.objectRef<Invitation & Partial<Pick<IssuedInvitation, "token" | "url">>>(
  "Invitation",
);
InvitationRef.implement({
  description: "An invitation link into an organisation: single use, expires",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    role: t.field({ type: OrganizationRole, resolve: (invitation) => invitation.role as "member" | "admin" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    status: t.field({ type: InvitationStatusEnum, resolve: (invitation) => invitationStatus(invitation) }),
    organization: t.prismaField({
      type: "Organization",
      resolve: (query, invitation, _args, context) =>
        context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: invitation.orgId } }),
    }),
    token: t.string({
      nullable: true,
      description: "Shown once, when the invitation is created; only its hash is kept",
      resolve: (invitation) => invitation.token ?? null,
    }),
    url: t.string({
      nullable: true,
      description: "The link to send (shown once, with the token)",
      resolve: (invitation) => invitation.url ?? null,
    }),
  }),
});

const InvitationPreview = builder
  .objectRef<{ email: string; role: "member" | "admin"; organizationName: string; status: string }>(
    "InvitationPreview",
  )
  .implement({
    description: "What an invitation link stands for, for the registration screen",
    fields: (t) => ({
      email: t.exposeString("email"),
      role: t.field({ type: OrganizationRole, resolve: (preview) => preview.role }),
      organizationName: t.exposeString("organizationName"),
      status: t.field({
        type: InvitationStatusEnum,
        resolve: (preview) =>
          preview.status as "valid" | "used" | "expired" | "revoked" | "organization_inactive",
      }),
    }),
  });

const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/,
    "The short name has 1 to 48 letters a–z, digits and dashes",
  );

const CreateOrganizationInput = builder.inputType("CreateOrganizationInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameSchema }),
    slug: t.string({ required: true, validate: slugSchema }),
  }),
});

const UpdateOrganizationInput = builder.inputType("UpdateOrganizationInput", {
  fields: (t) => ({
    name: t.string({ validate: nameSchema }),
    isActive: t.boolean({ description: "false: its people can no longer sign in or use API keys" }),
  }),
});

const CreateInvitationInput = builder.inputType("CreateInvitationInput", {
  fields: (t) => ({
    email: t.string({
      required: true,
      validate: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(255),
    }),
    role: t.field({ type: OrganizationRole, defaultValue: "member" }),
    organizationId: t.id({
      description: "Platform operators: the organisation to invite into (e.g. a new one's first admin)",
    }),
  }),
});

builder.queryFields((t) => ({
  organizations: t.withAuth({ loggedIn: true }).prismaField({
    type: ["Organization"],
    description: "Every organisation (platform operators only)",
    resolve: (_query, _root, _args, context) => context.services.organizations.list(context.viewer),
  }),
  invitations: t.withAuth({ loggedIn: true }).field({
    type: [InvitationRef],
    description: "The organisation's invitations, newest first (its admins; operators: those they sent)",
    resolve: (_root, _args, context) => context.services.invitations.list(context.viewer),
  }),
  invitationPreview: t.field({
    type: InvitationPreview,
    nullable: true,
    description: "What an invitation link stands for (no sign-in needed); null for an unknown token",
    args: { token: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => context.services.invitations.preview(args.token),
  }),
}));

builder.mutationFields((t) => ({
  createOrganization: t.withAuth({ session: true }).prismaField({
    type: "Organization",
    args: { input: t.arg({ type: CreateOrganizationInput, required: true }) },
    resolve: (_query, _root, { input }, context) =>
      context.services.organizations.create(context.viewer, input),
  }),
  updateOrganization: t.withAuth({ session: true }).prismaField({
    type: "Organization",
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateOrganizationInput, required: true }),
    },
    resolve: (_query, _root, args, context) =>
      context.services.organizations.update(context.viewer, String(args.id), args.input),
  }),
  createInvitation: t.withAuth({ session: true }).field({
    type: InvitationRef,
    description: "Invites someone by link; the token is in this answer only",
    args: { input: t.arg({ type: CreateInvitationInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.invitations.create(
        context.viewer,
        {
          email: input.email,
          role: input.role ?? "member",
          organizationId: input.organizationId == null ? null : String(input.organizationId),
        },
        appUrlOf(context),
      ),
  }),
  revokeInvitation: t.withAuth({ session: true }).field({
    type: InvitationRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services.invitations.revoke(context.viewer, String(args.id)),
  }),
}));

const OrganizationSettingsRef = builder.objectRef<OrganizationSettings>("OrganizationSettings").implement({
  description: "The organisation's own settings (its admins change them)",
  fields: (t) => ({
    defaultModel: t.exposeString("defaultModel", {
      nullable: true,
      description: "null: the server's DEFAULT_MODEL",
    }),
    defaultTemperature: t.exposeFloat("defaultTemperature", {
      nullable: true,
      description: "null: the server's DEFAULT_TEMPERATURE",
    }),
    auditRetentionDays: t.exposeInt("auditRetentionDays", {
      nullable: true,
      description: "Days audit entries are kept; null: the server's AUDIT_RETENTION_DAYS",
    }),
    serverAuditRetentionDays: t.int({
      description: "The server's AUDIT_RETENTION_DAYS, which applies while auditRetentionDays is null",
      resolve: (_settings, _args, context) => context.config.AUDIT_RETENTION_DAYS,
    }),
    registrationOpen: t.exposeBoolean("registrationOpen", {
      description:
        "Whether people may register without an invitation (where the server allows it: ALLOW_REGISTRATION; the default organisation only)",
    }),
    timeZone: t.exposeString("timeZone", {
      description: "IANA time zone; budget periods follow its calendar",
    }),
  }),
});

const UpdateOrganizationSettingsInput = builder.inputType("UpdateOrganizationSettingsInput", {
  fields: (t) => ({
    defaultModel: t.string({ description: "Empty: the server's", validate: z.string().max(200) }),
    defaultTemperature: t.float({ description: "null: the server's", validate: z.number().min(0).max(2) }),
    registrationOpen: t.boolean(),
    timeZone: t.string({ description: "IANA name, e.g. Europe/Berlin", validate: z.string().max(64) }),
    auditRetentionDays: t.int({
      description: `Days audit entries are kept (${MIN_AUDIT_RETENTION_DAYS}–36500); null: the server's AUDIT_RETENTION_DAYS`,
    }),
  }),
});

builder.queryField("organizationSettings", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: OrganizationSettingsRef,
    resolve: (_root, _args, context) => context.services.organizationSettings.get(context.viewer),
  }),
);

builder.mutationField("updateOrganizationSettings", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: OrganizationSettingsRef,
    args: { input: t.arg({ type: UpdateOrganizationSettingsInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.organizationSettings.update(context.viewer, input),
  }),
);

/** Where the PWA is: PUBLIC_APP_URL, else the page that asked (browsers send Origin), else this server. */
export function appUrlOf(context: {
  config: { PUBLIC_APP_URL?: string | undefined };
  request: Request;
}): string {
  return (
    context.config.PUBLIC_APP_URL ??
    context.request.headers.get("origin") ??
    new URL(context.request.url).origin
  );
}
