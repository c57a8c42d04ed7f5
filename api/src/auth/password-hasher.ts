import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/bcrypt";
import pLimit from "p-limit";
import { RateLimitedError } from "../errors/app-errors.js";
import { PASSWORD_MAX_BYTES } from "./passwords.js";

const BCRYPT_COST = 12;

/**
 * bcrypt is work on purpose (a third of a second a hash). It runs on libuv's thread pool, never on the
 * event loop, and only a few at a time: a burst of sign-ins queues here instead of taking every core
 * and every pool thread (four; file and DNS work need them too). The event loop, mostly asleep, is
 * woken first when a token arrives, so answers keep flowing beside two hashing threads even on two cores.
 */
export const DEFAULT_HASHING_CONCURRENCY = Math.min(3, Math.max(2, availableParallelism() - 1));

/** Hashes and checks passwords with bcrypt (same hashes as any bcrypt library), a few at a time. */
export class PasswordHasher {
  private readonly queue: ReturnType<typeof pLimit>;
  private refusing = false;
  private dummy: Promise<string> | undefined;

  constructor(concurrency = DEFAULT_HASHING_CONCURRENCY) {
    this.queue = pLimit(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.run(() => hash(password, BCRYPT_COST));
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    // A too-long password can never match: it could not have been set.
    if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) return Promise.resolve(false);
    // A stored value that is no bcrypt hash matches nothing.
    return this.run(() => verify(password, passwordHash).catch(() => false));
  }

  /** Compared against when the account does not exist, so that a miss takes as long as a hit. */
  dummyHash(): Promise<string> {
    this.dummy ??= this.hash("not-a-real-password");
    return this.dummy;
  }

  /**
   * At shutdown: what waits in the queue is refused at once (a client retries elsewhere, told to by
   * RATE_LIMITED with retryAfter) instead of waiting for a process that is about to stop.
   */
  refuseQueued(): void {
    this.refusing = true;
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.queue(() => {
      if (this.refusing) throw new RateLimitedError("This server is restarting; please try again", 1);
      return work();
    });
  }
}
