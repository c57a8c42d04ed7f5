import { createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KeyRing, resolveKeyRing, type SealedSecret, SecretUnreadableError } from "./secret-box.js";

const KEY_A = "first-encryption-key-for-tests-only-a";
const KEY_B = "second-encryption-key-for-tests-only-b";
const SECRET = "sk-proj-Geheimnis-Köln-4711";
const ROW = "provider-key:row-1:org-1:openai";

const ringA = KeyRing.fromSecrets(KEY_A);
const ringB = KeyRing.fromSecrets(KEY_B);

/** What a failed open threw (or a test failure when it did not throw). */
function failureOf(open: () => unknown): Error {
  try {
    open();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected it to throw");
}

const flipped = (bytes: Uint8Array, index: number) => {
  const copy = Uint8Array.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
};

describe("KeyRing.seal and open", () => {
  it("opens what it sealed, with the layout and key id the columns expect", () => {
    const sealed = ringA.seal(SECRET, ROW);
    expect(ringA.open(sealed, ROW)).toBe(SECRET);
    expect(sealed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(sealed.keyId).toBe(ringA.currentKeyId);
    expect(sealed.ciphertext.length).toBe(12 + 16 + Buffer.byteLength(SECRET));
    expect(sealed.wrappedKey.length).toBe(12 + 16 + 32);
    expect(ringA.open(ringA.seal("", ROW), ROW)).toBe("");
  });

  it("follows the documented derivation, so that a stored secret outlives this code", () => {
    // Unsealed here by hand, from the description alone: HKDF-SHA256 KEK, HMAC key id, two GCM boxes.
    const kek = Buffer.from(hkdfSync("sha256", KEY_A, "xqt5-encryption-key", "kek-v1", 32));
    expect(ringA.currentKeyId).toBe(createHmac("sha256", kek).update("key-id").digest("hex").slice(0, 16));
    const openBox = (key: Uint8Array, box: Uint8Array) => {
      const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, 12));
      decipher.setAAD(Buffer.from(ROW));
      decipher.setAuthTag(box.subarray(12, 28));
      return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]);
    };
    const sealed = ringA.seal(SECRET, ROW);
    const dataKey = openBox(kek, sealed.wrappedKey);
    expect(dataKey.length).toBe(32);
    expect(openBox(dataKey, sealed.ciphertext).toString("utf8")).toBe(SECRET);
  });

  it("stores nothing of the plaintext", () => {
    const sealed = ringA.seal(SECRET, ROW);
    const stored = Buffer.concat([sealed.ciphertext, sealed.wrappedKey, Buffer.from(sealed.keyId)]);
    expect(stored.includes(Buffer.from(SECRET))).toBe(false);
    expect(stored.includes(Buffer.from("Geheimnis"))).toBe(false);
  });

  it("uses a fresh data key and fresh IVs for every seal", () => {
    const first = ringA.seal(SECRET, ROW);
    const second = ringA.seal(SECRET, ROW);
    expect(Buffer.from(second.ciphertext).equals(Buffer.from(first.ciphertext))).toBe(false);
    expect(Buffer.from(second.wrappedKey).equals(Buffer.from(first.wrappedKey))).toBe(false);
    expect(Buffer.from(second.ciphertext.subarray(0, 12)).equals(first.ciphertext.subarray(0, 12))).toBe(
      false,
    );
    expect(Buffer.from(second.wrappedKey.subarray(0, 12)).equals(first.wrappedKey.subarray(0, 12))).toBe(
      false,
    );
    // The same data key would give the same keystream: equal ciphertexts after the IV and tag.
    expect(Buffer.from(second.ciphertext.subarray(28)).equals(first.ciphertext.subarray(28))).toBe(false);
  });

  it("refuses a secret moved to another row or organisation", () => {
    const sealed = ringA.seal(SECRET, ROW);
    for (const elsewhere of [
      "provider-key:row-2:org-1:openai",
      "provider-key:row-1:org-2:openai",
      "provider-key:row-1:org-1:anthropic",
      "",
    ]) {
      expect(() => ringA.open(sealed, elsewhere), elsewhere).toThrow(SecretUnreadableError);
    }
    // Only the ciphertext moved, with this row's wrapped key: the data key is bound to the row too.
    const other = ringA.seal(SECRET, "provider-key:row-2:org-1:openai");
    expect(() => ringA.open({ ...sealed, ciphertext: other.ciphertext }, ROW)).toThrow(SecretUnreadableError);
  });

  it("refuses altered bytes anywhere in the ciphertext or the wrapped key", () => {
    const sealed = ringA.seal(SECRET, ROW);
    const columns = ["ciphertext", "wrappedKey"] as const;
    for (const column of columns) {
      // iv, auth tag, encrypted bytes
      for (const index of [0, 11, 12, 27, 28, sealed[column].length - 1]) {
        const altered: SealedSecret = { ...sealed, [column]: flipped(sealed[column], index) };
        const error = failureOf(() => ringA.open(altered, ROW));
        expect(error, `${column}[${index}]`).toBeInstanceOf(SecretUnreadableError);
        expect(error.message).toContain(sealed.keyId);
        expect(error.message).not.toContain(SECRET);
      }
      const truncated: SealedSecret = { ...sealed, [column]: sealed[column].subarray(0, 20) };
      expect(() => ringA.open(truncated, ROW), column).toThrow(SecretUnreadableError);
    }
    expect(ringA.open(sealed, ROW)).toBe(SECRET);
  });

  it("names the key id it does not have, and never the secret", () => {
    const sealed = ringA.seal(SECRET, ROW);
    expect(ringB.knows(sealed.keyId)).toBe(false);
    expect(ringA.knows(sealed.keyId)).toBe(true);
    const error = failureOf(() => ringB.open(sealed, ROW));
    expect(error).toBeInstanceOf(SecretUnreadableError);
    expect((error as SecretUnreadableError).keyId).toBe(ringA.currentKeyId);
    expect(error.message).toContain(ringA.currentKeyId);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(KEY_A);
    expect(error.message).not.toContain(KEY_B);
    expect(() => ringB.open({ ...sealed, keyId: "0123456789abcdef" }, ROW)).toThrow(/0123456789abcdef/);
  });

  it("derives a stable key id per key, different between keys", () => {
    expect(KeyRing.fromSecrets(KEY_A).currentKeyId).toBe(ringA.currentKeyId);
    expect(ringB.currentKeyId).not.toBe(ringA.currentKeyId);
    expect(ringA.currentKeyId).not.toContain(KEY_A.slice(0, 8));
  });

  it("refuses a key shorter than 32 characters", () => {
    expect(() => KeyRing.fromSecrets("x".repeat(31))).toThrow(/at least 32 characters/);
    expect(() => KeyRing.fromSecrets(KEY_A, ["too-short"])).toThrow(/at least 32 characters/);
    expect(() => KeyRing.fromSecrets("x".repeat(32))).not.toThrow();
  });
});

describe("KeyRing rotation", () => {
  it("opens secrets of a previous key, rewraps them to the current one, and then needs only that", () => {
    const sealedUnderA = ringA.seal(SECRET, ROW);
    const rotated = KeyRing.fromSecrets(KEY_B, [KEY_A]);
    expect(rotated.currentKeyId).toBe(ringB.currentKeyId);
    expect(rotated.knows(ringA.currentKeyId)).toBe(true);
    expect(rotated.open(sealedUnderA, ROW)).toBe(SECRET);
    expect(() => ringB.open(sealedUnderA, ROW)).toThrow(SecretUnreadableError);

    const rewrapped = rotated.rewrap(sealedUnderA, ROW);
    expect(rewrapped?.keyId).toBe(ringB.currentKeyId);
    expect(Buffer.from(rewrapped!.ciphertext).equals(Buffer.from(sealedUnderA.ciphertext))).toBe(true);
    expect(Buffer.from(rewrapped!.wrappedKey).equals(Buffer.from(sealedUnderA.wrappedKey))).toBe(false);
    expect(ringB.open(rewrapped!, ROW)).toBe(SECRET);
    expect(() => ringA.open(rewrapped!, ROW)).toThrow(SecretUnreadableError);

    expect(rotated.rewrap(rewrapped!, ROW)).toBeNull();
    expect(rotated.rewrap(rotated.seal(SECRET, ROW), ROW)).toBeNull();
  });

  it("refuses to rewrap what it cannot open", () => {
    const sealedUnderA = ringA.seal(SECRET, ROW);
    const rotated = KeyRing.fromSecrets(KEY_B, [KEY_A]);
    expect(() => rotated.rewrap(sealedUnderA, "provider-key:row-2:org-1:openai")).toThrow(
      SecretUnreadableError,
    );
    const unknown = KeyRing.fromSecrets("c".repeat(40)).seal(SECRET, ROW);
    expect(() => rotated.rewrap(unknown, ROW)).toThrow(SecretUnreadableError);
    const damaged = { ...sealedUnderA, ciphertext: flipped(sealedUnderA.ciphertext, 30) };
    expect(() => rotated.rewrap(damaged, ROW)).toThrow(SecretUnreadableError);
  });
});

describe("resolveKeyRing", () => {
  const folders: string[] = [];
  const freshDataDir = async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "xqt5-secret-box-"));
    folders.push(folder);
    return path.join(folder, "data");
  };
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it("uses ENCRYPTION_KEY and ENCRYPTION_KEY_PREVIOUS when set, and writes no file", async () => {
    const dataDir = await freshDataDir();
    const ring = await resolveKeyRing({ configured: KEY_B, previous: ` ${KEY_A} ,, `, dataDir });
    expect(ring.currentKeyId).toBe(ringB.currentKeyId);
    expect(ring.knows(ringA.currentKeyId)).toBe(true);
    expect(ring.open(ringA.seal(SECRET, ROW), ROW)).toBe(SECRET);
    await expect(stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses a configured key shorter than 32 characters", async () => {
    const dataDir = await freshDataDir();
    await expect(resolveKeyRing({ configured: "short", dataDir })).rejects.toThrow(/at least 32 characters/);
    await expect(resolveKeyRing({ configured: KEY_A, previous: "short", dataDir })).rejects.toThrow(
      /at least 32 characters/,
    );
  });

  it("generates a key into the data folder once (mode 0600) and keeps using it", async () => {
    const dataDir = await freshDataDir();
    const first = await resolveKeyRing({ dataDir });
    const file = path.join(dataDir, "encryption-key");
    const generated = await readFile(file, "utf8");
    expect(generated).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(["encryption-key"]);

    const sealed = first.seal(SECRET, ROW);
    const restarted = await resolveKeyRing({ dataDir });
    expect(restarted.currentKeyId).toBe(first.currentKeyId);
    expect(restarted.open(sealed, ROW)).toBe(SECRET);
    expect(await readFile(file, "utf8")).toBe(generated);
    expect(KeyRing.fromSecrets(generated).currentKeyId).toBe(first.currentKeyId);
  });

  it("agrees on one key when several starts race for a fresh data folder", async () => {
    const dataDir = await freshDataDir();
    const rings = await Promise.all(Array.from({ length: 8 }, () => resolveKeyRing({ dataDir })));
    expect(new Set(rings.map((ring) => ring.currentKeyId)).size).toBe(1);
    expect(await readdir(dataDir)).toEqual(["encryption-key"]);
    const sealed = rings[0]!.seal(SECRET, ROW);
    for (const ring of rings) expect(ring.open(sealed, ROW)).toBe(SECRET);
  });

  it("refuses a key file that holds no usable key instead of sealing with it", async () => {
    const dataDir = await freshDataDir();
    await resolveKeyRing({ dataDir });
    await writeFile(path.join(dataDir, "encryption-key"), "\n");
    await expect(resolveKeyRing({ dataDir })).rejects.toThrow(/no usable encryption key/);
  });
});
