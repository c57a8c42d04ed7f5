import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase, type TestDatabase, testDbKind } from "../../test/support/test-database.js";
import type { RequestIdentity } from "./request-identity.js";
import { IdentityPool, RUNTIME_ROLE, type SessionTarget } from "./session-identity.js";

const identity = (n: number): RequestIdentity => ({
  userId: `00000000-0000-4000-8000-00000000000${n}`,
  orgId: "0e5a0000-0000-4000-8000-000000000001",
  orgAdmin: false,
  platformAdmin: false,
});

// The pool of the Postgres deployments; PGlite has one session and its own turn-taking facade.
describe.skipIf(testDbKind() !== "postgres")("IdentityPool", () => {
  let database: TestDatabase;
  let pool: IdentityPool;
  let target: SessionTarget = null;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    pool = new IdentityPool(
      { connectionString: database.url as string, max: 3, options: `-c role=${RUNTIME_ROLE}` },
      () => target,
    );
    // Dropping the database at the end terminates connections pool.end() is still closing: not an error
    // of the test (as for the owner pool of test-database).
    pool.on("error", () => {});
  });
  afterAll(async () => {
    await pool?.end();
    await database?.close();
  });

  const whoAmI = async (as: SessionTarget) => {
    target = as;
    const { rows } = await pool.query("select current_user, current_setting('app.user_id') as user_id");
    return rows[0] as { current_user: string; user_id: string };
  };

  it("hands each identity the idle connection that already carries it: interleaved runs switch once each", async () => {
    // Three connections, idle: switched to 1, 2 and 3 (in parallel, so that each gets its own).
    const held = await Promise.all(
      [1, 2, 3].map(async (n) => {
        target = identity(n);
        return pool.connect();
      }),
    );
    for (const client of held) client.release();
    expect(pool.switches).toBe(3);

    for (let round = 0; round < 4; round++) {
      for (const n of [1, 2, 3]) {
        const seen = await whoAmI(identity(n));
        expect(seen).toEqual({ current_user: RUNTIME_ROLE, user_id: identity(n).userId });
      }
    }
    // pg-pool alone hands out the connection released last: every one of these 12 queries would switch.
    expect(pool.switches).toBe(3);
  });

  it("a new identity takes the connection idle longest and leaves the others to theirs", async () => {
    const before = pool.switches;
    // Used in the order 1, 2, 3: connection 1 has been idle longest.
    for (const n of [1, 2, 3]) await whoAmI(identity(n));
    expect(await whoAmI(identity(4))).toEqual({ current_user: RUNTIME_ROLE, user_id: identity(4).userId });
    expect(pool.switches).toBe(before + 1);
    for (const n of [2, 3, 4]) await whoAmI(identity(n));
    expect(pool.switches).toBe(before + 1);
    // Nobody, after all of them: a session without identity, never the last user's.
    expect(await whoAmI(null)).toEqual({ current_user: RUNTIME_ROLE, user_id: "" });
    expect(pool.switches).toBe(before + 2);
  });
});
