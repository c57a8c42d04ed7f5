import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations } from "./migrations.js";
import { IdentityPool, identityPGlite, RUNTIME_ROLE } from "./session-identity.js";
import { pgClientExecutor, pgliteExecutor } from "./sql-executor.js";
import { withUnbatchedUniqueReads } from "./unbatched-unique-reads.js";

export type { PrismaClient };

/**
 * An interactive transaction waits this long for a pooled connection (Prisma's default: 2 s, then
 * P2028). A replica taking over another's users at once waits a few seconds for its pool; a plain query
 * waits as long as it takes, and a transaction must not fail where a query would have gone through.
 */
const TRANSACTION_OPTIONS = { maxWait: 15_000 };

export interface Database {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  /** Throws when the database cannot answer a trivial query (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres connection string; without it an embedded PGlite database lives in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** An already open PGlite instance (tests); takes precedence over dataDir. */
  pglite?: PGlite;
  migrate?: boolean;
  /** The embedded database's page cache (default 16 MB, see embedded-postgres.ts). */
  pgliteSharedBuffersMb?: number;
  /** Postgres connections per process (default 10). */
  poolSize?: number;
  log?: (message: string) => void;
  /**
   * Told when an idle pooled connection breaks (Postgres restarted, a network cut): the pool drops it
   * and opens another; unheard, the pool's error event would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPGlite(options);
}

async function openPostgres(connectionString: string, options: OpenDatabaseOptions): Promise<Database> {
  if (options.migrate) {
    // A dedicated connection: the advisory lock belongs to the session that took it.
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await applyMigrations(pgClientExecutor(client), { log: options.log });
    } finally {
      await client.end();
    }
  }
  // Every connection acts as the runtime role from the start, whoever the login is: row-level security
  // applies even when the connection string names the owner.
  const pool = new IdentityPool({
    connectionString,
    max: options.poolSize ?? 10,
    options: `-c role=${RUNTIME_ROLE}`,
  });
  pool.on("error", (error) => options.onConnectionError?.(error));
  await assertRuntimeRole(pool);
  const prisma = withUnbatchedUniqueReads(
    new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS }),
  );
  return {
    kind: "postgres",
    prisma,
    ping: async () => {
      await pool.query("select 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  let pglite = options.pglite;
  const owned = !pglite;
  if (!pglite) {
    // Loaded only here: a server on Postgres does not carry the embedded database's code.
    const { openEmbeddedPostgres } = await import("./embedded-postgres.js");
    const dataDir = path.join(options.dataDir ?? "data", "pglite");
    pglite = await openEmbeddedPostgres(dataDir, { sharedBuffersMb: options.pgliteSharedBuffersMb });
  }
  if (options.migrate) await applyMigrations(pgliteExecutor(pglite), { log: options.log });
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const instance = pglite;
  const prisma = withUnbatchedUniqueReads(
    new PrismaClient({
      adapter: new PrismaPGlite(identityPGlite(instance)),
      transactionOptions: TRANSACTION_OPTIONS,
    }),
  );
  return {
    kind: "pglite",
    prisma,
    ping: async () => {
      await instance.query("select 1");
    },
    close: async () => {
      await prisma.$disconnect();
      if (owned) await instance.close();
    },
  };
}

/** Fails at start, with the fix, when the login may not act as the runtime role. */
async function assertRuntimeRole(pool: pg.Pool): Promise<void> {
  try {
    await pool.query("select 1");
  } catch (error) {
    if ((error as { code?: string }).code === "42501") {
      throw new Error(
        `The database login may not act as ${RUNTIME_ROLE}; run "grant ${RUNTIME_ROLE} to <login>" as the owner (see README, Supabase)`,
        { cause: error },
      );
    }
    // Unreachable now: /readyz says so until it answers.
  }
}
