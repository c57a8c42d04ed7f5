import { createHash, randomInt } from "node:crypto";
import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { AccessRevocations } from "../auth/access-revocations.js";
import type { AccountDirectory } from "../auth/account-directory.js";
import { identityOf, type Viewer } from "../auth/viewer.js";
import { runAs } from "../db/request-identity.js";
import { isUuid } from "../db/uuid.js";
import { BadInputError, NotFoundError, UnauthenticatedError } from "../errors/app-errors.js";
import type { ApiKey, PrismaClient } from "../generated/prisma/client.js";

export const API_KEY_PREFIX = "xqt5_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// 43 base-62 characters carry 256 bits.
const SECRET_LENGTH = 43;
const DISPLAY_PREFIX_LENGTH = 12;
// Writing last_used_at on every request would turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

export const isApiKeySecret = (token: string) => token.startsWith(API_KEY_PREFIX);
const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

export function generateApiKeySecret(): string {
  let secret = API_KEY_PREFIX;
  for (let index = 0; index < SECRET_LENGTH; index++) secret += BASE62[randomInt(BASE62.length)];
  return secret;
}

export interface CreateApiKeyInput {
  name: string;
  expiresAt?: Date | null;
  readOnly?: boolean | null;
}

/** Personal API keys: the secret is shown once; only its hash and a display prefix are kept. */
export class ApiKeyService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly accounts: AccountDirectory,
    private readonly revocations: AccessRevocations,
    private readonly audit: AuditTrail,
  ) {}

  async create(userId: string, input: CreateApiKeyInput): Promise<{ secret: string; apiKey: ApiKey }> {
    if (input.expiresAt && input.expiresAt <= new Date()) {
      throw new BadInputError("expiresAt must be in the future", { field: "expiresAt" });
    }
    const secret = generateApiKeySecret();
    const apiKey = await this.audit.change(
      (tx) =>
        tx.apiKey.create({
          data: {
            userId,
            name: input.name.trim(),
            keyHash: hashSecret(secret),
            keyPrefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
            readOnly: input.readOnly ?? false,
            expiresAt: input.expiresAt ?? null,
          },
        }),
      (created) => ({
        action: "api_key.created",
        target: apiKeyTarget(created),
        changes: changesBetween(null, { readOnly: created.readOnly, expiresAt: created.expiresAt }),
      }),
    );
    return { secret, apiKey };
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { userId, revokedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const key = isUuid(id)
      ? await this.prisma.apiKey.findFirst({ where: { id, userId, revokedAt: null } })
      : null;
    if (!key) throw new NotFoundError("API key");
    const { count } = await this.audit.change(
      (tx) =>
        tx.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } }),
      (revoked) => (revoked.count > 0 ? { action: "api_key.revoked", target: apiKeyTarget(key) } : null),
    );
    if (count === 0) throw new NotFoundError("API key");
    await this.revocations.announce({ kind: "apiKey", apiKeyId: id });
    return true;
  }

  /** The key's owner as the viewer; UNAUTHENTICATED for unknown, revoked or expired keys and inactive owners. */
  async authenticate(secret: string): Promise<Viewer> {
    const key = await this.accounts.apiKey(hashSecret(secret));
    if (!key || key.revokedAt) throw new UnauthenticatedError("This API key is not valid");
    if (key.expiresAt && key.expiresAt <= new Date())
      throw new UnauthenticatedError("This API key has expired");
    if (!key.userActive) {
      throw new UnauthenticatedError("This account is deactivated", { reason: "ACCOUNT_INACTIVE" });
    }
    if (!key.orgActive) {
      throw new UnauthenticatedError("This organisation is deactivated", { reason: "ORGANIZATION_INACTIVE" });
    }
    const viewer: Viewer = {
      userId: key.userId,
      orgId: key.orgId,
      sessionId: null,
      isAdmin: key.isAdmin,
      isPlatformAdmin: key.isPlatformAdmin,
      apiKeyId: key.keyId,
      readOnly: key.readOnly,
    };
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // (async: a Prisma query starts when awaited, which must happen inside runAs)
      void runAs(identityOf(viewer), async () => {
        await this.prisma.apiKey.update({ where: { id: key.keyId }, data: { lastUsedAt: new Date(now) } });
        // The person's last activity, for their admins (programs using a key count).
        await this.prisma.$executeRaw`select app_touch_last_active(${key.userId}::uuid)`;
      }).catch(() => {});
    }
    return viewer;
  }
}

/** A key by its name: not even its display prefix (a part of the secret) goes into the log. */
const apiKeyTarget = (key: ApiKey) => ({ type: "api_key", id: key.id, label: key.name });
