import type { Prisma, PrismaClient, ProviderConnection } from "../generated/prisma/client.js";
import type { ProviderId } from "../providers/types.js";
import { type KeyRing, type SealedSecret, SecretUnreadableError } from "../security/secret-box.js";

/** A provider's settings as an organisation's admin stored them, with the key decrypted. */
export interface StoredProviderKey {
  provider: ProviderId;
  apiKey: string | null;
  baseUrl: string | null;
  deployments: string[];
}

/** What a stored key is bound to: moved to another row, organisation or provider, it does not decrypt. */
export const keyBinding = (row: Pick<ProviderConnection, "id" | "orgId" | "provider">): string =>
  `provider-key:${row.id}:${row.orgId}:${row.provider}`;

export const sealedOf = (row: ProviderConnection): SealedSecret | null =>
  row.secretCiphertext && row.secretWrappedKey && row.secretKeyId
    ? { ciphertext: row.secretCiphertext, wrappedKey: row.secretWrappedKey, keyId: row.secretKeyId }
    : null;

/** The last four characters, for recognising a key; short keys show less. */
export const keyHintOf = (apiKey: string): string =>
  apiKey.slice(-Math.min(4, Math.floor(apiKey.length / 4)));

/**
 * Provider keys in the database (app_provider_connections), encrypted with the server's key ring. Reads
 * run as the request's identity: row-level security admits only its organisation's rows.
 */
export class ProviderKeyStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyRing: KeyRing,
  ) {}

  rows(orgId: string): Promise<ProviderConnection[]> {
    return this.prisma.providerConnection.findMany({ where: { orgId } });
  }

  /**
   * The organisation's stored keys, decrypted. A key that cannot be decrypted (a wrong ENCRYPTION_KEY, a
   * row tampered with) is reported through `onUnreadable` and left out: its provider falls back to the
   * environment, or is not configured.
   */
  async decrypted(orgId: string, onUnreadable: (row: ProviderConnection, error: Error) => void) {
    const keys: StoredProviderKey[] = [];
    for (const row of await this.rows(orgId)) {
      try {
        keys.push(this.decrypt(row));
      } catch (error) {
        if (!(error instanceof SecretUnreadableError)) throw error;
        onUnreadable(row, error);
      }
    }
    return keys;
  }

  decrypt(row: ProviderConnection): StoredProviderKey {
    const sealed = sealedOf(row);
    return {
      provider: row.provider as ProviderId,
      apiKey: sealed ? this.keyRing.open(sealed, keyBinding(row)) : null,
      baseUrl: row.baseUrl,
      deployments: row.deployments,
    };
  }

  /**
   * Stores (or replaces) the organisation's key for `provider`; the test result of an older key is
   * cleared. `db`: the transaction the change is audited in.
   */
  async save(
    orgId: string,
    input: { provider: ProviderId; apiKey: string | null; baseUrl: string | null; deployments: string[] },
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<ProviderConnection> {
    const existing = await db.providerConnection.findFirst({
      where: { orgId, provider: input.provider },
      select: { id: true },
    });
    const id = existing?.id ?? crypto.randomUUID();
    const sealed = input.apiKey
      ? this.keyRing.seal(input.apiKey, keyBinding({ id, orgId, provider: input.provider }))
      : null;
    const data = {
      secretCiphertext: sealed ? Buffer.from(sealed.ciphertext) : null,
      secretWrappedKey: sealed ? Buffer.from(sealed.wrappedKey) : null,
      secretKeyId: sealed?.keyId ?? null,
      keyHint: input.apiKey ? keyHintOf(input.apiKey) : null,
      baseUrl: input.baseUrl,
      deployments: input.deployments,
      lastTestedAt: null,
      lastTestOk: null,
      lastError: null,
      updatedAt: new Date(),
    };
    return existing
      ? db.providerConnection.update({ where: { id }, data })
      : db.providerConnection.create({ data: { id, orgId, provider: input.provider, ...data } });
  }

  async remove(
    orgId: string,
    provider: ProviderId,
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<boolean> {
    const { count } = await db.providerConnection.deleteMany({ where: { orgId, provider } });
    return count > 0;
  }

  async recordTest(
    orgId: string,
    provider: ProviderId,
    result: { ok: boolean; error: string | null },
    db: Prisma.TransactionClient = this.prisma,
  ) {
    await db.providerConnection.updateMany({
      where: { orgId, provider },
      data: {
        lastTestedAt: new Date(),
        lastTestOk: result.ok,
        lastError: result.error?.slice(0, 500) ?? null,
      },
    });
  }
}
