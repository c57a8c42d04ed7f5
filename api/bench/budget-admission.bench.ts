import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrations.js";
import { PGLITE_EXTENSIONS } from "../src/db/pglite-extensions.js";
import { type RequestIdentity, runAs } from "../src/db/request-identity.js";
import { pgliteExecutor } from "../src/db/sql-executor.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { DEFAULT_ORGANIZATION_ID } from "../src/organizations/organization-service.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";

// What the budget check adds to sendMessage: the one statement app_budget_admit, with four budgets that
// apply (organisation, group, person, a model-filtered one), against the same request's cheapest round trip
// (select 1 as the same identity) in the same run, alternating. Target: ≤ 2 ms p50 added.

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2_000);
const USER_ID = randomUUID();
const GROUP_ID = randomUUID();
const identity: RequestIdentity = {
  userId: USER_ID,
  orgId: DEFAULT_ORGANIZATION_ID,
  orgAdmin: false,
  platformAdmin: false,
};

const seedSql = `
  insert into app_users (id, org_id, username, email, password_hash)
    values ('${USER_ID}', '${DEFAULT_ORGANIZATION_ID}', 'bench', 'bench@example.com', 'x');
  insert into app_groups (id, org_id, name) values ('${GROUP_ID}', '${DEFAULT_ORGANIZATION_ID}', 'Bench');
  insert into app_group_members (group_id, user_id, org_id) values ('${GROUP_ID}', '${USER_ID}', '${DEFAULT_ORGANIZATION_ID}');
  insert into app_budgets (org_id, scope, limit_usd, period) values ('${DEFAULT_ORGANIZATION_ID}', 'ORGANIZATION', 1000000, 'MONTH');
  insert into app_budgets (org_id, scope, group_id, limit_usd, period) values ('${DEFAULT_ORGANIZATION_ID}', 'GROUP', '${GROUP_ID}', 1000000, 'WEEK');
  insert into app_budgets (org_id, scope, user_id, limit_usd, period) values ('${DEFAULT_ORGANIZATION_ID}', 'USER', '${USER_ID}', 1000000, 'DAY');
  insert into app_budgets (org_id, scope, user_id, limit_usd, period, models)
    values ('${DEFAULT_ORGANIZATION_ID}', 'USER', '${USER_ID}', 1000000, 'MONTH', '{openai/gpt-4.1-mini}');`;

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))] ?? 0;

async function measure(label: string, prisma: PrismaClient) {
  const admit: number[] = [];
  const reference: number[] = [];
  const once = async () => {
    let started = performance.now();
    await runAs(identity, async () => await prisma.$queryRaw`select 1`);
    reference.push(performance.now() - started);
    started = performance.now();
    await runAs(
      identity,
      async () =>
        await prisma.$queryRaw`select * from app_budget_admit(${randomUUID()}::uuid, null::uuid, 'openai/gpt-4.1-mini',
        0.0000076::numeric, 0.0000016::numeric, 16384, 64)`,
    );
    admit.push(performance.now() - started);
  };
  for (let round = 0; round < 100; round++) await once(); // warm-up
  admit.length = 0;
  reference.length = 0;
  for (let round = 0; round < ROUNDS; round++) await once();
  const added = percentile(admit, 0.5) - percentile(reference, 0.5);
  console.log(
    `${label}: admission p50 ${percentile(admit, 0.5).toFixed(2)} ms, p99 ${percentile(admit, 0.99).toFixed(2)} ms; ` +
      `reference round trip p50 ${percentile(reference, 0.5).toFixed(2)} ms; added p50 ${added.toFixed(2)} ms ` +
      `(target ≤ 2 ms) ${added <= 2 ? "✓" : "✗"}`,
  );
}

async function onPglite() {
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  await applyMigrations(pgliteExecutor(pglite));
  await pglite.exec(seedSql);
  const database = await openDatabase({ pglite });
  await measure("PGlite (embedded)", database.prisma);
  await database.close();
  await pglite.close();
}

async function onPostgres(url: string) {
  const name = `xqt5_budget_bench_${Date.now().toString(36)}`;
  const databaseUrl = await createPostgresDatabase(url, name);
  const database = await openDatabase({ databaseUrl, migrate: true });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(seedSql);
  await client.end();
  await measure("PostgreSQL", database.prisma);
  await database.close();
  await dropPostgresDatabase(url, name);
}

console.log(`budget admission, ${ROUNDS} rounds, 4 applying budgets`);
await onPglite();
const url = process.env.BENCH_DATABASE_URL;
if (url) await onPostgres(url);
else
  console.log(
    "PostgreSQL: set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to measure it",
  );
