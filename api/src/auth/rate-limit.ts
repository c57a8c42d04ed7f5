import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors/app-errors.js";

export interface AuthRateLimitOptions {
  perIp: number;
  perAccount: number;
  windowSeconds: number;
}

/**
 * Slows down password guessing: every sign-in or sign-up attempt counts against the client's IP,
 * and every failed one against the account it named. Either running out answers RATE_LIMITED
 * with the seconds until the next try.
 */
export class AuthRateLimiter {
  private readonly perIp: RateLimiterMemory;
  private readonly perAccount: RateLimiterMemory;

  constructor(options: AuthRateLimitOptions) {
    this.perIp = new RateLimiterMemory({
      keyPrefix: "auth-ip",
      points: options.perIp,
      duration: options.windowSeconds,
    });
    this.perAccount = new RateLimiterMemory({
      keyPrefix: "auth-account",
      points: options.perAccount,
      duration: options.windowSeconds,
    });
  }

  async countAttempt(ip: string): Promise<void> {
    try {
      await this.perIp.consume(ip);
    } catch (error) {
      throw limited(error);
    }
  }

  async assertAccountOpen(account: string): Promise<void> {
    const state = await this.perAccount.get(normalize(account));
    if (state && state.remainingPoints <= 0) throw limited(state);
  }

  async countFailure(account: string): Promise<void> {
    await this.perAccount.consume(normalize(account)).catch(() => {});
  }

  async clearFailures(account: string): Promise<void> {
    await this.perAccount.delete(normalize(account));
  }
}

const normalize = (account: string) => account.trim().toLowerCase();

function limited(error: unknown) {
  if (!(error instanceof RateLimiterRes)) throw error;
  const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
  return new RateLimitedError(`Too many attempts. Try again in ${retryAfter} seconds.`, retryAfter);
}
