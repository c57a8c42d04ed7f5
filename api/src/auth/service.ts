import { randomUUID } from "node:crypto";
import { adoptIdentity, runAs } from "../db/request-identity.js";
import { BadInputError, ConflictError, ForbiddenError, UnauthenticatedError } from "../errors/app-errors.js";
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
import type { AuthRateLimiter } from "./rate-limit.js";
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
      outcome = await this.accounts.register({
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

  /** From here on the operation runs as the account; it gets a new session. */
  private async signIn(account: AccountIdentity, client: ClientInfo): Promise<AuthResult> {
    const identity = identityOfAccount(account);
    adoptIdentity(identity);
    return runAs(identity, async () =>
      this.startSession(await this.prisma.user.findUniqueOrThrow({ where: { id: account.userId } }), client),
    );
  }

  async login(login: string, password: string, client: ClientInfo): Promise<AuthResult> {
    await this.limiter.countAttempt(client.ip);
    const user = await this.findByLogin(login);
    // Failures count per account, whether its username or its e-mail address was typed.
    const account = user?.userId ?? `unknown:${login.trim().normalize("NFKC").toLowerCase()}`;
    await this.limiter.assertMayTry(client.ip, account);
    // Compare against a dummy hash for unknown accounts so timing does not reveal which exist.
    const valid = await this.passwords.verify(
      password,
      user?.passwordHash ?? (await this.passwords.dummyHash()),
    );
    if (!user || !valid) {
      this.limiter.countFailure(client.ip, account);
      throw unauthenticated("Wrong username, e-mail or password");
    }
    assertMaySignIn(user);
    this.limiter.clearFailures(client.ip, account);
    return this.signIn(user, client);
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
    await this.revokeSession(claims.sessionId, "reuse");
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
      await this.revokeSession(viewer.sessionId, "logout");
      return true;
    }
    const claims = refreshToken ? await this.signer.verifyRefresh(refreshToken).catch(() => null) : null;
    const account = claims ? await this.accounts.identity(claims.userId) : null;
    if (!claims || !account) return false;
    await runAs(identityOfAccount(account), () => this.revokeSession(claims.sessionId, "logout"));
    return true;
  }

  /**
   * Ends every session of the user, including access tokens already handed out, and (by default) the
   * user's API keys: someone who fears a stolen device or password wants every way in closed.
   */
  async logoutEverywhere(userId: string, options: { revokeApiKeys: boolean }): Promise<void> {
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } } }),
      this.prisma.session.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: now, revokedReason: "logout_everywhere" },
      }),
      ...(options.revokeApiKeys ? [this.revokeApiKeys(userId, now)] : []),
    ]);
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
    if (!(await this.passwords.verify(currentPassword, user.passwordHash))) {
      throw new BadInputError("The current password is wrong", { field: "currentPassword" });
    }
    assertAcceptablePassword(newPassword, "newPassword");
    const passwordHash = await this.passwords.hash(newPassword);
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: user.id }, data: { passwordHash } }),
      this.prisma.session.updateMany({
        where: {
          userId: user.id,
          revokedAt: null,
          ...(viewer.sessionId ? { id: { not: viewer.sessionId } } : {}),
        },
        data: { revokedAt: now, revokedReason: "password_changed" },
      }),
      ...(options.revokeApiKeys ? [this.revokeApiKeys(user.id, now)] : []),
    ]);
    await this.revocations.announce({
      kind: "user",
      userId: user.id,
      sessions: true,
      apiKeys: options.revokeApiKeys,
      keepSessionId: viewer.sessionId,
    });
  }

  private revokeApiKeys(userId: string, now: Date) {
    return this.prisma.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
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

  private async startSession(user: User, client: ClientInfo): Promise<AuthResult> {
    await this.touch(user.id);
    const sessionId = randomUUID();
    const refresh = await this.signer.signRefresh({
      userId: user.id,
      sessionId,
      generation: 0,
      tokenVersion: user.tokenVersion,
    });
    await this.prisma.session.create({
      data: {
        id: sessionId,
        userId: user.id,
        refreshTokenHash: hashToken(refresh.token),
        expiresAt: refresh.expiresAt,
        userAgent: client.userAgent?.slice(0, 500) ?? null,
        ipAddress: client.ip.slice(0, 64),
      },
    });
    return this.withAccessToken(user, sessionId, refresh);
  }

  /** When the person last used the platform, for their admins (at most one write a minute). */
  private async touch(userId: string): Promise<void> {
    await this.prisma.$executeRaw`select app_touch_last_active(${userId}::uuid)`;
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
    await this.touch(user.id);
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

  private async revokeSession(sessionId: string, reason: string) {
    await this.prisma.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    await this.revocations.announce({ kind: "session", sessionId });
  }
}

/** A deactivated account, or an account of a deactivated organisation, does not get in. */
function assertMaySignIn(account: Pick<AccountIdentity, "userActive" | "orgActive">): void {
  if (!account.userActive) {
    throw new UnauthenticatedError("This account is deactivated", { reason: "ACCOUNT_INACTIVE" });
  }
  if (!account.orgActive) {
    throw new UnauthenticatedError("This organisation is deactivated", { reason: "ORGANIZATION_INACTIVE" });
  }
}
