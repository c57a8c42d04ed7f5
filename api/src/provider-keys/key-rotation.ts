import type { PrismaClient } from "../generated/prisma/client.js";
import { type KeyRing, SecretUnreadableError } from "../security/secret-box.js";
import { keyBinding } from "./provider-key-store.js";

export interface RotationReport {
  /** Rewrapped to the current ENCRYPTION_KEY. */
  rewrapped: number;
  /** Already under the current key. */
  current: number;
  /** Could not be opened with any key of the ring: named so that an operator can act. */
  unreadable: { id: string; orgId: string; provider: string; keyId: string }[];
}

/**
 * Re-wraps the data key of every stored provider key with the current ENCRYPTION_KEY (`npm run
 * keys:rotate`), after which ENCRYPTION_KEY_PREVIOUS can be dropped. The secrets themselves are not
 * re-encrypted, only their 60-byte wrapped keys; each row changes only if no one changed it meanwhile.
 */
export async function rotateProviderKeys(prisma: PrismaClient, keyRing: KeyRing): Promise<RotationReport> {
  const rows = await prisma.$queryRaw<
    {
      id: string;
      orgId: string;
      provider: string;
      ciphertext: Uint8Array;
      wrappedKey: Uint8Array;
      keyId: string;
    }[]
  >`select id, org_id as "orgId", provider, secret_ciphertext as ciphertext, secret_wrapped_key as "wrappedKey",
      secret_key_id as "keyId" from app_provider_sealed_keys()`;
  const report: RotationReport = { rewrapped: 0, current: 0, unreadable: [] };
  for (const row of rows) {
    let rewrapped: ReturnType<KeyRing["rewrap"]>;
    try {
      rewrapped = keyRing.rewrap(
        { ciphertext: row.ciphertext, wrappedKey: row.wrappedKey, keyId: row.keyId },
        keyBinding(row),
      );
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      report.unreadable.push({ id: row.id, orgId: row.orgId, provider: row.provider, keyId: row.keyId });
      continue;
    }
    if (!rewrapped) {
      report.current++;
      continue;
    }
    const [{ changed } = { changed: false }] = await prisma.$queryRaw<{ changed: boolean }[]>`
      select app_rewrap_provider_key(${row.id}::uuid, ${row.keyId}, ${Buffer.from(rewrapped.wrappedKey)},
        ${rewrapped.keyId}) as changed`;
    if (changed) report.rewrapped++;
  }
  return report;
}
