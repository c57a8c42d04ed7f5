import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

// Envelope encryption of secrets kept in the database (provider API keys): each secret has its own
// random data key, and only that data key is encrypted with the server's key (the KEK). Rotating the
// KEK then rewraps 60 bytes per secret and never needs the secrets themselves in a migration.

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MINIMUM_SECRET_LENGTH = 32;
const KEK_SALT = "xqt5-encryption-key";
const KEK_INFO = "kek-v1";
const KEY_FILE = "encryption-key";

/** What is stored per secret (three columns). */
export interface SealedSecret {
  /** iv (12) | auth tag (16) | ciphertext */
  ciphertext: Uint8Array;
  /** iv (12) | auth tag (16) | encrypted data key (32) */
  wrappedKey: Uint8Array;
  /** Which key-encryption key wrapped the data key */
  keyId: string;
}

/**
 * A sealed secret that cannot be opened: a key this server does not have, a wrong key, altered bytes,
 * or bytes moved to another row (the associated data differs). The message names the key id, never
 * the secret.
 */
export class SecretUnreadableError extends Error {
  override name = "SecretUnreadableError";

  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
  }
}

export class KeyRing {
  private constructor(
    /** The KEK new secrets are sealed with. */
    readonly currentKeyId: string,
    private readonly keks: ReadonlyMap<string, Buffer>,
  ) {}

  /** current: the KEK new secrets are sealed with; previous: older KEKs still accepted for opening (rotation). */
  static fromSecrets(current: string, previous: string[] = []): KeyRing {
    const keks = new Map<string, Buffer>();
    for (const secret of [current, ...previous]) {
      const kek = deriveKek(secret);
      keks.set(keyIdOf(kek), kek);
    }
    return new KeyRing(keyIdOf(deriveKek(current)), keks);
  }

  seal(plaintext: string, associatedData: string): SealedSecret {
    const dataKey = randomBytes(KEY_BYTES);
    try {
      return {
        ciphertext: encrypt(dataKey, Buffer.from(plaintext, "utf8"), associatedData),
        wrappedKey: encrypt(this.kek(this.currentKeyId), dataKey, associatedData),
        keyId: this.currentKeyId,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  open(sealed: SealedSecret, associatedData: string): string {
    const dataKey = this.unwrap(sealed, associatedData);
    try {
      return decrypt(dataKey, sealed.ciphertext, associatedData, sealed.keyId).toString("utf8");
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same secret with its data key wrapped by the current KEK (ciphertext unchanged); null if it already is. Throws SecretUnreadableError if it cannot unwrap. */
  rewrap(sealed: SealedSecret, associatedData: string): SealedSecret | null {
    if (sealed.keyId === this.currentKeyId) return null;
    const dataKey = this.unwrap(sealed, associatedData);
    try {
      // A rewrap that succeeds guarantees the result opens: a rotation never re-seals damaged bytes.
      decrypt(dataKey, sealed.ciphertext, associatedData, sealed.keyId).fill(0);
      return {
        ciphertext: sealed.ciphertext,
        wrappedKey: encrypt(this.kek(this.currentKeyId), dataKey, associatedData),
        keyId: this.currentKeyId,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Whether a keyId belongs to this ring */
  knows(keyId: string): boolean {
    return this.keks.has(keyId);
  }

  private kek(keyId: string): Buffer {
    const kek = this.keks.get(keyId);
    if (!kek) {
      throw new SecretUnreadableError(
        keyId,
        `sealed with encryption key ${keyId}, which this server does not have (it has ${[...this.keks.keys()].join(", ")}); set that key in ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    return kek;
  }

  private unwrap(sealed: SealedSecret, associatedData: string): Buffer {
    const kek = this.kek(sealed.keyId);
    if (sealed.wrappedKey.length !== IV_BYTES + TAG_BYTES + KEY_BYTES) throw unreadable(sealed.keyId);
    return decrypt(kek, sealed.wrappedKey, associatedData, sealed.keyId);
  }
}

/**
 * The key ring of this server: ENCRYPTION_KEY (+ ENCRYPTION_KEY_PREVIOUS, comma separated), or, when
 * ENCRYPTION_KEY is unset (embedded default), one generated on first start and kept in the data folder.
 */
export async function resolveKeyRing(options: {
  configured?: string;
  previous?: string;
  dataDir: string;
}): Promise<KeyRing> {
  const previous = (options.previous ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  const current = options.configured || (await readOrCreateKeyFile(options.dataDir));
  return KeyRing.fromSecrets(current, previous);
}

async function readOrCreateKeyFile(dataDir: string): Promise<string> {
  const file = path.join(dataDir, KEY_FILE);
  try {
    return await readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dataDir, { recursive: true });
  // Written whole under a name of its own, then linked into place: link fails if another process
  // was first (then theirs is used), and nobody can read a file that is created but not yet written.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  await writeFile(draft, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
  try {
    await link(draft, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await unlink(draft);
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<string> {
  const secret = (await readFile(file, "utf8")).trim();
  if (secret.length < MINIMUM_SECRET_LENGTH) {
    throw new Error(
      `${file} holds no usable encryption key (fewer than ${MINIMUM_SECRET_LENGTH} characters)`,
    );
  }
  return secret;
}

function deriveKek(secret: string): Buffer {
  if (secret.length < MINIMUM_SECRET_LENGTH) {
    throw new Error(
      `an encryption key must be at least ${MINIMUM_SECRET_LENGTH} characters (this one has ${secret.length})`,
    );
  }
  return Buffer.from(hkdfSync("sha256", secret, KEK_SALT, KEK_INFO, KEY_BYTES));
}

/** Stable for a key and reveals nothing about it. */
function keyIdOf(kek: Buffer): string {
  return createHmac("sha256", kek).update("key-id").digest("hex").slice(0, 16);
}

/** iv | auth tag | ciphertext */
function encrypt(key: Buffer, plaintext: Buffer, associatedData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), encrypted]);
}

function decrypt(key: Buffer, box: Uint8Array, associatedData: string, keyId: string): Buffer {
  if (box.length < IV_BYTES + TAG_BYTES) throw unreadable(keyId);
  const decipher = createDecipheriv(ALGORITHM, key, box.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw unreadable(keyId);
  }
}

function unreadable(keyId: string): SecretUnreadableError {
  return new SecretUnreadableError(
    keyId,
    `cannot open a secret sealed with encryption key ${keyId}: its bytes were altered or belong to another record`,
  );
}
