import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { splitSqlStatements } from "./split-sql.js";
import type { SqlExecutor } from "./sql-executor.js";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../../supabase/migrations");

// Any constant works as long as every replica uses the same one; "xqt5mig" in ASCII.
const ADVISORY_LOCK_KEY = 0x78717435_6d6967n;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
}

/** Reads `<14-digit version>_<name>.sql` files in version order; rejects bad names and duplicate versions. */
export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  const seen = new Map<string, string>();
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = /^(\d{14})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must be <YYYYMMDDHHMMSS>_<name>.sql: ${file}`);
    const [, version, name] = match as unknown as [string, string, string];
    const other = seen.get(version);
    if (other) throw new Error(`Migrations ${other} and ${file} share the version ${version}`);
    seen.set(version, file);
    migrations.push({ version, name, file, sql: await readFile(path.join(dir, file), "utf8") });
  }
  return migrations;
}

/**
 * Applies pending migrations, each in its own transaction, under a Postgres advisory lock so that
 * replicas starting together wait for each other. History goes into the Supabase CLI's own table,
 * so `supabase db push` and this runner never re-apply each other's work.
 */
export async function applyMigrations(
  db: SqlExecutor,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<string[]> {
  const migrations = await readMigrationFiles(options.dir);
  await db.exec(`select pg_advisory_lock(${ADVISORY_LOCK_KEY})`);
  try {
    await db.exec(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
      alter table supabase_migrations.schema_migrations add column if not exists statements text[];
      alter table supabase_migrations.schema_migrations add column if not exists name text;
    `);
    const rows = await db.query<{ version: string }>(
      "select version from supabase_migrations.schema_migrations",
    );
    const applied = new Set(rows.map((row) => row.version));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await applyOne(db, migration);
      options.log?.(`applied migration ${migration.file}`);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  } finally {
    await db.exec(`select pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
  }
}

async function applyOne(db: SqlExecutor, migration: MigrationFile) {
  await db.exec("begin");
  try {
    await db.exec(migration.sql);
    await db.query(
      "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)",
      [migration.version, migration.name, splitSqlStatements(migration.sql)],
    );
    await db.exec("commit");
  } catch (error) {
    await db.exec("rollback");
    throw new Error(`Migration ${migration.file} failed: ${(error as Error).message}`, { cause: error });
  }
}
