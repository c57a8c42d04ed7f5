import { randomBytes } from "node:crypto";
import pg from "pg";

/** A prefix unique to this test run, so that concurrent runs never share a database. */
export function postgresTestPrefix(): string {
  return `xqt5_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}_`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates an empty database (or a clone of `template`) on the test server; returns its URL. */
export async function createPostgresDatabase(
  adminUrl: string,
  name: string,
  template?: string,
): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"${template ? ` template "${template}"` : ""}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}

export async function dropPostgresDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
