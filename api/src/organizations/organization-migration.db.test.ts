import { copyFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyRawDatabase, type RawTestDatabase } from "../../test/support/test-database.js";
import { applyMigrations, MIGRATIONS_DIR, readMigrationFiles } from "../db/migrations.js";
import { DEFAULT_ORGANIZATION_ID } from "./organization-service.js";

const FIRST_ORGANIZATION_MIGRATION = "20261202090000";

let database: RawTestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

/** A directory with the migrations before organisations only. */
async function migrationsBeforeOrganizations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xqt5-before-orgs-"));
  for (const migration of await readMigrationFiles()) {
    if (migration.version < FIRST_ORGANIZATION_MIGRATION) {
      await copyFile(path.join(MIGRATIONS_DIR, migration.file), path.join(dir, migration.file));
    }
  }
  return dir;
}

describe("the organisations migration on a database with data", () => {
  it("puts every existing row into the default organisation; the first account operates the platform", async () => {
    database = await createEmptyRawDatabase();
    const sql = database.sql;
    await applyMigrations(sql, { dir: await migrationsBeforeOrganizations() });
    // A row in every table, as a server of the previous version has them.
    await sql.exec(`
      insert into app_users (id, username, username_key, email, password_hash, is_admin)
        values ('00000000-0000-4000-8000-0000000000a1', 'erste', 'erste', 'erste@example.com', 'x', true),
               ('00000000-0000-4000-8000-0000000000a2', 'zweite', 'zweite', 'zweite@example.com', 'x', false);
      insert into app_first_account (claimed, user_id) values (true, '00000000-0000-4000-8000-0000000000a1')
        on conflict do nothing;
      insert into app_sessions (user_id, refresh_token_hash, expires_at)
        values ('00000000-0000-4000-8000-0000000000a2', 'h', now() + interval '1 day');
      insert into app_api_keys (user_id, name, key_hash, key_prefix)
        values ('00000000-0000-4000-8000-0000000000a2', 'k', 'khash', 'xqt5_');
      insert into assistants (id, user_id, name, system_prompt)
        values ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000a2', 'Mein', 'p');
      insert into prompt_templates (user_id, name, content) values ('00000000-0000-4000-8000-0000000000a2', 't', 'c');
      insert into chats (id, user_id, assistant_id)
        values ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a2',
                '00000000-0000-4000-8000-0000000000b1');
      insert into chat_messages (id, chat_id, role, content)
        values ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000c1', 'user', 'Hallo'),
               ('00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-0000000000c1', 'assistant', 'Hi');
      insert into chat_token_usage (user_id, chat_id, message_id, model, provider)
        values ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-0000000000c1',
                '00000000-0000-4000-8000-0000000000d2', 'openai/gpt-5.1', 'openai');
    `);
    const tables = [
      "app_users",
      "app_sessions",
      "app_api_keys",
      "assistants",
      "prompt_templates",
      "chats",
      "chat_messages",
      "chat_token_usage",
      "app_first_account",
    ];
    const before = Object.fromEntries(
      await Promise.all(
        tables.map(async (table) => [
          table,
          (await sql.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]?.n,
        ]),
      ),
    );

    await applyMigrations(sql);

    for (const table of tables) {
      const rows = await sql.query<{ n: number; in_default: number }>(
        `select count(*)::int as n, count(*) filter (where org_id = $1::uuid)::int as in_default from ${table}`,
        [DEFAULT_ORGANIZATION_ID],
      );
      expect({ table, ...rows[0] }).toEqual({ table, n: before[table], in_default: before[table] });
    }
    const messages = await sql.query<{ user_id: string }>("select distinct user_id from chat_messages");
    expect(messages).toEqual([{ user_id: "00000000-0000-4000-8000-0000000000a2" }]);
    const users = await sql.query<{ username: string; is_admin: boolean; is_platform_admin: boolean }>(
      "select username, is_admin, is_platform_admin from app_users order by username",
    );
    expect(users).toEqual([
      { username: "erste", is_admin: true, is_platform_admin: true },
      { username: "zweite", is_admin: false, is_platform_admin: false },
    ]);
    const [organization] = await sql.query("select slug, is_active from organizations");
    expect(organization).toEqual({ slug: "default", is_active: true });
  });
});
