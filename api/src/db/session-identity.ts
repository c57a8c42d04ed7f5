import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";
import type { Prisma } from "../generated/prisma/client.js";
import { currentIdentity, type RequestIdentity } from "./request-identity.js";

/** The role every query of the API runs as: no BYPASSRLS, owns nothing (supabase/migrations). */
export const RUNTIME_ROLE = "xqt5_runtime";

/**
 * What a database session is switched to before a query: the runtime role with a request's identity
 * (null: nobody, no tenant rows), or — only for tests and tools that inspect every row — the owner.
 */
export type SessionTarget = RequestIdentity | null | "owner";

const keyOf = (target: SessionTarget) =>
  target === "owner"
    ? "owner"
    : target
      ? `${target.userId}|${target.orgId}|${target.orgAdmin}|${target.platformAdmin}`
      : "nobody";

/**
 * The statement that switches a session (`local`: only the current transaction) to `target`. Row-level
 * security reads app.org_id, app.user_id, app.org_admin and app.platform_admin (see the migrations).
 */
export function identityStatement(
  target: SessionTarget,
  local: boolean,
): { text: string; values: unknown[] } {
  const identity = target === "owner" ? null : target;
  return {
    text:
      "select set_config('role', $1, $6), set_config('app.user_id', $2, $6), set_config('app.org_id', $3, $6), " +
      "set_config('app.org_admin', $4, $6), set_config('app.platform_admin', $5, $6)",
    values: [
      target === "owner" ? "none" : RUNTIME_ROLE,
      identity?.userId ?? "",
      identity?.orgId ?? "",
      String(identity?.orgAdmin ?? false),
      String(identity?.platformAdmin ?? false),
      local,
    ],
  };
}

/**
 * The rest of a transaction runs as `identity` (the setting ends with the transaction): a registration
 * writes its audit entries as the account it has just created, in the transaction that created it.
 */
export async function switchTransactionTo(tx: Prisma.TransactionClient, identity: RequestIdentity) {
  await tx.$queryRaw`
    select set_config('role', ${RUNTIME_ROLE}, true), set_config('app.user_id', ${identity.userId}, true),
           set_config('app.org_id', ${identity.orgId}, true),
           set_config('app.org_admin', ${String(identity.orgAdmin)}, true),
           set_config('app.platform_admin', ${String(identity.platformAdmin)}, true)`;
}

/** pg-pool's list of idle connections (not public API): `connect` hands out the last one. */
interface IdleConnections {
  _idle?: { client: pg.PoolClient }[];
}

/**
 * A Postgres pool whose every connection, when handed out, runs as the caller's request identity
 * (db/request-identity): Prisma's adapter takes its connections here, for single queries and
 * transactions alike. A connection remembers what it was switched to, and the pool hands out an idle
 * one that already carries the caller's identity where it can (else the one idle longest, keeping the
 * recently used ones for their identities): a request's run of queries then costs no extra round trip;
 * switching costs one. (Session settings: use a direct connection or a session pooler, not a
 * transaction pooler.)
 */
export class IdentityPool extends pg.Pool {
  private readonly switchedTo = new WeakMap<pg.PoolClient, string>();
  /** Round trips spent switching connections to another identity (tests, benchmarks). */
  switches = 0;

  constructor(
    config: pg.PoolConfig,
    private readonly target: () => SessionTarget = currentIdentity,
  ) {
    super(config);
  }

  // pg's overloads: Prisma's adapter uses the promise forms, pg itself the callback ones (left as they are).
  override connect(callback?: Parameters<pg.Pool["connect"]>[0]): Promise<pg.PoolClient> {
    if (callback) return super.connect(callback) as unknown as Promise<pg.PoolClient>;
    return this.connectAs(this.target());
  }

  override query(config: unknown, values?: unknown, callback?: unknown): never {
    if (typeof values === "function" || typeof callback === "function") {
      return (super.query as (...args: unknown[]) => never)(config, values, callback);
    }
    return this.queryAs(this.target(), config, values) as never;
  }

  private async queryAs(target: SessionTarget, config: unknown, values: unknown) {
    const client = await this.connectAs(target);
    try {
      return await (client.query as (config: unknown, values: unknown) => Promise<pg.QueryResult>)(
        config,
        values,
      );
    } finally {
      client.release();
    }
  }

  private async connectAs(target: SessionTarget): Promise<pg.PoolClient> {
    const wanted = keyOf(target);
    this.offerIdleFor(wanted);
    const client = await (super.connect as () => Promise<pg.PoolClient>)();
    if (this.switchedTo.get(client) === wanted) return client;
    try {
      const { text, values } = identityStatement(target, false);
      this.switches += 1;
      await client.query(text, values);
      this.switchedTo.set(client, wanted);
      return client;
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /**
   * Puts the idle connection that suits `wanted` where pg-pool takes the next one from (the end). A
   * pg-pool without that list only loses the preference.
   */
  private offerIdleFor(wanted: string): void {
    const idle = (this as IdleConnections)._idle;
    if (!Array.isArray(idle) || idle.length < 2) return;
    let index = idle.length - 1;
    while (index >= 0 && this.switchedTo.get(idle[index]?.client as pg.PoolClient) !== wanted) index--;
    if (index === -1) index = 0;
    if (index === idle.length - 1) return;
    const [item] = idle.splice(index, 1);
    if (item) idle.push(item);
  }
}

/** One PGlite session shared by every client of it: who it is switched to, and the lock around each use. */
interface PGliteSession {
  current: string | null;
  queue: Promise<unknown>;
}
const sessions = new WeakMap<PGlite, PGliteSession>();

/**
 * PGlite has one session for everything, so each use (a query, a whole transaction) takes it in turn,
 * switched to its caller's target first: no other identity can get in between. Hands Prisma's PGlite
 * adapter the three methods it uses.
 */
export function identityPGlite(pglite: PGlite, target: () => SessionTarget = currentIdentity): PGlite {
  let session = sessions.get(pglite);
  if (!session) {
    session = { current: null, queue: Promise.resolve() };
    sessions.set(pglite, session);
  }
  const shared = session;
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const wanted = target();
    const run = shared.queue.then(async () => {
      if (shared.current !== keyOf(wanted)) {
        const { text, values } = identityStatement(wanted, false);
        await pglite.query(text, values);
        shared.current = keyOf(wanted);
      }
      return work();
    });
    shared.queue = run.catch(() => {});
    return run;
  };
  const facade = {
    query: (...args: Parameters<PGlite["query"]>) => inTurn(() => pglite.query(...args)),
    exec: (...args: Parameters<PGlite["exec"]>) => inTurn(() => pglite.exec(...args)),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) => inTurn(() => pglite.transaction(callback)),
  };
  return facade as unknown as PGlite;
}
