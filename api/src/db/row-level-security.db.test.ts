import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase, type TestDatabase } from "../../test/support/test-database.js";
import type { RequestIdentity } from "./request-identity.js";
import { identityStatement, RUNTIME_ROLE } from "./session-identity.js";

// Below the application: Postgres itself keeps organisations apart. Every table of our schema is
// found in the catalogue, so a table added without org_id or row-level security fails here.

let database: TestDatabase;
let tables: string[];
const orgA = randomUUID();
const orgB = randomUUID();
const userA = randomUUID();
const userB = randomUUID();

/** The column that says which organisation a row belongs to. */
const orgColumn = (table: string) => (table === "organizations" ? "id" : "org_id");

type Sql = (text: string, values?: unknown[]) => Promise<unknown[]>;

/** Runs `work` in a transaction as the runtime role with `identity` (none: nobody), then rolls it back. */
async function asRuntime<T>(identity: RequestIdentity | null, work: (sql: Sql) => Promise<T>): Promise<T> {
  const statement = identityStatement(identity, true);
  let result: T | undefined;
  await database.owner
    .$transaction(async (tx) => {
      await tx.$queryRawUnsafe(statement.text, ...statement.values);
      result = await work(
        async (text, values = []) => (await tx.$queryRawUnsafe(text, ...values)) as unknown[],
      );
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result as T;
}

/** The SQLSTATE Postgres refuses `text` with, or "ok". */
async function outcome(identity: RequestIdentity | null, text: string, values: unknown[] = []) {
  try {
    await asRuntime(identity, (sql) => sql(text, values));
    return "ok";
  } catch (error) {
    return sqlState(error);
  }
}

class Rollback extends Error {}

/** The SQLSTATE in a Prisma error (raw queries report it in one of two places). */
function sqlState(error: unknown): string {
  const meta = (
    error as { meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } } }
  ).meta;
  return meta?.driverAdapterError?.cause?.originalCode ?? meta?.code ?? String(error);
}

/** Per table and organisation: one of its rows, as JSON, with a fresh id and its unique values changed. */
const copies = new Map<string, unknown>();
const UNIQUE_TEXT = ["username", "username_key", "email", "key_hash", "token_hash", "slug"];

/** An INSERT of a copy of one of `org`'s rows of `table`. */
function insertCopy(table: string, org: string): [string, unknown[]] {
  return [
    `insert into ${table} select * from jsonb_populate_record(null::${table}, $1::jsonb)`,
    [JSON.stringify(copies.get(`${table}:${org}`))],
  ];
}

const member = (userId: string, orgId: string): RequestIdentity => ({
  userId,
  orgId,
  orgAdmin: false,
  platformAdmin: false,
});
const admin = (userId: string, orgId: string): RequestIdentity => ({
  ...member(userId, orgId),
  orgAdmin: true,
});

beforeAll(async () => {
  database = await createMigratedDatabase();
  const owner = database.owner;
  tables = (
    await owner.$queryRawUnsafe<{ table_name: string }[]>(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
  ).map((row) => row.table_name);
  // Two organisations with a row in every table (as the owner, who is not subject to the policies).
  for (const [org, user, name] of [
    [orgA, userA, "a"],
    [orgB, userB, "b"],
  ] as const) {
    await owner.$executeRawUnsafe(
      `insert into organizations (id, name, slug) values ($1::uuid, $2, $3)`,
      org,
      `Org ${name}`,
      `org-${name}-${org.slice(0, 8)}`,
    );
    await owner.$executeRawUnsafe(
      `insert into app_users (id, org_id, username, email, password_hash) values ($1::uuid, $2::uuid, $3, $4, 'x')`,
      user,
      org,
      `user_${name}_${org.slice(0, 6)}`,
      `${name}-${org.slice(0, 6)}@example.com`,
    );
    const chat = randomUUID();
    const message = randomUUID();
    const assistant = randomUUID();
    await owner.$executeRawUnsafe(
      `with s as (insert into app_sessions (org_id, user_id, refresh_token_hash, expires_at)
                  values ($1::uuid, $2::uuid, 'h', now() + interval '1 day')),
            k as (insert into app_api_keys (org_id, user_id, name, key_hash, key_prefix)
                  values ($1::uuid, $2::uuid, 'k', $3, 'xqt5_'))
       insert into prompt_templates (org_id, user_id, name, content) values ($1::uuid, $2::uuid, 't', 'c')`,
      org,
      user,
      `hash-${org}`,
    );
    await owner.$executeRawUnsafe(
      `insert into assistants (id, org_id, user_id, name, system_prompt) values ($1::uuid, $2::uuid, $3::uuid, 'a', 'p')`,
      assistant,
      org,
      user,
    );
    await owner.$executeRawUnsafe(
      `insert into chats (id, org_id, user_id, assistant_id) values ($1::uuid, $2::uuid, $3::uuid, $4::uuid)`,
      chat,
      org,
      user,
      assistant,
    );
    await owner.$executeRawUnsafe(
      `insert into chat_messages (id, org_id, user_id, chat_id, role, content) values ($1::uuid, $2::uuid, $3::uuid, $4::uuid, 'user', 'geheim')`,
      message,
      org,
      user,
      chat,
    );
    await owner.$executeRawUnsafe(
      `insert into chat_token_usage (org_id, user_id, chat_id, message_id, model, provider) values ($1::uuid, $2::uuid, $3::uuid, $4::uuid, 'm', 'p')`,
      org,
      user,
      chat,
      message,
    );
    await owner.$executeRawUnsafe(
      `insert into app_invitations (org_id, email, token_hash, created_by, expires_at) values ($1::uuid, $2, $3, $4::uuid, now() + interval '1 day')`,
      org,
      `invited-${name}@example.com`,
      `inv-${org}`,
      user,
    );
  }
  await owner.$executeRawUnsafe(
    `insert into app_first_account (claimed, user_id, org_id) values (true, $1::uuid, $2::uuid) on conflict do nothing`,
    userA,
    orgA,
  );
  for (const table of tables) {
    for (const org of [orgA, orgB]) {
      const [row] = await owner.$queryRawUnsafe<{ row: Record<string, unknown> }[]>(
        `select to_jsonb(t) as row from ${table} t where ${orgColumn(table)} = $1::uuid limit 1`,
        org,
      );
      const copy = { ...(row?.row ?? { org_id: org }) };
      if ("id" in copy) copy.id = randomUUID();
      for (const key of UNIQUE_TEXT) if (typeof copy[key] === "string") copy[key] = `${copy[key]}-copy`;
      if (table === "organizations") copy.id = org; // the organisation row itself: a second one with its id
      copies.set(`${table}:${org}`, copy);
    }
  }
});
afterAll(() => database?.close());

describe("row-level security, from the catalogue", () => {
  it("finds our tables", () => {
    expect(tables).toEqual(expect.arrayContaining(["organizations", "app_users", "chats", "chat_messages"]));
    expect(tables.length).toBeGreaterThanOrEqual(11);
  });

  it("every table has org_id, and row-level security enabled and forced", async () => {
    const rows = await database.owner.$queryRawUnsafe<
      { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; has_org: boolean }[]
    >(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity,
              exists (select 1 from information_schema.columns col
                      where col.table_schema = 'public' and col.table_name = c.relname
                        and col.column_name = 'org_id' and col.is_nullable = 'NO') as has_org
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r'`,
    );
    const problems = rows.flatMap((row) => [
      ...(row.relrowsecurity ? [] : [`${row.relname}: RLS not enabled`]),
      ...(row.relforcerowsecurity ? [] : [`${row.relname}: RLS not forced`]),
      // The audit log's platform events (organisations themselves) belong to no organisation.
      ...(row.has_org || ["organizations", "app_audit_log"].includes(row.relname)
        ? []
        : [`${row.relname}: no org_id not null`]),
    ]);
    expect(problems).toEqual([]);
    expect(rows.map((row) => row.relname).sort()).toEqual([...tables].sort());
  });

  it("the runtime role cannot bypass it and owns nothing", async () => {
    const [role] = await database.owner.$queryRawUnsafe<
      { rolbypassrls: boolean; rolsuper: boolean; owns: bigint }[]
    >(
      `select rolbypassrls, rolsuper,
              (select count(*) from pg_class c where c.relowner = r.oid) as owns
       from pg_roles r where rolname = $1`,
      RUNTIME_ROLE,
    );
    expect(role).toMatchObject({ rolbypassrls: false, rolsuper: false });
    expect(Number(role?.owns)).toBe(0);
  });

  it("with no identity, every table reads 0 rows and refuses inserts", async () => {
    const counts: Record<string, number> = {};
    const inserts: Record<string, string> = {};
    for (const table of tables) {
      counts[table] = await asRuntime(null, async (sql) => {
        const [row] = (await sql(`select count(*)::int as n from ${table}`)) as { n: number }[];
        return row?.n ?? -1;
      });
      inserts[table] = await outcome(null, ...insertCopy(table, orgA));
    }
    expect(counts).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
    // 42501: insufficient privilege or a row-level security policy; anything else would be a gap.
    expect(inserts).toEqual(Object.fromEntries(tables.map((table) => [table, "42501"])));
  });

  it("as a member (and as an admin) of A, B's rows are invisible and cannot be written", async () => {
    for (const identity of [member(userA, orgA), admin(userA, orgA)]) {
      const seen: Record<string, number> = {};
      const ownSeen: Record<string, number> = {};
      const written: Record<string, number | string> = {};
      for (const table of tables) {
        const column = orgColumn(table);
        await asRuntime(identity, async (sql) => {
          const [other] = (await sql(`select count(*)::int as n from ${table} where ${column} = $1::uuid`, [
            orgB,
          ])) as { n: number }[];
          const [own] = (await sql(`select count(*)::int as n from ${table} where ${column} = $1::uuid`, [
            orgA,
          ])) as { n: number }[];
          seen[table] = other?.n ?? -1;
          ownSeen[table] = own?.n ?? -1;
          const [changed] = (await sql(
            `with u as (update ${table} set ${column} = ${column} where ${column} = $1::uuid returning 1),
                  d as (delete from ${table} where ${column} = $1::uuid returning 1)
             select (select count(*) from u)::int + (select count(*) from d)::int as n`,
            [orgB],
          ).catch((error: unknown) => [{ n: sqlState(error) }])) as {
            n: number | string;
          }[];
          written[`${table} update/delete`] = changed?.n === 0 || changed?.n === "42501" ? 0 : 1;
        });
        written[`${table} insert`] = await outcome(identity, ...insertCopy(table, orgB));
      }
      expect(seen).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
      expect(written).toEqual(
        Object.fromEntries(
          tables.flatMap((table) => [
            [`${table} update/delete`, 0],
            [`${table} insert`, "42501"],
          ]),
        ),
      );
      // A's own private rows are there (the policies admit something at all).
      expect(ownSeen).toMatchObject({ chats: 1, chat_messages: 1, app_api_keys: 1, organizations: 1 });
    }
  });

  it("a row cannot reference a row of another organisation, even for the owner", async () => {
    const [chatB] = await database.owner.$queryRawUnsafe<{ id: string }[]>(
      "select id from chats where org_id = $1::uuid",
      orgB,
    );
    const refused = await database.owner
      .$executeRawUnsafe(
        `insert into chat_messages (org_id, user_id, chat_id, role, content) values ($1::uuid, $2::uuid, $3::uuid, 'user', 'x')`,
        orgA,
        userA,
        chatB?.id,
      )
      .then(
        () => "ok",
        (error: unknown) => sqlState(error),
      );
    expect(refused).toBe("23503");
  });
});
