import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { identityPGlite } from "./session-identity.js";

/** The two things the migration runner needs from a connection, for PGlite and node-postgres alike. */
export interface SqlExecutor {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export function pgliteExecutor(embedded: PGlite): SqlExecutor {
  // The session may have served the API's queries (as the runtime role): migrations run as the owner.
  const pglite = identityPGlite(embedded, () => "owner");
  return {
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<Row>(sql: string, params?: unknown[]) {
      return (await pglite.query<Row>(sql, params)).rows;
    },
  };
}

export function pgClientExecutor(client: pg.Client | pg.PoolClient): SqlExecutor {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as Row[];
    },
  };
}
