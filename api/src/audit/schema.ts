import { builder } from "../graphql/builder.js";
import { AUDIT_ACTIONS } from "./audit-actions.js";
import { assertMayReadAuditLog, auditWhere, verifyAuditLogFor } from "./audit-log.js";

const AuditOutcomeEnum = builder.enumType("AuditOutcome", {
  values: {
    SUCCESS: { value: "success" },
    FAILURE: { value: "failure" },
    DENIED: { value: "denied" },
  } as const,
});

const AuditActorTypeEnum = builder.enumType("AuditActorType", {
  values: {
    USER: { value: "user" },
    API_KEY: { value: "api_key", description: "A personal API key (its name and owner in the label)" },
    SYSTEM: { value: "system", description: "The server itself (retention, start-up)" },
    ANONYMOUS: { value: "anonymous", description: "Nobody signed in yet (a failed sign-in)" },
  } as const,
});

interface Party {
  type: string;
  id: string | null;
  label: string | null;
}

const AuditActor = builder.objectRef<Party>("AuditActor").implement({
  fields: (t) => ({
    type: t.field({ type: AuditActorTypeEnum, resolve: (actor) => actor.type as "user" }),
    id: t.exposeID("id", { nullable: true }),
    label: t.exposeString("label", { nullable: true }),
  }),
});

const AuditTarget = builder.objectRef<Party>("AuditTarget").implement({
  fields: (t) => ({
    type: t.exposeString("type", {
      description: "user, group, model, provider, api_key, chat, organization, …",
    }),
    id: t.exposeString("id", { nullable: true }),
    label: t.exposeString("label", { nullable: true }),
  }),
});

const AuditEntryRef = builder.prismaObject("AuditEntry", {
  description: "One entry of the organisation's append-only audit log",
  fields: (t) => ({
    id: t.exposeID("id"),
    at: t.expose("at", { type: "DateTime" }),
    action: t.exposeString("action", {
      description: "Dotted lower-case name, e.g. auth.sign_in (see auditActions)",
    }),
    outcome: t.field({ type: AuditOutcomeEnum, resolve: (entry) => entry.outcome as "success" }),
    reason: t.exposeString("reason", { nullable: true }),
    actor: t.field({
      type: AuditActor,
      resolve: (entry) => ({ type: entry.actorType, id: entry.actorId, label: entry.actorLabel }),
    }),
    target: t.field({
      type: AuditTarget,
      nullable: true,
      resolve: (entry) =>
        entry.targetType ? { type: entry.targetType, id: entry.targetId, label: entry.targetLabel } : null,
    }),
    requestId: t.exposeString("requestId", { nullable: true }),
    ip: t.exposeString("ip", { nullable: true }),
    userAgent: t.exposeString("userAgent", { nullable: true }),
    changes: t.field({
      type: "JSON",
      nullable: true,
      description:
        "Redacted before/after of a change: { field: { before, after } }; never secrets or content",
      resolve: (entry) => entry.changes,
    }),
  }),
});

const AuditFilterInput = builder.inputType("AuditFilter", {
  fields: (t) => ({
    actions: t.stringList(),
    actorId: t.id({ description: "A user (also matches the API keys they acted with) or an API key" }),
    targetType: t.string(),
    targetId: t.string(),
    outcome: t.field({ type: AuditOutcomeEnum }),
    from: t.field({ type: "DateTime" }),
    to: t.field({ type: "DateTime" }),
    search: t.string({ description: "Words found in names, action, reason, IP address or request id" }),
  }),
});

const AuditBrokenLink = builder
  .objectRef<{ entryId: string; at: Date; action: string; problem: string }>("AuditBrokenLink")
  .implement({
    fields: (t) => ({
      entryId: t.exposeID("entryId"),
      at: t.expose("at", { type: "DateTime" }),
      action: t.exposeString("action"),
      problem: t.exposeString("problem", {
        description:
          "altered: content no longer matches its hash; chain: an entry before it was removed or inserted",
      }),
    }),
  });

const AuditVerification = builder
  .objectRef<{ ok: boolean; checked: number; firstBroken: unknown }>("AuditVerification")
  .implement({
    fields: (t) => ({
      ok: t.exposeBoolean("ok"),
      checked: t.exposeInt("checked", { description: "Entries whose hash was recomputed" }),
      firstBroken: t.field({
        type: AuditBrokenLink,
        nullable: true,
        resolve: (result) => result.firstBroken as never,
      }),
    }),
  });

builder.queryFields((t) => ({
  auditLog: t.withAuth({ loggedIn: true }).prismaConnection({
    type: AuditEntryRef,
    cursor: "id",
    description:
      "The organisation's audit log, newest first (its admins; platform operators also see platform events)",
    args: { filter: t.arg({ type: AuditFilterInput }) },
    resolve: (query, _root, args, context) => {
      assertMayReadAuditLog(context.viewer);
      return context.prisma.auditEntry.findMany({
        ...query,
        where: auditWhere(context.viewer, args.filter),
        orderBy: { seq: "desc" },
      });
    },
  }),
  auditActions: t.withAuth({ loggedIn: true }).stringList({
    description: "The fixed vocabulary of audit actions",
    resolve: () => [...AUDIT_ACTIONS],
  }),
  verifyAuditLog: t.withAuth({ loggedIn: true }).field({
    type: AuditVerification,
    description:
      "Recomputes the hash chain of the entries between from and to (default: all) and names the first broken link",
    args: { from: t.arg({ type: "DateTime" }), to: t.arg({ type: "DateTime" }) },
    resolve: (_root, args, context) =>
      verifyAuditLogFor(
        context.prisma,
        context.services.audit,
        context.viewer,
        args.from ?? null,
        args.to ?? null,
      ),
  }),
}));
