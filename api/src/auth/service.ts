import { randomUUID } from "node:crypto";
import { type AuditEvent, type AuditTrail, userActor } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import { adoptIdentity, runAs } from "../db/request-identity.js";
import { switchTransactionTo } from "../db/session-identity.js";
import {
  BadInputError,
  ConflictError,
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from "../errors/app-errors.js";
import { Prisma, type PrismaClient, type Session, type User } from "../generated/prisma/client.js";
import type { AccessRevocations } from "./access-revocations.js";
import {
  type AccountDirectory,
  type AccountIdentity,
  identityOfAccount,
  type RegistrationOutcome,
} from "./account-directory.js";
import type { PasswordHasher } from "./password-hasher.js";
import { assertAcceptablePassword } from "./passwords.js";
import { AttemptsLimitedError, type AuthRateLimiter } from "./rate-limit.js";
import { hashToken, type SignedToken, TokenInvalidError, type TokenSigner } from "./tokens.js";
import { normalizeEmail, normalizeUsername, usernameKey } from "./usernames.js";
import type { Viewer } from "./viewer.js";

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface AuthResult {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: User;
}

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  /** From an invitation link: joins its organisation with its role (also when registration is closed). */
  invitationToken?: string | null;
}

/** Why an invitation cannot be used, as the person holding it should read it. */
const INVITATION_REFUSALS: Partial<Record<RegistrationOutcome, string>> = {
  invitation_unknown: "This invitation link is not valid",
  invitation_used: "This invitation has already been used",
  invitation_expired: "This invitation has expired; ask for a new one",
  invitation_revoked: "This invitation was withdrawn",
  invitation_email: "This invitation is for another e-mail address",
  organization_inactive: "This organisation is deactivated",
};

const unauthenticated = (message: string) => new UnauthenticatedError(message);

/** Accounts and sessions: plain functions over the database, no GraphQL. */
export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly accounts: AccountDirectory,
    private readonly signer: TokenSigner,
    private readonly limiter: AuthRateLimiter,
    private readonly passwords: PasswordHasher,
    private readonly revocations: AccessRevocations,
    private readonly audit: AuditTrail,
    private readonly options: {
      allowRegistration: boolean;
      /** How long after a rotation the replaced refresh token still gets the new pair (0: never). */
      reuseGraceSeconds: number;
    },
  ) {}

  async register(input: RegisterInput, client: ClientInfo): Promise<AuthResult> {
    await this.limiter.countAttempt(client.ip);
    const invitationToken = input.invitationToken?.trim() || null;
    if (!invitationToken && !this.options.allowRegistration) {
      throw new ForbiddenError("Registration is closed on this server");
    }
    assertAcceptablePassword(input.password);
    const email = normalizeEmail(input.email);
    const username = normalizeUsername(input.username);
    await this.assertAvailable(username, email);
    const passwordHash = await this.passwords.hash(input.password);
    const id = randomUUID();
    let outcome: RegistrationOutcome;
    try {
      outcome = await this.createAccount({
        id,
        username,
        usernameKey: usernameKey(username),
        email,
        passwordHash,
        invitationTokenHash: invitationToken ? hashToken(invitationToken) : null,
        openRegistration: true,
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new ConflictError("This username or e-mail address is already registered");
      }
      throw error;
    }
    // The default organisation's admins closed open registration: the same refusal as the server's.
    if (outcome === "registration_closed") throw new ForbiddenError("Registration is closed on this server");
    if (outcome !== "created") {
      throw new BadInputError(INVITATION_REFUSALS[outcome] ?? "Registration is closed on this server", {
        field: "invitationToken",
      });
    }
    const account = await this.accounts.identity(id);
    if (!account) throw new Error("the new account is not there");
    return this.signIn(account, client);
  }

  /**
   * The account and its audit entries (user.created, invitation.used) in one transaction. Nobody is
   * signed in yet: once the database has created the account, the transaction runs as it.
   */
  private async createAccount(
    account: Parameters<AccountDirectory["register"]>[0] & { id: string },
  ): Promise<RegistrationOutcome> {
    const { outcome } = await runAs(null, () =>
      this.audit.change(
        async (tx) => {
          const registered = await this.accounts.register(account, tx);
          if (registered.outcome !== "created") return { outcome: registered.outcome, created: null };
          const created = await this.accounts.identity(account.id, tx);
          if (!created) throw new Error("the new account is not there");
          await switchTransactionTo(tx, identityOfAccount(created));
          return { outcome: registered.outcome, created };
        },
        ({ created }): AuditEvent[] => {
          if (!created) return [];
          const actor = userActor(account.id);
          const invited = account.invitationTokenHash !== null;
          const joined: AuditEvent = {
            action: "user.created",
            orgId: created.orgId,
            actor,
            reason: invited ? "invitation" : "open registration",
            target: { type: "user", id: account.id, label: account.username },
            changes: changesBetween(null, {
              isAdmin: created.isAdmin,
              isPlatformAdmin: created.isPlatformAdmin,
            }),
          };
          if (!invited) return [joined];
          // The invitation's id is an admin's to read (row-level security); its address names it.
          return [
            joined,
            {
              action: "invitation.used",
              orgId: created.orgId,
              actor,
              target: { type: "invitation", label: account.email },
              changes: changesBetween(null, { role: created.isAdmin ? "admin" : "member" }),
            },
          ];
        },
      ),
    );
    return outcome;
  }

  /** From here on the operation runs as the account; it gets a new session. */
  private async signIn(account: AccountIdentity, client: ClientInfo): Promise<AuthResult> {
    const identity = identityOfAccount(account);
    adoptIdentity(identity);
    return runAs(identity, async () =>
      this.startSession(await this.prisma.user.findUniqueOrThrow({ where: { id: account.userId } }), client),
    );
  }

  async login(login: string, password: string, client: ClientInfo): Promise<AuthResult> {
    try {
      await this.limiter.countAttempt(client.ip);
    } catch (error) {
      // No account is looked up for a refused IP: the entry names none.
      if (error instanceof AttemptsLimitedError && error.firstOfWindow) {
        await this.recordFailedSignIn(null, "rate limited");
      }
      throw error;
    }
    const user = await this.findByLogin(login);
    // Failures count per account, whether its username or its e-mail address was typed.
    const account = user?.userId ?? `unknown:${login.trim().normalize("NFKC").toLowerCase()}`;
    try {
      await this.limiter.assertMayTry(client.ip, account);
    } catch (error) {
      if (error instanceof RateLimitedError) await this.recordFailedSignIn(user, "rate limited");
      throw error;
    }
    // Compare against a dummy hash for unknown accounts so timing does not reveal which exist.
    const valid = await this.passwords.verify(
      password,
      user?.passwordHash ?? (await this.passwords.dummyHash()),
    );
    if (!user || !valid) {
      this.limiter.countFailure(client.ip, account);
      await this.recordFailedSignIn(user, user ? "wrong password" : "unknown account");
      throw unauthenticated("Wrong username, e-mail or password");
    }
    const refusal = signInRefusal(user);
    if (refusal) {
      await this.recordFailedSignIn(user, refusal.reason);
      throw refusal.error;
    }
    this.limiter.clearFailures(client.ip, account);
    return this.signIn(user, client);
  }

  /**
   * A refused sign-in, in the organisation of the account it named (none: the platform's). Recorded
   * as nobody: whoever asks is not signed in as that account (maybe as someone else).
   */
  private recordFailedSignIn(account: AccountIdentity | null, reason: string): Promise<void> {
    return runAs(null, () =>
      this.audit.record({
        action: "auth.sign_in",
        outcome: "failure",
        reason,
        orgId: account?.orgId ?? null,
        actor: { type: "anonymous" },
        target: account ? { type: "user", id: account.userId } : null,
      }),
    );
  }

  /**
   * Exchanges a refresh token for a new pair. A token used twice ends its whole session — except
   * within a few seconds of its rotation (two tabs refreshing at once, a response lost on the way):
   * then it gets the same new pair again.
   */
  async refresh(refreshToken: string, client: ClientInfo): Promise<AuthResult> {
    const claims = await this.signer.verifyRefresh(refreshToken).catch((error: unknown) => {
      throw new UnauthenticatedError(
        error instanceof TokenInvalidError ? error.message : "The refresh token is invalid",
      );
    });
    const account = await this.accounts.identity(claims.userId);
    if (!account) throw new UnauthenticatedError("This session has ended; please sign in again");
    assertMaySignIn(account);
    const identity = identityOfAccount(account);
    adoptIdentity(identity);
    return runAs(identity, () => this.refreshAs(claims, refreshToken, client));
  }

  private async refreshAs(
    claims: Awaited<ReturnType<TokenSigner["verifyRefresh"]>>,
    refreshToken: string,
    client: ClientInfo,
  ): Promise<AuthResult> {
    const tokenHash = hashToken(refreshToken);
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await this.prisma.session.findUnique({
        where: { id: claims.sessionId },
        include: { user: true },
      });
      if (
        !session ||
        session.userId !== claims.userId ||
        session.revokedAt ||
        session.expiresAt <= new Date() ||
        !session.user.isActive ||
        session.user.tokenVersion !== claims.tokenVersion
      ) {
        throw new UnauthenticatedError("This session has ended; please sign in again");
      }
      if (claims.generation === session.generation && tokenHash === session.refreshTokenHash) {
        const next = await this.rotate(session, session.user, client);
        if (next) return next;
        continue; // rotated by a concurrent refresh a moment ago: the grace window applies
      }
      if (this.isWithinGrace(session, claims.generation, tokenHash)) {
        return this.currentPair(session, session.user);
      }
      break;
    }
    // Whoever presented it holds a token of the account, which may be a thief's copy: not the account.
    await this.revokeSession(claims.sessionId, "reuse", {
      action: "auth.refresh_reuse",
      outcome: "denied",
      reason: "a refresh token was used again after its rotation; the session was ended",
      actor: { type: "anonymous" },
      target: { type: "user", id: claims.userId },
    });
    throw new UnauthenticatedError("This refresh token was already used; the session was ended for safety");
  }

  /** Resolves an access token to the signed-in user; throws UNAUTHENTICATED with the reason. */
  async authenticate(accessToken: string): Promise<Viewer> {
    const claims = await this.signer.verifyAccess(accessToken).catch((error: unknown) => {
      throw unauthenticated(
        error instanceof TokenInvalidError ? error.message : "The access token is invalid",
      );
    });
    const account = await this.accounts.sessionIdentity(claims.userId, claims.sessionId);
    if (!account?.sessionLive) throw unauthenticated("This session has ended; please sign in again");
    assertMaySignIn(account);
    if (account.tokenVersion !== claims.tokenVersion) {
      throw unauthenticated("This session has ended; please sign in again");
    }
    return {
      userId: claims.userId,
      orgId: account.orgId,
      sessionId: claims.sessionId,
      isAdmin: account.isAdmin,
      isPlatformAdmin: account.isPlatformAdmin,
      apiKeyId: null,
      readOnly: false,
    };
  }

  /** Ends one session, named by the signed-in viewer or by a refresh token. */
  async logout(viewer: Viewer | null, refreshToken: string | null): Promise<boolean> {
    if (viewer?.sessionId) {
      await this.revokeSession(viewer.sessionId, "logout", signedOut(viewer.userId));
      return true;
    }
    const claims = refreshToken ? await this.signer.verifyRefresh(refreshToken).catch(() => null) : null;
    const account = claims ? await this.accounts.identity(claims.userId) : null;
    if (!claims || !account) return false;
    await runAs(identityOfAccount(account), () =>
      this.revokeSession(claims.sessionId, "logout", signedOut(claims.userId)),
    );
    return true;
  }

  /**
   * Ends every session of the user, including access tokens already handed out, and (by default) the
   * user's API keys: someone who fears a stolen device or password wants every way in closed.
   */
  async logoutEverywhere(userId: string, options: { revokeApiKeys: boolean }): Promise<void> {
    const now = new Date();
    await this.audit.change(
      async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } } });
        await tx.session.updateMany({
          where: { userId, revokedAt: null },
          data: { revokedAt: now, revokedReason: "logout_everywhere" },
        });
        if (options.revokeApiKeys) await revokeApiKeys(tx, userId, now);
      },
      {
        action: "auth.sessions_ended",
        reason: options.revokeApiKeys
          ? "signed out everywhere; API keys revoked"
          : "signed out everywhere; API keys kept",
        target: { type: "user", id: userId },
      },
    );
    await this.revocations.announce({ kind: "user", userId, sessions: true, apiKeys: options.revokeApiKeys });
  }

  /** Changes the password and ends every other session of the user, and (by default) the API keys. */
  async changePassword(
    viewer: Viewer,
    currentPassword: string,
    newPassword: string,
    options: { revokeApiKeys: boolean },
  ): Promise<void> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: viewer.userId } });
    const target = { type: "user", id: user.id };
    if (!(await this.passwords.verify(currentPassword, user.passwordHash))) {
      await this.audit.record({
        action: "auth.password_changed",
        outcome: "failure",
        reason: "wrong current password",
        target,
      });
      throw new BadInputError("The current password is wrong", { field: "currentPassword" });
    }
    assertAcceptablePassword(newPassword, "newPassword");
    const passwordHash = await this.passwords.hash(newPassword);
    const now = new Date();
    await this.audit.change(
      async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
        await tx.session.updateMany({
          where: {
            userId: user.id,
            revokedAt: null,
            ...(viewer.sessionId ? { id: { not: viewer.sessionId } } : {}),
          },
          data: { revokedAt: now, revokedReason: "password_changed" },
        });
        if (options.revokeApiKeys) await revokeApiKeys(tx, user.id, now);
      },
      {
        action: "auth.password_changed",
        reason: options.revokeApiKeys
          ? "other sessions ended; API keys revoked"
          : "other sessions ended; API keys kept",
        target,
      },
    );
    await this.revocations.announce({
      kind: "user",
      userId: user.id,
      sessions: true,
      apiKeys: options.revokeApiKeys,
      keepSessionId: viewer.sessionId,
    });
  }

  private findByLogin(login: string) {
    const value = normalizeUsername(login);
    return this.accounts.byLogin(value.includes("@") ? normalizeEmail(value) : value);
  }

  private async assertAvailable(username: string, email: string) {
    const taken = await this.accounts.namesTaken(username, usernameKey(username), email);
    if (taken.usernameTaken) {
      throw new ConflictError("This username (or one that looks just like it) is already taken", {
        field: "username",
      });
    }
    if (taken.emailTaken)
      throw new ConflictError("An account with this e-mail address exists", { field: "email" });
  }

  /** The new session and its auth.sign_in entry, in one transaction. */
  private async startSession(user: User, client: ClientInfo): Promise<AuthResult> {
    const sessionId = randomUUID();
    const refresh = await this.signer.signRefresh({
      userId: user.id,
      sessionId,
      generation: 0,
      tokenVersion: user.tokenVersion,
    });
    await this.audit.change(
      async (tx) => {
        await touch(tx, user.id);
        await tx.session.create({
          data: {
            id: sessionId,
            userId: user.id,
            refreshTokenHash: hashToken(refresh.token),
            expiresAt: refresh.expiresAt,
            userAgent: client.userAgent?.slice(0, 500) ?? null,
            ipAddress: client.ip.slice(0, 64),
          },
        });
      },
      { action: "auth.sign_in", target: { type: "user", id: user.id, label: user.username } },
    );
    return this.withAccessToken(user, sessionId, refresh);
  }

  /** Pairs a refresh token with a fresh access token for the same session. */
  private async withAccessToken(user: User, sessionId: string, refresh: SignedToken): Promise<AuthResult> {
    const access = await this.signer.signAccess({
      userId: user.id,
      sessionId,
      tokenVersion: user.tokenVersion,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
      user,
    };
  }

  /** Moves the session to the next generation; null when another request rotated it first. */
  private async rotate(session: Session, user: User, client: ClientInfo) {
    const generation = session.generation + 1;
    const rotatedAt = new Date();
    const refresh = await this.signer.signRefresh(
      { userId: user.id, sessionId: session.id, generation, tokenVersion: user.tokenVersion },
      rotatedAt,
    );
    const { count } = await this.prisma.session.updateMany({
      where: { id: session.id, generation: session.generation, revokedAt: null },
      data: {
        generation,
        refreshTokenHash: hashToken(refresh.token),
        previousTokenHash: session.refreshTokenHash,
        rotatedAt,
        expiresAt: refresh.expiresAt,
        lastUsedAt: rotatedAt,
        ipAddress: client.ip.slice(0, 64),
      },
    });
    if (count !== 1) return null;
    await touch(this.prisma, user.id);
    return this.withAccessToken(user, session.id, refresh);
  }

  /** The token the last rotation replaced, presented again within the grace window. */
  private isWithinGrace(session: Session, generation: number, tokenHash: string): boolean {
    return (
      generation === session.generation - 1 &&
      tokenHash === session.previousTokenHash &&
      session.rotatedAt !== null &&
      Date.now() - session.rotatedAt.getTime() <= this.options.reuseGraceSeconds * 1000
    );
  }

  /** The pair the last rotation handed out, signed again (the very same refresh token). */
  private async currentPair(session: Session, user: User): Promise<AuthResult> {
    const refresh = await this.signer.signRefresh(
      {
        userId: user.id,
        sessionId: session.id,
        generation: session.generation,
        tokenVersion: user.tokenVersion,
      },
      session.rotatedAt ?? new Date(),
    );
    // Only the token whose hash is stored is the session's: anything else is not handed out.
    if (hashToken(refresh.token) !== session.refreshTokenHash) {
      throw new UnauthenticatedError("This session has ended; please sign in again");
    }
    return this.withAccessToken(user, session.id, refresh);
  }

  /** Ends the session; `event` is recorded with it, unless it had ended already (nothing changed). */
  private async revokeSession(sessionId: string, reason: string, event: AuditEvent) {
    await this.audit.change(
      (tx) =>
        tx.session.updateMany({
          where: { id: sessionId, revokedAt: null },
          data: { revokedAt: new Date(), revokedReason: reason },
        }),
      ({ count }) => (count > 0 ? event : null),
    );
    await this.revocations.announce({ kind: "session", sessionId });
  }
}

const signedOut = (userId: string): AuditEvent => ({
  action: "auth.sign_out",
  target: { type: "user", id: userId },
});

function revokeApiKeys(tx: Prisma.TransactionClient, userId: string, now: Date) {
  return tx.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
}

/** When the person last used the platform, for their admins (at most one write a minute). */
async function touch(db: Prisma.TransactionClient, userId: string): Promise<void> {
  await db.$executeRaw`select app_touch_last_active(${userId}::uuid)`;
}

/** Why an account does not get in (deactivated, or of a deactivated organisation); null: it may. */
function signInRefusal(
  account: Pick<AccountIdentity, "userActive" | "orgActive">,
): { reason: string; error: UnauthenticatedError } | null {
  if (!account.userActive) {
    return {
      reason: "account deactivated",
      error: new UnauthenticatedError("This account is deactivated", { reason: "ACCOUNT_INACTIVE" }),
    };
  }
  if (!account.orgActive) {
    return {
      reason: "organisation deactivated",
      error: new UnauthenticatedError("This organisation is deactivated", {
        reason: "ORGANIZATION_INACTIVE",
      }),
    };
  }
  return null;
}

function assertMaySignIn(account: Pick<AccountIdentity, "userActive" | "orgActive">): void {
  const refusal = signInRefusal(account);
  if (refusal) throw refusal.error;
}
