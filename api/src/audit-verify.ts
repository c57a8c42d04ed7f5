// `npm run audit:verify [-- --from 2026-01-01 --to 2026-12-31]`: recomputes the hash chain of every
// organisation's audit log as the database owner and names the first broken link of each (exit code 1).
// On the embedded database, stop the API first (one process owns its data folder); admins can also
// verify their organisation's log in the PWA (Administration → Audit log).
import { parseArgs } from "node:util";
import pg from "pg";
import { type AuditBreakRow, summarizeAuditBreaks } from "./audit/audit-log.js";
import { loadConfig } from "./config/env.js";
import type { SqlExecutor } from "./db/sql-executor.js";
import { pgClientExecutor, pgliteExecutor } from "./db/sql-executor.js";

const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
const dateOf = (value: string | undefined) => {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${value}`);
  return date;
};
const config = loadConfig();
const url = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;

const { executor, close } = await ownerConnection();
let intact = false;
try {
  const rows = await executor.query<AuditBreakRow>(
    "select * from app_audit_breaks($1::timestamptz, $2::timestamptz)",
    [dateOf(values.from), dateOf(values.to)],
  );
  const result = summarizeAuditBreaks(rows);
  if (result.ok) {
    console.log(`audit log intact: ${result.checked} entries in ${result.organizations} chains checked`);
  } else {
    const broken = result.firstBroken!;
    console.error(
      `audit log BROKEN at entry ${broken.entryId} (${broken.action}, ${broken.at.toISOString()}, organisation ${broken.orgId ?? "platform"}): ${
        broken.problem === "altered"
          ? "its content was changed after it was written"
          : "an entry before it was removed or inserted"
      }`,
    );
  }
  intact = result.ok;
} finally {
  await close();
}
// After closing: the embedded database's runtime resets the exit code when it shuts down.
process.exitCode = intact ? 0 : 1;

async function ownerConnection(): Promise<{ executor: SqlExecutor; close(): Promise<void> }> {
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { executor: pgClientExecutor(client), close: () => client.end() };
  }
  const { openEmbeddedPostgres } = await import("./db/embedded-postgres.js");
  const path = await import("node:path");
  const pglite = await openEmbeddedPostgres(path.join(config.DATA_DIR, "pglite"), {
    sharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
  });
  return { executor: pgliteExecutor(pglite), close: () => pglite.close() };
}
