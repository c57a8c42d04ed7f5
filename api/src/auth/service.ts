import { randomUUID } from "node:crypto";
import { BadInputError, ConflictError, ForbiddenError, UnauthenticatedError } from "../errors/app-errors.js";
import { Prisma, type PrismaClient, type User } from "../generated/prisma/client.js";
import { assertAcceptablePassword, dummyPasswordHash, hashPassword, verifyPassword } from "./passwords.js";
import type { AuthRateLimiter } from "./rate-limit.js";
import { hashToken, type SignedToken, TokenInvalidError, type TokenSigner } from "./tokens.js";
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
}

// Serialises sign-ups so that exactly one "first account" becomes admin.
const FIRST_ACCOUNT_LOCK = 7_253_000_002;

const unauthenticated = (message: string) => new UnauthenticatedError(message);

/** Accounts and sessions: plain functions over the database, no GraphQL. */
export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly signer: TokenSigner,
    private readonly limiter: AuthRateLimiter,
    private readonly options: { allowRegistration: boolean },
  ) {}

  async register(input: RegisterInput, client: ClientInfo): Promise<AuthResult> {
    await this.limiter.countAttempt(client.ip);
    if (!this.options.allowRegistration) throw new ForbiddenError("Registration is closed on this server");
    assertAcceptablePassword(input.password);
    const email = input.email.trim().toLowerCase();
    const username = input.username.trim();
    await this.assertAvailable(username, email);
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await this.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`select pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`);
        const isFirst = (await tx.user.count()) === 0;
        return tx.user.create({ data: { username, email, passwordHash, isAdmin: isFirst } });
      });
      return this.startSession(user, client);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new ConflictError("This username or e-mail address is already registered");
      }
      throw error;
    }
  }

  async login(login: string, password: string, client: ClientInfo): Promise<AuthResult> {
    await this.limiter.countAttempt(client.ip);
    await this.limiter.assertAccountOpen(login);
    const user = await this.findByLogin(login);
    // Compare against a dummy hash for unknown accounts so timing does not reveal which exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) {
      await this.limiter.countFailure(login);
      throw unauthenticated("Wrong username, e-mail or password");
    }
    if (!user.isActive) throw unauthenticated("This account is deactivated");
    await this.limiter.clearFailures(login);
    return this.startSession(user, client);
  }

  /** Exchanges a refresh token for a new pair. A token used twice ends its whole session. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<AuthResult> {
    const claims = await this.signer.verifyRefresh(refreshToken).catch((error: unknown) => {
      throw unauthenticated(
        error instanceof TokenInvalidError ? error.message : "The refresh token is invalid",
      );
    });
    const session = await this.prisma.session.findUnique({
      where: { id: claims.sessionId },
      include: { user: true },
    });
    if (
      !session ||
      session.userId !== claims.userId ||
      session.revokedAt ||
      session.expiresAt <= new Date()
    ) {
      throw unauthenticated("This session has ended; please sign in again");
    }
    if (!session.user.isActive || session.user.tokenVersion !== claims.tokenVersion) {
      throw unauthenticated("This session has ended; please sign in again");
    }
    const isCurrent =
      claims.generation === session.generation && hashToken(refreshToken) === session.refreshTokenHash;
    const next = isCurrent ? await this.rotate(session.id, claims.generation, session.user, client) : null;
    if (!next) {
      await this.revokeSession(session.id, "reuse");
      throw unauthenticated("This refresh token was already used; the session was ended for safety");
    }
    return next;
  }

  /** Resolves an access token to the signed-in user; throws UNAUTHENTICATED with the reason. */
  async authenticate(accessToken: string): Promise<Viewer> {
    const claims = await this.signer.verifyAccess(accessToken).catch((error: unknown) => {
      throw unauthenticated(
        error instanceof TokenInvalidError ? error.message : "The access token is invalid",
      );
    });
    const session = await this.prisma.session.findUnique({
      where: { id: claims.sessionId },
      select: {
        userId: true,
        revokedAt: true,
        user: { select: { isActive: true, isAdmin: true, tokenVersion: true } },
      },
    });
    if (!session || session.userId !== claims.userId || session.revokedAt) {
      throw unauthenticated("This session has ended; please sign in again");
    }
    if (!session.user.isActive) throw unauthenticated("This account is deactivated");
    if (session.user.tokenVersion !== claims.tokenVersion) {
      throw unauthenticated("This session has ended; please sign in again");
    }
    return {
      userId: claims.userId,
      sessionId: claims.sessionId,
      isAdmin: session.user.isAdmin,
      apiKeyId: null,
      readOnly: false,
    };
  }

  /** Ends one session, named by the signed-in viewer or by a refresh token. */
  async logout(viewer: Viewer | null, refreshToken: string | null): Promise<boolean> {
    let sessionId = viewer?.sessionId ?? null;
    if (!sessionId && refreshToken) {
      sessionId = (await this.signer.verifyRefresh(refreshToken).catch(() => null))?.sessionId ?? null;
    }
    if (!sessionId) return false;
    await this.revokeSession(sessionId, "logout");
    return true;
  }

  /** Ends every session of the user, including access tokens already handed out. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } } }),
      this.prisma.session.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: new Date(), revokedReason: "logout_everywhere" },
      }),
    ]);
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: viewer.userId } });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new BadInputError("The current password is wrong", { field: "currentPassword" });
    }
    assertAcceptablePassword(newPassword, "newPassword");
    const passwordHash = await hashPassword(newPassword);
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: user.id }, data: { passwordHash } }),
      this.prisma.session.updateMany({
        where: {
          userId: user.id,
          revokedAt: null,
          ...(viewer.sessionId ? { id: { not: viewer.sessionId } } : {}),
        },
        data: { revokedAt: new Date(), revokedReason: "password_changed" },
      }),
    ]);
  }

  private async findByLogin(login: string): Promise<User | null> {
    const value = login.trim();
    if (value.includes("@")) return this.prisma.user.findUnique({ where: { email: value.toLowerCase() } });
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      select id from app_users where lower(username) = lower(${value}) limit 1`;
    return rows[0] ? this.prisma.user.findUnique({ where: { id: rows[0].id } }) : null;
  }

  private async assertAvailable(username: string, email: string) {
    const rows = await this.prisma.$queryRaw<{ username: string; email: string }[]>`
      select username, email from app_users where lower(username) = lower(${username}) or lower(email) = ${email}`;
    if (rows.some((row) => row.username.toLowerCase() === username.toLowerCase())) {
      throw new ConflictError("This username is already taken", { field: "username" });
    }
    if (rows.length > 0)
      throw new ConflictError("An account with this e-mail address exists", { field: "email" });
  }

  private async startSession(user: User, client: ClientInfo): Promise<AuthResult> {
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
  private async rotate(sessionId: string, generation: number, user: User, client: ClientInfo) {
    const claims = {
      userId: user.id,
      sessionId,
      generation: generation + 1,
      tokenVersion: user.tokenVersion,
    };
    const refresh = await this.signer.signRefresh(claims);
    const { count } = await this.prisma.session.updateMany({
      where: { id: sessionId, generation, revokedAt: null },
      data: {
        generation: generation + 1,
        refreshTokenHash: hashToken(refresh.token),
        expiresAt: refresh.expiresAt,
        lastUsedAt: new Date(),
        ipAddress: client.ip.slice(0, 64),
      },
    });
    if (count !== 1) return null;
    return this.withAccessToken(user, sessionId, refresh);
  }

  private async revokeSession(sessionId: string, reason: string) {
    await this.prisma.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
  }
}
