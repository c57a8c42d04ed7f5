import { randomBytes } from "node:crypto";
import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { AccountDirectory } from "../auth/account-directory.js";
import { hashToken } from "../auth/tokens.js";
import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { BadInputError, ForbiddenError, NotFoundError } from "../errors/app-errors.js";
import type { Invitation, PrismaClient } from "../generated/prisma/client.js";

export type InvitationRole = "member" | "admin";

/** An invitation as created: the token (and the link with it) exist only in this answer. */
export type IssuedInvitation = Invitation & { token: string; url: string };

export type InvitationStatus = "valid" | "used" | "expired" | "revoked" | "organization_inactive";

/** Invitations into an organisation, by its admins (or a platform operator, for a new one's first admin). */
export class InvitationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly accounts: AccountDirectory,
    private readonly audit: AuditTrail,
    private readonly options: { ttlDays: number },
  ) {}

  async create(
    viewer: Viewer,
    input: { email: string; role: InvitationRole; organizationId?: string | null },
    appUrl: string,
  ): Promise<IssuedInvitation> {
    const orgId = input.organizationId ?? viewer.orgId;
    if (orgId !== viewer.orgId && !viewer.isPlatformAdmin) {
      throw new ForbiddenError("Only a platform operator invites people into another organisation");
    }
    if (orgId === viewer.orgId && !viewer.isAdmin && !viewer.isPlatformAdmin) {
      throw new ForbiddenError("Only an admin of the organisation can invite people");
    }
    if (!isUuid(orgId) || !(await this.prisma.organization.findUnique({ where: { id: orgId } }))) {
      throw new NotFoundError("Organization");
    }
    const taken = await this.accounts.namesTaken("", "", input.email);
    if (taken.emailTaken)
      throw new BadInputError("Someone already has an account with this e-mail address", { field: "email" });
    const token = randomBytes(32).toString("base64url");
    const invitation = await this.audit.change(
      (tx) =>
        tx.invitation.create({
          data: {
            orgId,
            email: input.email,
            role: input.role,
            tokenHash: hashToken(token),
            createdBy: viewer.userId,
            expiresAt: new Date(Date.now() + this.options.ttlDays * 86_400_000),
          },
        }),
      (created) => ({
        action: "invitation.created",
        orgId: auditOrgOf(viewer, created.orgId),
        target: { type: "invitation", id: created.id, label: created.email },
        changes: changesBetween(null, {
          organizationId: created.orgId,
          role: created.role,
          expiresAt: created.expiresAt,
        }),
      }),
    );
    return { ...invitation, token, url: invitationUrl(appUrl, token) };
  }

  /** The invitations the viewer may see: their organisation's (admins), those they sent (operators). */
  list(viewer: Viewer): Promise<Invitation[]> {
    if (!viewer.isAdmin && !viewer.isPlatformAdmin) {
      throw new ForbiddenError("Only an admin of the organisation can see its invitations");
    }
    return this.prisma.invitation.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 });
  }

  async revoke(viewer: Viewer, id: string): Promise<Invitation> {
    if (!viewer.isAdmin && !viewer.isPlatformAdmin) {
      throw new ForbiddenError("Only an admin of the organisation can withdraw its invitations");
    }
    const invitation = isUuid(id) ? await this.prisma.invitation.findUnique({ where: { id } }) : null;
    if (!invitation) throw new NotFoundError("Invitation");
    if (invitation.acceptedAt)
      throw new BadInputError("This invitation has already been used", { field: "id" });
    if (invitation.revokedAt) return invitation;
    return this.audit.change(
      (tx) => tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } }),
      {
        action: "invitation.revoked",
        orgId: auditOrgOf(viewer, invitation.orgId),
        target: { type: "invitation", id, label: invitation.email },
      },
    );
  }

  /** What a link stands for, to whoever holds it (no account yet): null when unknown. */
  preview(token: string) {
    return this.accounts.invitation(hashToken(token));
  }
}

/**
 * Where an invitation's entries go: its organisation's log when that is the viewer's own; a platform
 * operator's invitation into another organisation is a platform event (an entry is only ever written
 * into the log of the organisation the request acts in, or the platform's).
 */
const auditOrgOf = (viewer: Viewer, orgId: string): string | null => (orgId === viewer.orgId ? orgId : null);

export function invitationStatus(invitation: Invitation, now = new Date()): InvitationStatus {
  if (invitation.revokedAt) return "revoked";
  if (invitation.acceptedAt) return "used";
  if (invitation.expiresAt <= now) return "expired";
  return "valid";
}

/**
 * The PWA opens registration with the token from `#invitation=`: a fragment never reaches a server,
 * so the token stays out of access logs, proxies and Referer headers.
 */
export const invitationUrl = (appUrl: string, token: string) =>
  `${appUrl.replace(/\/+$/, "")}/#invitation=${encodeURIComponent(token)}`;
