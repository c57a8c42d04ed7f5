import bcrypt from "bcryptjs";
import { BadInputError } from "../errors/app-errors.js";

const BCRYPT_COST = 12;
export const PASSWORD_MIN_LENGTH = 8;
// bcrypt only looks at the first 72 bytes; longer passwords are refused instead of silently truncated.
export const PASSWORD_MAX_BYTES = 72;

export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new BadInputError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters`, {
      field,
    });
  }
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) {
    throw new BadInputError(`The password must be at most ${PASSWORD_MAX_BYTES} bytes long`, {
      field,
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  // A too-long password can never match: it could not have been set.
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) return Promise.resolve(false);
  return bcrypt.compare(password, hash);
}

// Compared against when the account does not exist, so that a miss takes as long as a hit.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= bcrypt.hash("not-a-real-password", BCRYPT_COST);
  return dummyHash;
}
