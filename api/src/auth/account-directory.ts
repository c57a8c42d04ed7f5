import type { RequestIdentity } from "../db/request-identity.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** An account as the database's named paths describe it, before anyone is signed in. */
export interface AccountIdentity {
  userId: string;
  orgId: string;
  isAdmin: boolean;
  isPlatformAdmin: boolean;
  userActive: boolean;
  orgActive: boolean;
  tokenVersion: number;
}

export type RegistrationOutcome =
  | "created"
  | "invitation_unknown"
  | "invitation_used"
  | "invitation_expired"
  | "invitation_revoked"
  | "invitation_email"
  | "organization_inactive"
  | "registration_closed";

/** The client itself, or a transaction of it. */
type Queries = Pick<Prisma.TransactionClient, "$queryRaw">;

// A constant fragment: every value of these queries is a bound parameter (no $queryRawUnsafe).
const IDENTITY_COLUMNS = Prisma.raw(`user_id as "userId", org_id as "orgId", is_admin as "isAdmin",
  is_platform_admin as "isPlatformAdmin", user_active as "userActive", org_active as "orgActive",
  token_version as "tokenVersion"`);

/**
 * Looks accounts up across organisations, which row-level security forbids the API's own queries:
 * only through the SECURITY DEFINER functions of supabase/migrations/…_row_level_security.sql, each
 * answering one narrow question.
 */
export class AccountDirectory {
  constructor(private readonly prisma: PrismaClient) {}

  /** `db`: a transaction to ask in (a registration reads the account it has just created). */
  async identity(userId: string, db: Queries = this.prisma): Promise<AccountIdentity | null> {
    const rows = await db.$queryRaw<AccountIdentity[]>`
      select ${IDENTITY_COLUMNS} from app_account_identity(${userId}::uuid)`;
    return rows[0] ?? null;
  }

  /** The account and whether `sessionId` is one of its live sessions (every request with a token). */
  async sessionIdentity(
    userId: string,
    sessionId: string,
  ): Promise<(AccountIdentity & { sessionLive: boolean }) | null> {
    const rows = await this.prisma.$queryRaw<(AccountIdentity & { sessionLive: boolean })[]>`
      select ${IDENTITY_COLUMNS}, session_live as "sessionLive"
      from app_account_identity(${userId}::uuid, ${sessionId}::uuid)`;
    return rows[0] ?? null;
  }

  /** The account a sign-in names, with its password hash. */
  async byLogin(login: string): Promise<(AccountIdentity & { passwordHash: string }) | null> {
    const rows = await this.prisma.$queryRaw<(AccountIdentity & { passwordHash: string })[]>`
      select ${IDENTITY_COLUMNS}, password_hash as "passwordHash" from app_login_account(${login})`;
    return rows[0] ?? null;
  }

  async namesTaken(username: string, key: string, email: string) {
    const rows = await this.prisma.$queryRaw<{ usernameTaken: boolean; emailTaken: boolean }[]>`
      select username_taken as "usernameTaken", email_taken as "emailTaken"
      from app_account_names_taken(${username}, ${key}, ${email})`;
    return rows[0] ?? { usernameTaken: false, emailTaken: false };
  }

  async apiKey(keyHash: string) {
    const rows = await this.prisma.$queryRaw<
      (Omit<AccountIdentity, "tokenVersion"> & {
        keyId: string;
        readOnly: boolean;
        expiresAt: Date | null;
        revokedAt: Date | null;
        lastUsedAt: Date | null;
      })[]
    >`
      select key_id as "keyId", read_only as "readOnly", expires_at as "expiresAt", revoked_at as "revokedAt",
        last_used_at as "lastUsedAt", user_id as "userId", org_id as "orgId", is_admin as "isAdmin", is_platform_admin as "isPlatformAdmin",
        user_active as "userActive", org_active as "orgActive"
      from app_api_key_identity(${keyHash})`;
    return rows[0] ?? null;
  }

  async register(
    account: {
      id: string;
      username: string;
      usernameKey: string;
      email: string;
      passwordHash: string;
      invitationTokenHash: string | null;
      openRegistration: boolean;
    },
    db: Queries = this.prisma,
  ): Promise<{ outcome: RegistrationOutcome; orgId: string | null }> {
    const rows = await db.$queryRaw<{ outcome: RegistrationOutcome; orgId: string | null }[]>`
      select outcome, org_id as "orgId" from app_register_account(${account.id}::uuid, ${account.username}, ${account.usernameKey},
        ${account.email}, ${account.passwordHash}, ${account.invitationTokenHash}, ${account.openRegistration})`;
    return rows[0] ?? { outcome: "registration_closed", orgId: null };
  }

  async invitation(tokenHash: string) {
    const rows = await this.prisma.$queryRaw<
      { email: string; role: "member" | "admin"; organizationName: string; status: string }[]
    >`
      select email, role, organization_name as "organizationName", status from app_invitation_preview(${tokenHash})`;
    return rows[0] ?? null;
  }
}

export const identityOfAccount = (account: AccountIdentity): RequestIdentity => ({
  userId: account.userId,
  orgId: account.orgId,
  orgAdmin: account.isAdmin,
  platformAdmin: account.isPlatformAdmin,
});
