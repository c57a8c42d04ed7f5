import { randomBytes } from "node:crypto";
import type { AuditEvent, AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { AccessRevocations } from "../auth/access-revocations.js";
import type { AccountDirectory } from "../auth/account-directory.js";
import type { PasswordHasher } from "../auth/password-hasher.js";
import { hashToken } from "../auth/tokens.js";
import type { Viewer } from "../auth/viewer.js";
import { runAs } from "../db/request-identity.js";
import { isUuid } from "../db/uuid.js";
import { AppError, BadInputError, ConflictError, NotFoundError } from "../errors/app-errors.js";
import { Prisma, type PrismaClient, type User } from "../generated/prisma/client.js";
import { assertOrganizationAdmin } from "../organizations/organization-admin.js";

export class LastAdminError extends AppError {
  constructor() {
    super("LAST_ADMIN", "The organisation needs at least one active admin: make someone else admin first");
  }
}

export type ResetOutcome = "changed" | "unknown" | "used" | "expired" | "inactive";

const RESET_LINK_TTL_MS = 24 * 3_600_000;

/**
 * The people of an organisation as its admins manage them: roles, deactivation, deletion, reset links.
 * Access that ends (deactivation, deletion) ends at once: the next request with a token or key of the
 * person is refused (auth checks the account on every request) and open streams are closed.
 */
export class PeopleService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly revocations: AccessRevocations,
    private readonly passwords: PasswordHasher,
    private readonly accounts: AccountDirectory,
    private readonly audit: AuditTrail,
  ) {}

  /** Filter for the people list: by name or e-mail; deleted people are never listed. */
  where(viewer: Viewer, search: string | null | undefined, includeInactive: boolean): Prisma.UserWhereInput {
    assertOrganizationAdmin(viewer);
    const term = search?.trim();
    return {
      orgId: viewer.orgId,
      deletedAt: null,
      ...(includeInactive ? {} : { isActive: true }),
      ...(term
        ? {
            OR: [
              { username: { contains: term, mode: "insensitive" } },
              { email: { contains: term, mode: "insensitive" } },
            ],
          }
        : {}),
    };
  }

  async find(viewer: Viewer, id: string): Promise<User> {
    assertOrganizationAdmin(viewer);
    const user = isUuid(id)
      ? await this.prisma.user.findFirst({ where: { id, orgId: viewer.orgId, deletedAt: null } })
      : null;
    if (!user) throw new NotFoundError("User");
    return user;
  }

  async update(viewer: Viewer, id: string, input: { isActive?: boolean | null; isAdmin?: boolean | null }) {
    const user = await this.find(viewer, id);
    if (id === viewer.userId && (input.isActive === false || input.isAdmin === false)) {
      throw new ConflictError(
        input.isActive === false ? "You cannot deactivate yourself" : "You cannot remove your own admin role",
        { field: input.isActive === false ? "isActive" : "isAdmin" },
      );
    }
    const deactivated = user.isActive && input.isActive === false;
    const events = changeEvents(user, input);
    const updated = await this.guarded(() =>
      this.audit.change(async (tx) => {
        const changed = await tx.user.update({
          where: { id },
          data: {
            ...(input.isActive != null ? { isActive: input.isActive } : {}),
            ...(input.isAdmin != null ? { isAdmin: input.isAdmin } : {}),
          },
        });
        if (deactivated) await tx.$executeRaw`select app_end_account_access(${id}::uuid, 'deactivated')`;
        return changed;
      }, events),
    );
    if (deactivated) await this.announceEnded(id);
    return updated;
  }

  /**
   * Soft delete: deactivated, every session and API key ended; the row stays for the usage reports.
   * `eraseData` also deletes their chats, assistants and templates and anonymises name and e-mail.
   */
  async remove(viewer: Viewer, id: string, eraseData: boolean): Promise<User> {
    const user = await this.find(viewer, id);
    if (id === viewer.userId) throw new ConflictError("You cannot delete yourself");
    const anonymous = `deleted-${id.slice(0, 8)}`;
    const deleted = await this.guarded(() =>
      this.audit.change(
        async (tx) => {
          const row = await tx.user.update({
            where: { id },
            data: {
              isActive: false,
              deletedAt: new Date(),
              tokenVersion: { increment: 1 },
              ...(eraseData
                ? { username: anonymous, usernameKey: null, email: `${anonymous}-${id}@deleted.invalid` }
                : {}),
            },
          });
          await tx.groupMember.deleteMany({ where: { userId: id } });
          await tx.$executeRaw`select app_end_account_access(${id}::uuid, 'deleted')`;
          if (eraseData) await tx.$executeRaw`select app_erase_account_data(${id}::uuid)`;
          return row;
        },
        {
          action: "user.deleted",
          reason: eraseData ? "data erased" : "data kept",
          // The name it had (erasing it anonymises the row before the entry is written).
          target: { type: "user", id, label: user.username },
          changes: changesBetween({ isActive: user.isActive }, { isActive: false }),
        },
      ),
    );
    await this.announceEnded(id);
    return deleted;
  }

  /** A one-time link (24 hours) with which the person chooses a new password. */
  async resetLink(viewer: Viewer, id: string, appUrl: string): Promise<{ url: string; expiresAt: Date }> {
    const user = await this.find(viewer, id);
    if (!user.isActive) throw new ConflictError("Reactivate the account first");
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + RESET_LINK_TTL_MS);
    await this.audit.change(
      (tx) =>
        tx.passwordReset.create({
          data: {
            orgId: viewer.orgId,
            userId: id,
            tokenHash: hashToken(token),
            createdBy: viewer.userId,
            expiresAt,
          },
        }),
      // Never the link: it is the person's password until used.
      { action: "user.password_reset_issued", target: { type: "user", id } },
    );
    return { url: `${appUrl.replace(/\/+$/, "")}/#reset=${token}`, expiresAt };
  }

  /** Redeems a reset link (no sign-in): the new password; every session, API key and other link of the account ended. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const passwordHash = await this.passwords.hash(newPassword);
    const { outcome, userId } = await this.redeem(hashToken(token), passwordHash);
    if (outcome !== "changed" || !userId) {
      // Whose link it was is not known (the database names the account only when it changed).
      await runAs(null, () =>
        this.audit.record({
          action: "auth.password_reset",
          outcome: "failure",
          reason: `link ${outcome}`,
          orgId: null,
          actor: { type: "anonymous" },
        }),
      );
      const messages: Record<Exclude<ResetOutcome, "changed">, string> = {
        unknown: "This link is not valid",
        used: "This link was used already; ask your admin for a new one",
        expired: "This link has expired; ask your admin for a new one",
        inactive: "This account is deactivated",
      };
      throw new BadInputError(messages[outcome as Exclude<ResetOutcome, "changed">] ?? messages.unknown, {
        field: "token",
        reason: outcome,
      });
    }
    await this.revocations.announce({ kind: "user", userId, sessions: true, apiKeys: true });
  }

  /**
   * The new password and its auth.password_reset entry in one transaction, as nobody (whoever holds
   * the link is not signed in as the account; maybe as someone else): the entry belongs to the
   * account's organisation, and its actor is the account whose link it was.
   */
  private async redeem(tokenHash: string, passwordHash: string) {
    return runAs(null, async () => {
      const { result } = await this.audit.change(
        async (tx) => {
          const rows = await tx.$queryRaw<{ outcome: ResetOutcome; userId: string | null }[]>`
            select outcome, user_id as "userId" from app_redeem_password_reset(${tokenHash}, ${passwordHash})`;
          const result = rows[0] ?? { outcome: "unknown" as const, userId: null };
          if (result.outcome !== "changed" || !result.userId) return { result, account: null };
          const account = await this.accounts.identity(result.userId, tx);
          if (!account) throw new Error("the account of a redeemed reset link is not there");
          return { result, account };
        },
        ({ account }) =>
          account && {
            action: "auth.password_reset",
            reason: "sessions, API keys and other reset links ended",
            orgId: account.orgId,
            actor: { type: "user", id: account.userId, userId: account.userId },
            target: { type: "user", id: account.userId },
          },
      );
      const redeemed = result;
      return redeemed;
    });
  }

  /** What the person still has open (answer streams) is closed on every replica. */
  private async announceEnded(userId: string): Promise<void> {
    await this.revocations.announce({ kind: "user", userId, sessions: true, apiKeys: true });
  }

  /** The database refuses to leave the organisation without an admin (a trigger; races included). */
  private async guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isLastAdminRefusal(error)) throw new LastAdminError();
      throw error;
    }
  }
}

/** The entries of an admin's change of a person: their role, their access (each its own action). */
function changeEvents(
  user: User,
  input: { isActive?: boolean | null; isAdmin?: boolean | null },
): AuditEvent[] {
  const target = { type: "user", id: user.id };
  const events: AuditEvent[] = [];
  if (input.isAdmin != null && input.isAdmin !== user.isAdmin) {
    events.push({
      action: "user.updated",
      target,
      changes: changesBetween({ isAdmin: user.isAdmin }, { isAdmin: input.isAdmin }),
    });
  }
  if (input.isActive != null && input.isActive !== user.isActive) {
    events.push({
      action: input.isActive ? "user.reactivated" : "user.deactivated",
      reason: input.isActive ? null : "sessions and API keys ended",
      target,
      changes: changesBetween({ isActive: user.isActive }, { isActive: input.isActive }),
    });
  }
  return events;
}

function isLastAdminRefusal(error: unknown): boolean {
  const text =
    error instanceof Prisma.PrismaClientKnownRequestError
      ? `${error.message} ${JSON.stringify(error.meta ?? {})}`
      : error instanceof Error
        ? error.message
        : "";
  return text.includes("LAST_ADMIN");
}

/** Requests and cost of each person of the organisation since `from` (one query for a whole list). */
export async function usageByUser(
  prisma: PrismaClient,
  orgId: string,
  from: Date,
): Promise<Map<string, { requests: number; costUsd: number }>> {
  const rows = await prisma.tokenUsage.groupBy({
    by: ["userId"],
    where: { orgId, createdAt: { gte: from } },
    _count: { _all: true },
    _sum: { estimatedCost: true },
  });
  return new Map(
    rows.map((row) => [
      row.userId ?? "",
      { requests: row._count._all, costUsd: Math.round(Number(row._sum.estimatedCost ?? 0) * 1e6) / 1e6 },
    ]),
  );
}
