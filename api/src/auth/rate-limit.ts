import { setTimeout as sleep } from "node:timers/promises";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors/app-errors.js";

export interface AuthRateLimitOptions {
  /** Sign-in and sign-up attempts per IP per window. */
  perIp: number;
  /** Failed sign-ins per account and IP before each further try from there must wait. */
  perAccount: number;
  windowSeconds: number;
  /** The first wait after the limit (doubling with each further failure); default 15 s. */
  firstWaitSeconds?: number;
  /** Failed sign-ins of one account from anywhere before every try of it is slowed down (default 5 × perAccount). */
  slowDownAfter?: number;
  now?: () => number;
}

interface Failures {
  count: number;
  last: number;
}

// Each sign-in of an account under attack from many places waits this long before its password is checked.
const SLOW_DOWN_MS = 1_000;

/**
 * Slows down password guessing without handing anyone a way to lock others out:
 * - every sign-in or sign-up attempt counts against the client's IP;
 * - failed sign-ins count per account (whichever identifier was typed) and IP: after `perAccount` of
 *   them, each further try from that IP waits, 15 s then doubling — the owner on another device is
 *   not affected;
 * - an account failing from many places is slowed down (a second per try), never locked.
 * Running out answers RATE_LIMITED with the seconds until the next try.
 */
export class AuthRateLimiter {
  private readonly perIp: RateLimiterMemory;
  private readonly failures = new Map<string, Failures>();
  private readonly accountFailures = new Map<string, Failures>();
  private readonly now: () => number;

  constructor(private readonly options: AuthRateLimitOptions) {
    this.now = options.now ?? Date.now;
    this.perIp = new RateLimiterMemory({
      keyPrefix: "auth-ip",
      points: options.perIp,
      duration: options.windowSeconds,
    });
  }

  /** Refuses with AttemptsLimitedError once the IP has used up its attempts of the window. */
  async countAttempt(ip: string): Promise<void> {
    try {
      await this.perIp.consume(ip);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new AttemptsLimitedError(seconds, error.consumedPoints === this.options.perIp + 1);
    }
  }

  /** Before the password is checked: waits out an account under attack, or refuses while this IP must wait. */
  async assertMayTry(ip: string, account: string): Promise<void> {
    const wait = this.waitSeconds(this.current(this.failures, pairKey(ip, account)));
    if (wait > 0) throw limited(wait);
    const everywhere = this.current(this.accountFailures, account);
    if (everywhere && everywhere.count >= (this.options.slowDownAfter ?? 5 * this.options.perAccount)) {
      await sleep(SLOW_DOWN_MS);
    }
  }

  countFailure(ip: string, account: string): void {
    this.add(this.failures, pairKey(ip, account));
    this.add(this.accountFailures, account);
  }

  /** A correct password from this IP: its failures are forgiven. */
  clearFailures(ip: string, account: string): void {
    this.failures.delete(pairKey(ip, account));
  }

  private waitSeconds(failures: Failures | undefined): number {
    const beyond = (failures?.count ?? 0) - this.options.perAccount;
    if (!failures || beyond < 0) return 0;
    const waitMs = Math.min(
      this.options.windowSeconds * 1000,
      (this.options.firstWaitSeconds ?? 15) * 1000 * 2 ** beyond,
    );
    return Math.ceil((failures.last + waitMs - this.now()) / 1000);
  }

  /** The failures within the window (older ones are forgotten). */
  private current(map: Map<string, Failures>, key: string): Failures | undefined {
    const entry = map.get(key);
    if (entry && this.now() - entry.last > this.options.windowSeconds * 1000) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private add(map: Map<string, Failures>, key: string): void {
    const entry = this.current(map, key);
    map.set(key, { count: (entry?.count ?? 0) + 1, last: this.now() });
    if (map.size > 100_000) this.forgetOld(map);
  }

  private forgetOld(map: Map<string, Failures>): void {
    for (const [key, entry] of map) {
      if (this.now() - entry.last > this.options.windowSeconds * 1000) map.delete(key);
    }
  }
}

/**
 * An IP out of attempts. `firstOfWindow`: the first refusal of its window — the one the audit log
 * records (every later one in the window would only let a flood write the log).
 */
export class AttemptsLimitedError extends RateLimitedError {
  constructor(
    retryAfter: number,
    readonly firstOfWindow: boolean,
  ) {
    super(`Too many attempts. Try again in ${retryAfter} seconds.`, retryAfter);
  }
}

const pairKey = (ip: string, account: string) => `${ip}\n${account}`;

function limited(retryAfter: number) {
  const seconds = Math.max(1, retryAfter);
  return new RateLimitedError(`Too many attempts. Try again in ${seconds} seconds.`, seconds);
}
