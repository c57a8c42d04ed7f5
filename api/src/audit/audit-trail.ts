import { currentIdentity } from "../db/request-identity.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { currentRequest } from "../observability/request-context.js";
import type { AuditAction, AuditOutcome } from "./audit-actions.js";
import type { AuditChanges } from "./redaction.js";

export type AuditActorType = "user" | "api_key" | "system" | "anonymous";

export interface AuditActor {
  type: AuditActorType;
  /** The user, or the API key (then `userId` is its owner). */
  id?: string | null;
  userId?: string | null;
  label?: string | null;
}

export interface AuditTarget {
  type: string;
  id?: string | null;
  /** Filled from the account for users when left out. */
  label?: string | null;
}

/** What one entry says; who, from where and in which request are taken from the request itself. */
export interface AuditEvent {
  action: AuditAction;
  outcome?: AuditOutcome;
  reason?: string | null;
  target?: AuditTarget | null;
  changes?: AuditChanges | null;
  /** Defaults to the request's organisation; a sign-in names the account's. Null: a platform event. */
  orgId?: string | null;
  /** Defaults to the request's user (or its API key); a sign-in names the account. */
  actor?: AuditActor;
}

/** What a change records: one entry, several, or none. */
export type AuditEvents = AuditEvent | readonly AuditEvent[] | null;

/** A written entry as a log shipper receives it (one JSON line on stdout when forwarding is on). */
export interface ForwardedAuditEntry {
  id: string;
  at: string;
  orgId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  reason: string | null;
  actor: AuditActor;
  target: AuditTarget | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  changes: AuditChanges | null;
}

type Executor = Pick<PrismaClient, "$queryRaw"> | Prisma.TransactionClient;

export interface AuditTrailOptions {
  /** AUDIT_LOG_ENABLED: when off, nothing is written (and nothing forwarded). */
  enabled: boolean;
  /** Called once an entry is committed (AUDIT_LOG_STDOUT: a JSON line for a log shipper). */
  forward?: (entry: ForwardedAuditEntry) => void;
}

/**
 * Writes the audit log. The entries recording a change are written in the change's own transaction
 * (`change`): no change without its entry, and no entry for a change that rolled back. Events that change nothing (a failed sign-in, a denied field, a key
 * test) are `record`ed on their own. The database chains each entry to the previous one by hash.
 */
export class AuditTrail {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: AuditTrailOptions,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /**
   * Runs `work` and writes its entries in one transaction; they may depend on what `work` returned
   * (none: nothing to record, e.g. nothing changed).
   */
  async change<T>(
    work: (tx: Prisma.TransactionClient) => Promise<T>,
    events: AuditEvents | ((result: T) => AuditEvents),
  ): Promise<T> {
    const written: ForwardedAuditEntry[] = [];
    const result = await this.prisma.$transaction(async (tx) => {
      const value = await work(tx);
      const described = typeof events === "function" ? events(value) : events;
      for (const event of [described ?? []].flat()) {
        const forwarded = await this.insert(tx, event);
        if (forwarded) written.push(forwarded);
      }
      return value;
    });
    for (const entry of written) this.forward(entry);
    return result;
  }

  /** An event that changes nothing else. Failing to record it fails the caller (it is evidence). */
  async record(event: AuditEvent): Promise<void> {
    const entry = await this.insert(this.prisma, event);
    if (entry) this.forward(entry);
  }

  private async insert(executor: Executor, event: AuditEvent): Promise<ForwardedAuditEntry | null> {
    if (!this.options.enabled) return null;
    const entry = this.complete(event);
    const rows = await (executor as PrismaClient).$queryRaw<{ id: string }[]>`
      select app_audit_append(${entry.orgId}::uuid, ${entry.action}, ${entry.outcome}, ${entry.reason},
        ${entry.actor.type}, ${entry.actor.id ?? null}::uuid, ${entry.actor.userId ?? null}::uuid,
        ${entry.actor.label ?? null}, ${entry.target?.type ?? null}, ${entry.target?.id ?? null},
        ${entry.target?.label ?? null}, ${entry.requestId}, ${entry.ip}, ${entry.userAgent},
        ${entry.changes ? JSON.stringify(entry.changes) : null}::jsonb) as id`;
    return { ...entry, id: rows[0]!.id };
  }

  private complete(event: AuditEvent): ForwardedAuditEntry {
    const request = currentRequest();
    const identity = currentIdentity();
    return {
      id: "",
      at: new Date().toISOString(),
      orgId: event.orgId === undefined ? (identity?.orgId ?? null) : event.orgId,
      action: event.action,
      outcome: event.outcome ?? "success",
      reason: event.reason ?? null,
      actor: event.actor ?? actorOfRequest(identity?.userId ?? null, request?.apiKeyId ?? null),
      target: event.target ?? null,
      requestId: request?.reqId ?? null,
      ip: request?.client?.ip ?? null,
      userAgent: request?.client?.userAgent ?? null,
      changes: event.changes ?? null,
    };
  }

  private forward(entry: ForwardedAuditEntry) {
    this.options.forward?.(entry);
  }
}

function actorOfRequest(userId: string | null, apiKeyId: string | null): AuditActor {
  if (apiKeyId) return { type: "api_key", id: apiKeyId, userId };
  if (userId) return { type: "user", id: userId, userId };
  return { type: "system", label: "system" };
}

/** The actor of work a user's request does. */
export const userActor = (userId: string, label?: string): AuditActor => ({
  type: "user",
  id: userId,
  userId,
  label: label ?? null,
});
