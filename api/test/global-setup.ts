import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/db/migrations.js";
import { PGLITE_EXTENSIONS } from "../src/db/pglite-extensions.js";
import { pgClientExecutor, pgliteExecutor } from "../src/db/sql-executor.js";
import { postgresTestPrefix, withDatabase } from "./support/postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
    postgresPrefix: string;
  }
}

/**
 * Prepares one migrated database per run: a PGlite data-dir snapshot that every test file loads
 * (much faster than a fresh initdb), and, with TEST_DATABASE_URL, a template database on real
 * Postgres that every test file clones. Each run's databases carry their own prefix.
 */
export default async function setup(project: TestProject) {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-test-"));
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  await applyMigrations(pgliteExecutor(pglite));
  const snapshot = path.join(tempDir, "pglite-snapshot.tar.gz");
  await writeFile(snapshot, Buffer.from(await (await pglite.dumpDataDir("gzip")).arrayBuffer()));
  await pglite.close();
  project.provide("pgliteSnapshot", snapshot);

  const prefix = postgresTestPrefix();
  project.provide("postgresPrefix", prefix);
  const adminUrl = process.env.TEST_DATABASE_URL;
  let template: string | null = null;
  if (adminUrl) {
    template = `${prefix}template`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${template}"`);
    await admin.end();
    const client = new pg.Client({ connectionString: withDatabase(adminUrl, template) });
    await client.connect();
    await applyMigrations(pgClientExecutor(client));
    await client.end();
  }
  project.provide("postgresTemplate", template);

  return async () => {
    await rm(tempDir, { recursive: true, force: true });
    if (adminUrl) await dropRunDatabases(adminUrl, prefix);
  };
}

async function dropRunDatabases(adminUrl: string, prefix: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like $1",
    [`${prefix}%`],
  );
  for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.end();
}
