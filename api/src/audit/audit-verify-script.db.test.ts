import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, inject, it } from "vitest";
import { createMigratedDatabase, testDbKind } from "../../test/support/test-database.js";
import { PGLITE_EXTENSIONS } from "../db/pglite-extensions.js";

// `npm run audit:verify`, as an operator runs it: the owner checks every chain, says "intact" with the
// count, and after a row was altered behind the triggers' back names that entry and exits 1. On Postgres
// through the URL, on the embedded database through its data folder.

const run = promisify(execFile);
const apiRoot = path.resolve(import.meta.dirname, "../..");

async function verify(env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/audit-verify.ts"], {
      cwd: apiRoot,
      env: { ...process.env, NODE_ENV: "test", DATABASE_URL: "", MIGRATION_DATABASE_URL: "", ...env },
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const SEED = `
  insert into app_audit_log (org_id, action, outcome, actor_type, actor_label, seq, hash)
  select '0e5a0000-0000-4000-8000-000000000001', 'group.created', 'success', 'system', 'seed', 0, ''
  from generate_series(1, 5)`;
const TAMPER = `
  set session_replication_role = replica;
  update app_audit_log set actor_label = 'someone else'
   where seq = (select seq from app_audit_log order by seq offset 2 limit 1);
  set session_replication_role = origin;`;
const VICTIM = "select id from app_audit_log order by seq offset 2 limit 1";

describe.runIf(testDbKind() === "postgres")("on Postgres", () => {
  it("reports an intact log, then the altered entry", async () => {
    const database = await createMigratedDatabase();
    try {
      await database.owner.$executeRawUnsafe(SEED);
      const intact = await verify({ DATABASE_URL: database.url! });
      expect(intact).toMatchObject({ code: 0 });
      expect(intact.output).toMatch(/audit log intact: 5 entries in 1 chains checked/);
      await database.owner.$transaction(
        TAMPER.split(";")
          .filter((sql) => sql.trim())
          .map((sql) => database.owner.$executeRawUnsafe(sql)),
      );
      const [victim] = await database.owner.$queryRawUnsafe<{ id: string }[]>(VICTIM);
      const broken = await verify({ DATABASE_URL: database.url! });
      expect(broken.code).toBe(1);
      expect(broken.output).toContain(`BROKEN at entry ${victim!.id}`);
      expect(broken.output).toContain("its content was changed");
    } finally {
      await database.close();
    }
  }, 60_000);
});

describe.runIf(testDbKind() === "pglite")("on the embedded database", () => {
  it("reports an intact log, then the altered entry", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "xqt5-audit-verify-"));
    try {
      const snapshot = await readFile(inject("pgliteSnapshot"));
      const pglite = await PGlite.create(path.join(dataDir, "pglite"), {
        loadDataDir: new Blob([snapshot]),
        extensions: PGLITE_EXTENSIONS,
      });
      await pglite.exec(SEED);
      await pglite.close();
      const intact = await verify({ DATA_DIR: dataDir });
      expect(intact).toMatchObject({ code: 0 });
      expect(intact.output).toMatch(/audit log intact: 5 entries in 1 chains checked/);

      const again = await PGlite.create(path.join(dataDir, "pglite"), { extensions: PGLITE_EXTENSIONS });
      await again.exec(TAMPER);
      const victim = (await again.query<{ id: string }>(VICTIM)).rows[0]!.id;
      await again.close();
      const broken = await verify({ DATA_DIR: dataDir });
      expect(broken.code).toBe(1);
      expect(broken.output).toContain(`BROKEN at entry ${victim}`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
