import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { pgClientExecutor, pgliteExecutor, type SqlExecutor } from "../../src/db/sql-executor.js";
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
    const pglite = await PGlite.create();
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

/** A fresh, fully migrated database with the Prisma client on top. */
export async function createMigratedDatabase(): Promise<
  Database & { url: string | null; pglite: PGlite | null }
> {
  if (testDbKind() === "pglite") {
    const snapshot = await readFile(inject("pgliteSnapshot"));
    const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
    const database = await openDatabase({ pglite });
    return {
      ...database,
      url: null,
      pglite,
      close: async () => {
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
  return {
    ...database,
    url,
    pglite: null,
    close: async () => {
      await database.close();
      await dropPostgresDatabase(adminUrl(), name);
    },
  };
}
