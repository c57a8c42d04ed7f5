import { spawnSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { DEFAULT_SOAK_OPTIONS, type SoakOptions } from "../bench/soak/options.js";
import { formatReport } from "../bench/soak/report.js";
import { runSoak } from "../bench/soak/run-soak.js";

// The fault soak (bench/soak, `npm run soak`), small enough for every CI run: 30 users through provider
// faults, dropped streams, lost responses, a drained and restarted replica and a Redis restart, with
// the same invariants. Not a *.db.test.ts: it needs real Postgres (two API processes share one
// database) and redis-server, and skips itself without them.

const adminUrl = process.env.TEST_DATABASE_URL;
const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

const SMALL: Partial<SoakOptions> = {
  users: 30,
  chatsPerUser: 1,
  messagesPerChat: 3,
  seed: Number(process.env.SOAK_SEED ?? 1),
  faultRate: 0.15,
  dropRate: 0.1,
  lostResponseRate: 0.05,
  stopRate: 0.05,
  tokenDelayMs: 40,
  rampMs: 1_000,
  thinkMs: 300,
  // As patient as a person: longer than a burst of sign-ups takes on a busy 2-core machine, and than the
  // lease after which another replica recovers an answer whose replica died.
  answerTimeoutMs: 45_000,
  signInTimeoutMs: 60_000,
  settleMs: 15_000,
};

describe.skipIf(!adminUrl || !hasRedisServer)("fault soak, small", () => {
  it("loses, duplicates, strands and misbills nothing through faults, a SIGTERM and a Redis restart", async () => {
    const result = await runSoak({
      ...DEFAULT_SOAK_OPTIONS,
      ...SMALL,
      databaseAdminUrl: adminUrl as string,
      databaseName: `${inject("postgresPrefix")}soak`,
    });
    const report = formatReport(result);
    if (result.violations.length > 0) console.log(report);
    expect(result.violations.map((violation) => `${violation.invariant}: ${violation.detail}`)).toEqual([]);
    // It exercised what it claims (the seed fixes the fault plan; SIGTERM and Redis are checked above).
    for (const kind of DEFAULT_SOAK_OPTIONS.faultKinds)
      expect(result.provider.byFault[kind], report).toBeGreaterThan(0);
    expect(result.clients.drops, report).toBeGreaterThan(0);
  }, 240_000);
});
