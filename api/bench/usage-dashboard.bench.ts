import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { type RequestIdentity, runAs } from "../src/db/request-identity.js";
import { PrismaClient } from "../src/generated/prisma/client.js";
import { usageReport } from "../src/usage/usage-report.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";

// The Analytics screen at a company's scale: 1,000,000 usage events over 120 days (50 people, 8 models,
// some API keys), then the 90-day dashboard as the PWA loads it — cost per day by model, top users, top
// models, per API key, totals and the month's projection — through the API's code (runtime role, RLS),
// beside the same aggregation as one raw SQL query over the rollup, and over the events themselves (what
// the rollup saves). Also: what writing the rollup costs each event (trigger on vs off). Target: the
// dashboard query < 200 ms p50. PostgreSQL only (BENCH_DATABASE_URL or TEST_DATABASE_URL).

const EVENTS = Number(process.env.BENCH_USAGE_EVENTS ?? 1_000_000);
const USERS = 50;
const MODELS = [
  "openai/gpt-5.1",
  "openai/gpt-4.1-mini",
  "anthropic/claude-sonnet-4-5",
  "anthropic/claude-haiku-4-5",
  "google/gemini-2.5-flash",
  "mistral/mistral-large-latest",
  "xai/grok-4",
  "ollama/llama3.2",
];
const DAYS = 120;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const TRIGGER_SAMPLE = 20_000;
const ORG = "00000000-0000-4000-8000-0000000000aa";

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.log("usage dashboard: skipped (set BENCH_DATABASE_URL=postgres://… to measure it)");
  process.exit(0);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await run();
  return [performance.now() - start, result];
}

const name = `xqt5_usage_bench_${Date.now().toString(36)}`;
const url = await createPostgresDatabase(adminUrl, name);
const database = await openDatabase({ databaseUrl: url, migrate: true });
const pool = new pg.Pool({ connectionString: url, max: 2 });
const owner = new PrismaClient({ adapter: new PrismaPg(pool) });

/** The events: user u uses three models; five people also call through an API key of their own. */
const eventsSql = (count: number, offset: number) => `
  insert into chat_token_usage (org_id, user_id, api_key_id, model, provider, purpose, prompt_tokens,
    completion_tokens, cached_tokens, reasoning_tokens, total_tokens, estimated_cost, first_token_ms, duration_ms,
    outcome, created_at)
  select '${ORG}', ('00000000-0000-4000-9000-' || lpad(u::text, 12, '0'))::uuid,
         case when u <= 5 and n % 4 = 0 then ('00000000-0000-4000-a000-' || lpad(u::text, 12, '0'))::uuid end,
         m.id, split_part(m.id, '/', 1), case when n % 10 = 0 then 'title' else 'chat' end,
         200 + n % 3000, 50 + n % 800, n % 200, 0, 250 + n % 3800, (250 + n % 3800) * 0.000002,
         150 + (n * 37) % 2500, 800 + (n * 53) % 20000,
         case when n % 50 = 0 then 'stopped' else 'completed' end,
         now() - random() * ${DAYS} * interval '1 day'
  from generate_series(${offset + 1}, ${offset + count}) as n
  cross join lateral (select 1 + floor(random() * ${USERS})::int + n * 0 as u) as pick
  cross join lateral (select (array[${MODELS.map((model) => `'${model}'`).join(", ")}])[1 + (u + floor(random() * 3)::int * 3) % ${MODELS.length}] as id) as m`;

try {
  await pool.query(`
    insert into organizations (id, name, slug) values ('${ORG}', 'Bench AG', 'bench-ag');
    insert into app_users (id, org_id, username, email, password_hash, is_admin)
      select ('00000000-0000-4000-9000-' || lpad(u::text, 12, '0'))::uuid, '${ORG}', 'bench_' || u,
             'bench' || u || '@example.com', 'x', u = 1
      from generate_series(1, ${USERS}) u;
    insert into app_api_keys (id, org_id, user_id, name, key_hash, key_prefix)
      select ('00000000-0000-4000-a000-' || lpad(u::text, 12, '0'))::uuid, '${ORG}',
             ('00000000-0000-4000-9000-' || lpad(u::text, 12, '0'))::uuid, 'Script ' || u, 'hash' || u, 'xqt5_' || u
      from generate_series(1, 5) u;`);

  // What the rollup trigger costs each event: the same rows written with triggers on and off.
  const client = await pool.connect();
  await client.query("select setseed(0.17)");
  const [withTrigger] = await timed(() => client.query(eventsSql(TRIGGER_SAMPLE, 0)));
  await client.query("set session_replication_role = replica");
  const [withoutTrigger] = await timed(() => client.query(eventsSql(TRIGGER_SAMPLE, TRIGGER_SAMPLE)));
  // The bulk of the million without triggers, then the rollup built once (as app_rebuild_usage_daily does).
  const [loaded] = await timed(() =>
    client.query(eventsSql(EVENTS - 2 * TRIGGER_SAMPLE, 2 * TRIGGER_SAMPLE)),
  );
  await client.query("set session_replication_role = origin");
  const [rebuilt, rollupRows] = await timed(async () => {
    const result = await client.query<{ rows: string }>("select app_rebuild_usage_daily() as rows");
    await client.query("analyze chat_token_usage; analyze app_usage_daily");
    return Number(result.rows[0]!.rows);
  });
  client.release();
  const events = Number((await pool.query("select count(*) from chat_token_usage")).rows[0].count);
  console.log(
    `usage events: ${events.toLocaleString("en")} over ${DAYS} days, ${rollupRows.toLocaleString("en")} rollup rows` +
      ` (bulk load ${(loaded / 1000).toFixed(1)} s, rollup rebuilt in ${(rebuilt / 1000).toFixed(1)} s)`,
  );
  console.log(
    `rollup trigger: ${((withTrigger / TRIGGER_SAMPLE) * 1000).toFixed(1)} µs per event with it, ` +
      `${((withoutTrigger / TRIGGER_SAMPLE) * 1000).toFixed(1)} µs without (${TRIGGER_SAMPLE.toLocaleString("en")} events each)`,
  );

  const admin: RequestIdentity = {
    userId: "00000000-0000-4000-9000-000000000001",
    orgId: ORG,
    orgAdmin: true,
    platformAdmin: false,
  };
  const to = new Date();
  const period = { from: new Date(to.getTime() - 90 * 86_400_000), to };
  const report = (groupBy: Parameters<typeof usageReport>[3]) =>
    runAs(admin, () => usageReport(database.prisma, ORG, period, groupBy));
  // The Analytics screen's queries, as the PWA sends them at once.
  const dashboard = () =>
    Promise.all([report(["DAY", "MODEL"]), report(["USER"]), report(["MODEL"]), report(["API_KEY"])]);
  const first = new Date(period.from).toISOString().slice(0, 10);
  const last = new Date(to.getTime() - 1).toISOString().slice(0, 10);
  const histogram = Array.from({ length: 21 }, (_, index) => `sum(first_token_buckets[${index + 1}])`).join(
    ", ",
  );
  // The same sums as one plain SQL statement each, as the owner: over the organisation-wide rollup (what
  // DAY × MODEL reads) and over the per-person one (what top users reads).
  const rawModels = () =>
    pool.query(`select day, model, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd), ${histogram}
                from app_usage_daily_models where org_id = '${ORG}' and day between '${first}' and '${last}'
                group by 1, 2 order by 1`);
  const rawUsers = () =>
    pool.query(`select user_id, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd), ${histogram}
                from app_usage_daily where org_id = '${ORG}' and day between '${first}' and '${last}'
                group by 1 order by 5 desc`);
  const rawEvents = () =>
    pool.query(`select (created_at at time zone 'UTC')::date, model, count(*), sum(prompt_tokens),
                       sum(completion_tokens), sum(estimated_cost)
                from chat_token_usage where org_id = '${ORG}' and created_at >= '${first}' and created_at < '${last}'::date + 1
                group by 1, 2 order by 1`);

  // The API's answer must be the events' own sums.
  const [check] = await dashboard();
  const expected =
    await pool.query(`select count(*)::int as n, sum(estimated_cost)::float8 as cost from chat_token_usage
    where org_id = '${ORG}' and created_at >= '${first}' and created_at < '${last}'::date + 1`);
  if (check.totals.requests !== expected.rows[0].n) {
    throw new Error(`dashboard says ${check.totals.requests} requests, the events ${expected.rows[0].n}`);
  }
  if (Math.abs(check.totals.costUsd - expected.rows[0].cost) > 1e-6)
    throw new Error("dashboard cost differs from the events");

  const series: Record<string, number[]> = {
    dayByModel: [],
    byUser: [],
    dashboard: [],
    rawModels: [],
    rawUsers: [],
    rawEvents: [],
  };
  for (let warm = 0; warm < 3; warm++) await dashboard();
  for (let round = 0; round < ROUNDS; round++) {
    series.dayByModel!.push((await timed(() => report(["DAY", "MODEL"])))[0]);
    series.rawModels!.push((await timed(rawModels))[0]);
    series.byUser!.push((await timed(() => report(["USER"])))[0]);
    series.rawUsers!.push((await timed(rawUsers))[0]);
    series.dashboard!.push((await timed(dashboard))[0]);
    if (round < 5) series.rawEvents!.push((await timed(rawEvents))[0]);
  }
  const line = (label: string, values: number[]) =>
    console.log(
      `${label.padEnd(64)} p50 ${median(values).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 0.95).toFixed(1).padStart(7)} ms`,
    );
  console.log(`\n90-day dashboard at ${events.toLocaleString("en")} events (${ROUNDS} rounds):`);
  line("organizationUsage(DAY, MODEL) through the API (RLS)", series.dayByModel!);
  line("  raw SQL over the organisation-wide rollup (owner)", series.rawModels!);
  line("organizationUsage(USER) through the API (RLS)", series.byUser!);
  line("  raw SQL over the per-person rollup (owner)", series.rawUsers!);
  line("whole dashboard: 4 reports at once through the API", series.dashboard!);
  line("the same day × model sums over the events themselves (owner)", series.rawEvents!);
  const ratio = (a: string, b: string) => (median(series[a]!) / median(series[b]!)).toFixed(2);
  console.log(
    `\ndashboard query (DAY × MODEL) p50 ${median(series.dayByModel!).toFixed(1)} ms (target < 200 ms), ` +
      `${ratio("dayByModel", "rawModels")}× its raw query; top users ${median(series.byUser!).toFixed(1)} ms, ` +
      `${ratio("byUser", "rawUsers")}× its raw query; reading the events instead: ${median(series.rawEvents!).toFixed(0)} ms`,
  );
} finally {
  await owner.$disconnect();
  await pool.end();
  await database.close();
  await dropPostgresDatabase(adminUrl, name);
}
