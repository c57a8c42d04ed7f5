/**
 * The fixed vocabulary of the audit log: what happened, as a dotted lower-case name (object.verb).
 * Filters, CSV exports and log shippers rely on these names; add to them, never rename one.
 */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_out",
  "auth.refresh_reuse",
  "auth.password_changed",
  "auth.password_reset",
  "auth.sessions_ended",
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "user.deleted",
  "user.password_reset_issued",
  "invitation.created",
  "invitation.used",
  "invitation.revoked",
  "group.created",
  "group.updated",
  "group.deleted",
  "group.member_added",
  "group.member_removed",
  "model_config.updated",
  "model_price.set",
  "model_access.updated",
  "provider_key.set",
  "provider_key.deleted",
  "provider_key.tested",
  "api_key.created",
  "api_key.revoked",
  "assistant.created",
  "assistant.updated",
  "assistant.deleted",
  "template.created",
  "template.updated",
  "template.deleted",
  "document.uploaded",
  "document.deleted",
  "chat.deleted",
  "export.downloaded",
  "settings.updated",
  "organization.created",
  "organization.updated",
  "access.denied",
  "audit.verified",
  "audit.pruned",
  "budget.created",
  "budget.updated",
  "budget.deleted",
  "budget.exceeded",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = "success" | "failure" | "denied";

export const isAuditAction = (value: string): value is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(value);
