import { createHash, randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

const ISSUER = "xqt5-ai-platform";
const ALGORITHM = "HS256";

export interface AccessClaims {
  userId: string;
  sessionId: string;
  tokenVersion: number;
}

export interface RefreshClaims {
  userId: string;
  sessionId: string;
  generation: number;
  tokenVersion: number;
}

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

/** Signs and verifies our two kinds of JWT. The algorithm is pinned: `alg: none` or RS256 never verify. */
export class TokenSigner {
  constructor(
    private readonly secret: Uint8Array,
    private readonly accessTtlSeconds: number,
    readonly refreshTtlSeconds: number,
  ) {}

  signAccess(claims: AccessClaims): Promise<SignedToken> {
    return this.sign(
      { typ: "access", sid: claims.sessionId, ver: claims.tokenVersion },
      claims.userId,
      this.accessTtlSeconds,
    );
  }

  /**
   * The refresh token of one generation of a session. Signing the same claims with the same
   * `issuedAt` again gives the very same token (HS256 is deterministic and its id is the session's
   * generation), so a rotation can be answered twice without storing the token itself.
   */
  signRefresh(claims: RefreshClaims, issuedAt = new Date()): Promise<SignedToken> {
    return this.sign(
      { typ: "refresh", sid: claims.sessionId, gen: claims.generation, ver: claims.tokenVersion },
      claims.userId,
      this.refreshTtlSeconds,
      { issuedAt, jti: `${claims.sessionId}.${claims.generation}` },
    );
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const payload = await this.verify(token, "access");
    if (typeof payload.ver !== "number") throw new TokenInvalidError("The token is malformed");
    return { userId: payload.sub, sessionId: payload.sid, tokenVersion: payload.ver };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = await this.verify(token, "refresh");
    if (typeof payload.gen !== "number" || typeof payload.ver !== "number") {
      throw new TokenInvalidError("The token is malformed");
    }
    return {
      userId: payload.sub,
      sessionId: payload.sid,
      generation: payload.gen,
      tokenVersion: payload.ver,
    };
  }

  private async sign(
    claims: Record<string, unknown>,
    subject: string,
    ttlSeconds: number,
    { issuedAt = new Date(), jti = randomUUID() }: { issuedAt?: Date; jti?: string } = {},
  ): Promise<SignedToken> {
    const issuedAtSeconds = Math.floor(issuedAt.getTime() / 1000);
    const expiresAt = new Date((issuedAtSeconds + ttlSeconds) * 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAtSeconds)
      .setJti(jti)
      .setExpirationTime(expiresAt)
      .sign(this.secret);
    return { token, expiresAt };
  }

  private async verify(token: string, type: "access" | "refresh") {
    try {
      // Every token of ours expires: one without `exp` was not made here, whatever its signature.
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ["exp"],
      });
      if (payload.typ !== type || typeof payload.sub !== "string" || typeof payload.sid !== "string") {
        throw new TokenInvalidError(`This is not a valid ${type} token`);
      }
      return payload as typeof payload & { sub: string; sid: string; ver?: unknown; gen?: unknown };
    } catch (error) {
      if (error instanceof TokenInvalidError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenInvalidError(`The ${type} token has expired`);
      throw new TokenInvalidError(`The ${type} token is invalid`);
    }
  }
}

export class TokenInvalidError extends Error {
  override name = "TokenInvalidError";
}

/** Refresh tokens are stored only as hashes: a leaked table does not leak sessions. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
