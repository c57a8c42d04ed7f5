import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { PGLITE_EXTENSIONS } from "../../src/db/pglite-extensions.js";
import { identityPGlite } from "../../src/db/session-identity.js";
import { pgClientExecutor, pgliteExecutor, type SqlExecutor } from "../../src/db/sql-executor.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPostgresDatabase, dropPostgresDatabase } from "./postgres.js";

export type TestDbKind = "pglite" | "postgres";

export const testDbKind = (): TestDbKind => (process.env.TEST_DB_KIND === "postgres" ? "postgres" : "pglite");

function uniqueName(label: string) {
  return `${inject("postgresPrefix")}${label}_${randomBytes(4).toString("hex")}`;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

/** A raw connection to a database of this test file's kind, for SQL-level tests. */
export interface RawTestDatabase {
  kind: TestDbKind;
  sql: SqlExecutor;
  /** For Postgres: the URL (another process or client can connect). */
  url: string | null;
  pglite: PGlite | null;
  close(): Promise<void>;
}

/** An EMPTY database (no migrations), for migration tests. */
export async function createEmptyRawDatabase(): Promise<RawTestDatabase> {
  if (testDbKind() === "pglite") {
    const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
    return { kind: "pglite", sql: pgliteExecutor(pglite), url: null, pglite, close: () => pglite.close() };
  }
  const name = uniqueName("empty");
  const url = await createPostgresDatabase(adminUrl(), name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: "postgres",
    sql: pgClientExecutor(client),
    url,
    pglite: null,
    close: async () => {
      await client.end();
      await dropPostgresDatabase(adminUrl(), name);
    },
  };
}

/**
 * A migrated test database. `prisma` is the API's client (the runtime role, row-level security,
 * queries as the identity of db/request-identity); `owner` sees every row, for tests that prepare or
 * inspect what is stored regardless of tenant.
 */
export type TestDatabase = Database & { url: string | null; pglite: PGlite | null; owner: PrismaClient };

/** A fresh, fully migrated database with the Prisma client on top. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  if (testDbKind() === "pglite") {
    const snapshot = await readFile(inject("pgliteSnapshot"));
    const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]), extensions: PGLITE_EXTENSIONS });
    const database = await openDatabase({ pglite });
    // The one PGlite session is shared with the API's client: the owner takes it in turn, as the owner.
    const owner = new PrismaClient({ adapter: new PrismaPGlite(identityPGlite(pglite, () => "owner")) });
    return {
      ...database,
      url: null,
      pglite,
      owner,
      close: async () => {
        await owner.$disconnect();
        await database.close();
        await pglite.close();
      },
    };
  }
  const template = inject("postgresTemplate");
  if (!template) throw new Error("postgres template database was not prepared");
  const name = uniqueName("db");
  const url = await createPostgresDatabase(adminUrl(), name, template);
  const database = await openDatabase({ databaseUrl: url });
  const ownerPool = new pg.Pool({ connectionString: url, max: 2 });
  // Dropping the database at the end terminates its idle connections: not an error of the test.
  ownerPool.on("error", () => {});
  const owner = new PrismaClient({ adapter: new PrismaPg(ownerPool) });
  return {
    ...database,
    url,
    pglite: null,
    owner,
    close: async () => {
      await owner.$disconnect();
      await ownerPool.end();
      await database.close();
      await dropPostgresDatabase(adminUrl(), name);
    },
  };
}
