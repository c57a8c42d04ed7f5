import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { chatListWhere } from "../src/chats/chat-service.js";
import { openDatabase } from "../src/db/database.js";
import { applyMigrations } from "../src/db/migrations.js";
import { PGLITE_EXTENSIONS } from "../src/db/pglite-extensions.js";
import { type RequestIdentity, runAs } from "../src/db/request-identity.js";
import { pgliteExecutor } from "../src/db/sql-executor.js";
import { PrismaClient } from "../src/generated/prisma/client.js";
import { createPostgresDatabase, dropPostgresDatabase } from "../test/support/postgres.js";

// What row-level security costs the two reads people make most: the chat list (30 newest chats) and a
// history page (50 messages of a long chat). The same rows, the same queries, read two ways in one run:
// as the API does (runtime role, identity set per transaction, policies) and as the owner without RLS.
// The ratio of the two medians is the figure (target ≤ 1.3×); runs alternate so noise hits both alike.

const ORGS = 4;
const USERS_PER_ORG = 5;
const CHATS_PER_USER = 200;
const MESSAGES_IN_LONG_CHAT = 2_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);

interface Target {
  label: string;
  api: PrismaClient;
  owner: PrismaClient;
  seed: (sql: string) => Promise<void>;
  /** Once the rows are in: PGlite has one session, so the owner reads a copy of its own. */
  seeded?: () => Promise<void>;
  close(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  await applyMigrations(pgliteExecutor(pglite));
  const database = await openDatabase({ pglite });
  let copy: PGlite | undefined;
  const target: Target = {
    label: "PGlite (embedded)",
    api: database.prisma,
    owner: new PrismaClient({ adapter: new PrismaPGlite(pglite) }),
    seed: async (sql) => {
      await pglite.exec(sql);
    },
    seeded: async () => {
      copy = await PGlite.create({ loadDataDir: await pglite.dumpDataDir(), extensions: PGLITE_EXTENSIONS });
      await target.owner.$disconnect();
      target.owner = new PrismaClient({ adapter: new PrismaPGlite(copy) });
    },
    close: async () => {
      await target.owner.$disconnect();
      await database.close();
      await pglite.close();
      await copy?.close();
    },
  };
  return target;
}

async function postgresTarget(adminUrl: string): Promise<Target> {
  const name = `xqt5_rls_bench_${Date.now().toString(36)}`;
  const url = await createPostgresDatabase(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, migrate: true });
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const owner = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    label: "PostgreSQL",
    api: database.prisma,
    owner,
    seed: async (sql) => {
      await pool.query(sql);
    },
    close: async () => {
      await owner.$disconnect();
      await pool.end();
      await database.close();
      await dropPostgresDatabase(adminUrl, name);
    },
  };
}

/** Organisations, users and their chats, and one long chat of the measured user. */
async function seed(target: Target): Promise<{ identity: RequestIdentity; longChatId: string }> {
  await target.seed(`
    insert into organizations (id, name, slug)
      select ('00000000-0000-4000-8000-' || lpad(o::text, 12, '0'))::uuid, 'Org ' || o, 'bench-' || o
      from generate_series(1, ${ORGS}) o;
    insert into app_users (id, org_id, username, email, password_hash)
      select ('00000000-0000-4000-9000-' || lpad((o * 100 + u)::text, 12, '0'))::uuid,
             ('00000000-0000-4000-8000-' || lpad(o::text, 12, '0'))::uuid,
             'bench_' || o || '_' || u, 'bench' || o || '_' || u || '@example.com', 'x'
      from generate_series(1, ${ORGS}) o, generate_series(1, ${USERS_PER_ORG}) u;
    insert into chats (org_id, user_id, title, updated_at)
      select u.org_id, u.id, 'Chat ' || c, now() - c * interval '1 minute'
      from app_users u, generate_series(1, ${CHATS_PER_USER}) c where u.username like 'bench_%';
    insert into chat_messages (org_id, user_id, chat_id, role, content, created_at)
      select c.org_id, c.user_id, c.id, case when m % 2 = 0 then 'user' else 'assistant' end,
             repeat('Inhalt ', 40), now() - (${MESSAGES_IN_LONG_CHAT} - m) * interval '1 second'
      from chats c, generate_series(1, ${MESSAGES_IN_LONG_CHAT}) m where c.title = 'Chat 1';
    analyze;
  `);
  await target.seeded?.();
  const user = await target.owner.user.findFirstOrThrow({ where: { username: "bench_2_3" } });
  const longChat = await target.owner.chat.findFirstOrThrow({ where: { userId: user.id, title: "Chat 1" } });
  return {
    identity: { userId: user.id, orgId: user.orgId, orgAdmin: false, platformAdmin: false },
    longChatId: longChat.id,
  };
}

const chatList = (prisma: PrismaClient, userId: string) =>
  prisma.chat.findMany({
    where: chatListWhere(userId),
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 31,
  });
const historyPage = (prisma: PrismaClient, chatId: string) =>
  prisma.message.findMany({ where: { chatId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 51 });

async function timed(run: () => Promise<unknown[]>, expected: number): Promise<number> {
  const start = performance.now();
  const rows = await run();
  const elapsed = performance.now() - start;
  if (rows.length !== expected) throw new Error(`expected ${expected} rows, got ${rows.length}`);
  return elapsed;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function measure(target: Target) {
  const { identity, longChatId } = await seed(target);
  const reads = {
    "chat list (30 of 200 chats)": {
      withRls: () => runAs(identity, async () => chatList(target.api, identity.userId)),
      without: () => chatList(target.owner, identity.userId),
      rows: 31,
    },
    [`history page (50 of ${MESSAGES_IN_LONG_CHAT} messages)`]: {
      withRls: () => runAs(identity, async () => historyPage(target.api, longChatId)),
      without: () => historyPage(target.owner, longChatId),
      rows: 51,
    },
  };
  const results: { read: string; withRls: number; without: number; ratio: number }[] = [];
  for (const [read, { withRls, without, rows }] of Object.entries(reads)) {
    for (let warm = 0; warm < 30; warm++) {
      await timed(withRls, rows);
      await timed(without, rows);
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always meets a warmer cache.
      if (round % 2 === 0) {
        a.push(await timed(withRls, rows));
        b.push(await timed(without, rows));
      } else {
        b.push(await timed(without, rows));
        a.push(await timed(withRls, rows));
      }
    }
    results.push({ read, withRls: median(a), without: median(b), ratio: median(a) / median(b) });
  }
  // Without an identity the same query sees nothing: RLS is really what was measured.
  const unseen = await runAs(null, async () => chatList(target.api, identity.userId));
  if (unseen.length !== 0) throw new Error("the API's client read chats without an identity");
  return results;
}

const targets: (() => Promise<Target>)[] = [pgliteTarget];
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) targets.push(() => postgresTarget(adminUrl));

console.log(`Row-level security overhead: p50 of ${ROUNDS} reads each, with RLS (API) vs without (owner)\n`);
let worst = 0;
for (const open of targets) {
  const target = await open();
  try {
    for (const result of await measure(target)) {
      worst = Math.max(worst, result.ratio);
      console.log(
        `${target.label.padEnd(18)} ${result.read.padEnd(38)} with RLS ${result.withRls.toFixed(2).padStart(6)} ms` +
          `   without ${result.without.toFixed(2).padStart(6)} ms   ratio ${result.ratio.toFixed(2)}×`,
      );
    }
  } finally {
    await target.close();
  }
}
console.log(`\nRLS overhead ratio (worst p50): ${worst.toFixed(2)}× (target ≤ 1.30×)`);
if (!adminUrl) console.log("(set BENCH_DATABASE_URL=postgres://… to measure PostgreSQL too)");
