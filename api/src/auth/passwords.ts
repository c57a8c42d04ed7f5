import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/bcrypt";
import pLimit from "p-limit";
import { BadInputError } from "../errors/app-errors.js";

const BCRYPT_COST = 12;
export const PASSWORD_MIN_LENGTH = 8;
// bcrypt only looks at the first 72 bytes; longer passwords are refused instead of silently truncated.
export const PASSWORD_MAX_BYTES = 72;

/**
 * bcrypt is work on purpose (a third of a second a hash). It runs on libuv's thread pool, never on the
 * event loop, and only a few at a time: a burst of sign-ins queues here instead of taking every core
 * and every pool thread (four; file and DNS work need them too). The event loop, mostly asleep, is
 * woken first when a token arrives, so answers keep flowing beside two hashing threads even on two cores.
 */
const hashing = pLimit(Math.min(3, Math.max(2, availableParallelism() - 1)));

export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new BadInputError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters`, { field });
  }
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) {
    throw new BadInputError(`The password must be at most ${PASSWORD_MAX_BYTES} bytes long`, { field });
  }
}

export function hashPassword(password: string): Promise<string> {
  return hashing(() => hash(password, BCRYPT_COST));
}

export function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  // A too-long password can never match: it could not have been set.
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) return Promise.resolve(false);
  // A stored value that is no bcrypt hash matches nothing.
  return hashing(() => verify(password, passwordHash).catch(() => false));
}

// Compared against when the account does not exist, so that a miss takes as long as a hit.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("not-a-real-password");
  return dummyHash;
}
