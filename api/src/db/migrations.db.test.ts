import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyRawDatabase, type RawTestDatabase } from "../../test/support/test-database.js";
import { applyMigrations, readMigrationFiles } from "./migrations.js";
import type { SqlExecutor } from "./sql-executor.js";

const LLM_COUNCIL_TABLES = [
  "users",
  "conversations",
  "messages",
  "token_usage",
  "app_settings",
  "api_keys",
  "provider_api_keys",
];

let database: RawTestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

/** Everything that defines a table: columns, constraints, indexes, and its rows. */
async function describeTables(sql: SqlExecutor, tables: string[]) {
  const columns = await sql.query(
    `select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
            is_nullable, column_default
       from information_schema.columns where table_schema = 'public' and table_name = any($1)
      order by table_name, ordinal_position`,
    [tables],
  );
  const constraints = await sql.query(
    `select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as definition
       from pg_constraint where conrelid::regclass::text = any($1) order by 1, 2`,
    [tables],
  );
  const indexes = await sql.query(
    `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = any($1)
      order by 1, 2`,
    [tables],
  );
  const rows: Record<string, unknown[]> = {};
  for (const table of tables) rows[table] = await sql.query(`select * from ${table} order by 1`);
  return { columns, constraints, indexes, rows };
}

describe("migrations", () => {
  it("apply to an empty database, record Supabase CLI history, and are a no-op the second time", async () => {
    database = await createEmptyRawDatabase();
    const files = await readMigrationFiles();
    const first = await applyMigrations(database.sql);
    expect(first).toEqual(files.map((file) => file.version));

    const tables = await database.sql.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        "app_users",
        "app_sessions",
        "assistants",
        "prompt_templates",
        "chats",
        "chat_messages",
        "chat_token_usage",
      ]),
    );

    // The exact shape the Supabase CLI creates and reads.
    const historyColumns = await database.sql.query(
      `select column_name, data_type, is_nullable from information_schema.columns
        where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' order by ordinal_position`,
    );
    expect(historyColumns).toEqual([
      { column_name: "version", data_type: "text", is_nullable: "NO" },
      { column_name: "statements", data_type: "ARRAY", is_nullable: "YES" },
      { column_name: "name", data_type: "text", is_nullable: "YES" },
    ]);
    const history = await database.sql.query<{ version: string; name: string; statements: string[] }>(
      "select version, name, statements from supabase_migrations.schema_migrations order by version",
    );
    expect(history.map((row) => `${row.version}_${row.name}.sql`)).toEqual(files.map((file) => file.file));
    expect(history[0]!.statements.length).toBeGreaterThan(3);
    expect(history[0]!.statements[0]).toMatch(/create table if not exists app_users/);

    expect(await applyMigrations(database.sql)).toEqual([]);
    const again = await database.sql.query(
      "select count(*)::int as n from supabase_migrations.schema_migrations",
    );
    expect(again).toEqual([{ n: files.length }]);
  });

  it("leave llm-council's tables and rows exactly as they were", async () => {
    database = await createEmptyRawDatabase();
    const fixture = await readFile(
      path.resolve(import.meta.dirname, "../../test/fixtures/llm-council.sql"),
      "utf8",
    );
    await database.sql.exec(fixture);
    const before = await describeTables(database.sql, LLM_COUNCIL_TABLES);
    expect(before.rows.users).toHaveLength(1);

    await applyMigrations(database.sql);

    expect(await describeTables(database.sql, LLM_COUNCIL_TABLES)).toEqual(before);
  });

  it("skip versions already recorded by the Supabase CLI", async () => {
    database = await createEmptyRawDatabase();
    const [firstFile] = await readMigrationFiles();
    await database.sql.exec(`
      create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text);
      insert into supabase_migrations.schema_migrations (version, name) values ('${firstFile!.version}', '${firstFile!.name}');
    `);
    // Pretend the CLI applied the first file: it exists already, so re-running it must not be attempted.
    await database.sql.exec(firstFile!.sql);
    const applied = await applyMigrations(database.sql);
    expect(applied).not.toContain(firstFile!.version);
  });

  it("roll back a failing file completely and name it", async () => {
    database = await createEmptyRawDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "xqt5-migrations-"));
    await writeFile(path.join(dir, "20260101000000_good.sql"), "create table good_one (id int);");
    await writeFile(
      path.join(dir, "20260101000100_bad.sql"),
      "create table half_done (id int); select nonsense from nowhere;",
    );
    await expect(applyMigrations(database.sql, { dir })).rejects.toThrow(/20260101000100_bad\.sql/);
    const tables = await database.sql.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(["good_one"]);
  });
});

describe("migration files", () => {
  it("have unique 14-digit versions and valid names", async () => {
    const files = await readMigrationFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files.map((file) => file.version)).size).toBe(files.length);
  });

  it("are refused when two share a version or a name is malformed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "xqt5-migrations-"));
    await writeFile(path.join(dir, "20260215000000_a.sql"), "select 1;");
    await writeFile(path.join(dir, "20260215000000_b.sql"), "select 1;");
    await expect(readMigrationFiles(dir)).rejects.toThrow(/share the version 20260215000000/);

    const badDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-migrations-"));
    await writeFile(path.join(badDir, "20260215_phase_a.sql"), "select 1;");
    await expect(readMigrationFiles(badDir)).rejects.toThrow(/YYYYMMDDHHMMSS/);
  });
});
