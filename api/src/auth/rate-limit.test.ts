import { describe, expect, it } from "vitest";
import { AttemptsLimitedError, AuthRateLimiter } from "./rate-limit.js";

function limiter(overrides: Partial<ConstructorParameters<typeof AuthRateLimiter>[0]> = {}) {
  let now = 1_000_000;
  const instance = new AuthRateLimiter({
    perIp: 1_000,
    perAccount: 3,
    windowSeconds: 900,
    now: () => now,
    ...overrides,
  });
  return { limiter: instance, advance: (ms: number) => (now += ms) };
}

const retryAfterOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 0,
    (error: { retryAfter?: number }) => error.retryAfter ?? -1,
  );

describe("AuthRateLimiter", () => {
  it("names the first refusal of an IP's window (the one the audit log records), not the later ones", async () => {
    const { limiter: throttle } = limiter({ perIp: 2 });
    await throttle.countAttempt("1.1.1.1");
    await throttle.countAttempt("1.1.1.1");
    const refusals: unknown[] = [];
    for (let i = 0; i < 3; i++) await throttle.countAttempt("1.1.1.1").catch((error) => refusals.push(error));
    expect(refusals.map((error) => error instanceof AttemptsLimitedError && error.firstOfWindow)).toEqual([
      true,
      false,
      false,
    ]);
    expect(refusals[0]).toMatchObject({ code: "RATE_LIMITED", retryAfter: 900 });
  });

  it("after the limit, each further failure from that IP doubles the wait: 15 s, 30 s, 60 s", async () => {
    const { limiter: throttle, advance } = limiter();
    for (let i = 0; i < 3; i++) throttle.countFailure("1.1.1.1", "account");
    expect(await retryAfterOf(throttle.assertMayTry("1.1.1.1", "account"))).toBe(15);
    advance(15_000);
    expect(await retryAfterOf(throttle.assertMayTry("1.1.1.1", "account"))).toBe(0);
    throttle.countFailure("1.1.1.1", "account");
    expect(await retryAfterOf(throttle.assertMayTry("1.1.1.1", "account"))).toBe(30);
    advance(30_000);
    throttle.countFailure("1.1.1.1", "account");
    expect(await retryAfterOf(throttle.assertMayTry("1.1.1.1", "account"))).toBe(60);
  });

  it("leaves other IPs of the same account alone, and forgives an IP its failures on a correct password", async () => {
    const { limiter: throttle } = limiter();
    for (let i = 0; i < 5; i++) throttle.countFailure("6.6.6.6", "account");
    expect(await retryAfterOf(throttle.assertMayTry("198.51.100.7", "account"))).toBe(0);
    throttle.clearFailures("6.6.6.6", "account");
    expect(await retryAfterOf(throttle.assertMayTry("6.6.6.6", "account"))).toBe(0);
  });

  it("forgets failures after the window", async () => {
    const { limiter: throttle, advance } = limiter();
    for (let i = 0; i < 3; i++) throttle.countFailure("1.1.1.1", "account");
    advance(901_000);
    expect(await retryAfterOf(throttle.assertMayTry("1.1.1.1", "account"))).toBe(0);
  });

  it("slows down, never locks, an account that fails from many places", async () => {
    const { limiter: throttle } = limiter({ slowDownAfter: 4 });
    for (const ip of ["1.0.0.1", "1.0.0.2", "1.0.0.3", "1.0.0.4"]) throttle.countFailure(ip, "account");
    const started = performance.now();
    expect(await retryAfterOf(throttle.assertMayTry("198.51.100.7", "account"))).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });
});
