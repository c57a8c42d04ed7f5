import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { type RequestIdentity, runAs } from "../db/request-identity.js";
import { verifyAuditChain } from "./audit-log.js";
import { pruneAuditLog } from "./audit-retention.js";
import { AuditTrail, type ForwardedAuditEntry } from "./audit-trail.js";

// The audit log's guarantees, at the database: entries chained by hash per organisation (also when many
// are written at once), no UPDATE or DELETE for the API's role (nor for the owner, unless it switches
// triggers off — and then verification names what it changed), entries only with the change they
// record, and retention as the one path that deletes.

let database: TestDatabase;
let orgId: string;
const forwarded: ForwardedAuditEntry[] = [];
let audit: AuditTrail;
const admin = (): RequestIdentity => ({ userId: randomUUID(), orgId, orgAdmin: true, platformAdmin: false });

beforeAll(async () => {
  database = await createMigratedDatabase();
  // An organisation of its own, so the chains of other test files' entries do not matter here.
  orgId = randomUUID();
  await database.owner.organization.create({
    data: { id: orgId, name: "Chain AG", slug: `chain-${orgId.slice(0, 8)}` },
  });
  audit = new AuditTrail(database.prisma, { enabled: true, forward: (entry) => forwarded.push(entry) });
}, 60_000);

afterAll(() => database?.close());

const AUDIT_BREAKS_SQL = "select * from app_audit_breaks($1::timestamptz, $2::timestamptz)";

/** Every chain, as the owner verifies them, and this file's organisation's own result. */
async function verifyOwn() {
  const all = await verifyAuditChain(database.owner, null, null);
  const rows = await database.owner.$queryRawUnsafe<
    { org_id: string | null; problem: string | null; broken_id: string | null; checked: bigint }[]
  >(AUDIT_BREAKS_SQL, null, null);
  return { all, mine: rows.find((row) => row.org_id === orgId) };
}

const entriesOfOrg = () => database.owner.auditEntry.findMany({ where: { orgId }, orderBy: { seq: "asc" } });

/** Changes rows behind the triggers' back, as an owner with a superuser's power could. */
async function tamper(sql: string) {
  await database.owner.$transaction([
    database.owner.$executeRawUnsafe("set local session_replication_role = replica"),
    database.owner.$executeRawUnsafe(sql),
  ]);
}

describe("the chain", () => {
  it("links every entry to the previous one of its organisation, also when 30 are written at once", async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        runAs(admin(), () =>
          audit.record({ action: "group.created", target: { type: "group", id: `g${index}` } }),
        ),
      ),
    );
    const entries = await entriesOfOrg();
    expect(entries).toHaveLength(30);
    expect(entries[0]!.prevHash).toBeNull();
    for (let index = 1; index < entries.length; index++) {
      expect(entries[index]!.prevHash).toBe(entries[index - 1]!.hash);
    }
    expect(new Set(entries.map((entry) => entry.hash)).size).toBe(30);
    const { mine } = await verifyOwn();
    expect(mine).toMatchObject({ problem: null, broken_id: null });
    expect(Number(mine!.checked)).toBe(30);
  });

  it("forwards an entry once it is committed, with the request's actor", async () => {
    const identity = admin();
    forwarded.length = 0;
    await runAs(identity, () =>
      audit.record({
        action: "settings.updated",
        changes: { registrationOpen: { before: true, after: false } },
      }),
    );
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatchObject({
      action: "settings.updated",
      orgId,
      actor: { type: "user", id: identity.userId },
    });
    expect(forwarded[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("append-only", () => {
  it("refuses UPDATE and DELETE to the API's role", async () => {
    await runAs(admin(), async () => {
      await expect(database.prisma.$executeRaw`update app_audit_log set reason = 'edited'`).rejects.toThrow();
      await expect(database.prisma.$executeRaw`delete from app_audit_log`).rejects.toThrow();
      await expect(database.prisma.auditEntry.deleteMany({})).rejects.toThrow();
    });
    expect(await entriesOfOrg()).toHaveLength(31);
  });

  it("refuses them to the owner too, while the trigger is on", async () => {
    await expect(database.owner.$executeRaw`update app_audit_log set reason = 'edited'`).rejects.toThrow(
      /append-only/,
    );
    await expect(database.owner.$executeRaw`delete from app_audit_log`).rejects.toThrow(/append-only/);
    await expect(database.owner.$executeRawUnsafe("truncate app_audit_log")).rejects.toThrow(/append-only/);
  });

  it("writes an entry only with the change it records: a change that fails leaves none", async () => {
    const before = (await entriesOfOrg()).length;
    forwarded.length = 0;
    await expect(
      runAs(admin(), () =>
        audit.change(
          async () => {
            throw new Error("the change failed");
          },
          { action: "group.deleted" },
        ),
      ),
    ).rejects.toThrow("the change failed");
    // The work ran first and failed; an entry written in the same transaction must be gone too.
    await expect(
      runAs(admin(), () =>
        audit.change(
          async (tx) => {
            await tx.$queryRaw`select 1`;
            return "done";
          },
          () => {
            throw new Error("describing failed");
          },
        ),
      ),
    ).rejects.toThrow("describing failed");
    expect(await entriesOfOrg()).toHaveLength(before);
    expect(forwarded).toHaveLength(0);
    const result = await runAs(admin(), () =>
      audit.change(
        async () => "renamed",
        (value) => ({ action: "group.updated", reason: value }),
      ),
    );
    expect(result).toBe("renamed");
    expect((await entriesOfOrg()).at(-1)).toMatchObject({ action: "group.updated", reason: "renamed" });
  });

  it("writes nothing when the audit log is switched off", async () => {
    const before = (await entriesOfOrg()).length;
    const off = new AuditTrail(database.prisma, { enabled: false });
    await runAs(admin(), () => off.record({ action: "group.created" }));
    expect(await entriesOfOrg()).toHaveLength(before);
  });

  it("refuses an entry for another organisation, for the platform, or without an identity", async () => {
    const before = await database.owner.auditEntry.count();
    await expect(
      runAs(admin(), () => audit.record({ action: "group.created", orgId: randomUUID() })),
    ).rejects.toThrow();
    // Only platform operators write the platform's log (a comparison with null must not pass).
    await expect(
      runAs(admin(), () => audit.record({ action: "organization.updated", orgId: null })),
    ).rejects.toThrow();
    // Before anyone is known, only sign-in events (of the account named).
    await expect(runAs(null, () => audit.record({ action: "group.created", orgId }))).rejects.toThrow();
    await runAs(null, () =>
      audit.record({ action: "auth.sign_in", outcome: "failure", orgId, actor: { type: "anonymous" } }),
    );
    expect(await database.owner.auditEntry.count()).toBe(before + 1);
  });
});

describe("verification", () => {
  it("names an entry whose content the owner altered", async () => {
    const entries = await entriesOfOrg();
    const victim = entries[5]!;
    await tamper(`update app_audit_log set reason = 'nothing happened' where id = '${victim.id}'`);
    const { mine } = await verifyOwn();
    expect(mine).toMatchObject({ broken_id: victim.id, problem: "altered" });
    const { all } = await verifyOwn();
    expect(all.ok).toBe(false);
  });

  it("names the entry after one the owner removed", async () => {
    const entries = await entriesOfOrg();
    // Undo the earlier alteration by removing that entry: now the chain has a gap there.
    await tamper(`delete from app_audit_log where id = '${entries[5]!.id}'`);
    const { mine } = await verifyOwn();
    expect(mine).toMatchObject({ broken_id: entries[6]!.id, problem: "chain" });
  });
});

describe("retention", () => {
  it("deletes old entries through the one path allowed to, records that, and leaves a verifiable chain", async () => {
    const retained = randomUUID();
    await database.owner.organization.create({
      data: { id: retained, name: "Alt GmbH", slug: `alt-${retained.slice(0, 8)}` },
    });
    const as = { userId: randomUUID(), orgId: retained, orgAdmin: true, platformAdmin: false };
    for (const index of [1, 2, 3, 4]) {
      await runAs(as, () =>
        audit.record({ action: "user.updated", target: { type: "user", id: `u${index}` } }),
      );
    }
    // Age the first two by 500 days and the third by 10, and chain everything again, as if they had
    // been written then.
    await database.owner.$transaction([
      database.owner.$executeRawUnsafe("set local session_replication_role = replica"),
      database.owner.$executeRawUnsafe(`
        do $$
        declare r record; previous text; position integer := 0;
        begin
          for r in select id, seq from app_audit_log where org_id = '${retained}' order by seq loop
            position := position + 1;
            if position <= 2 then
              update app_audit_log set at = at - interval '500 days' where id = r.id;
            elsif position = 3 then
              update app_audit_log set at = at - interval '10 days' where id = r.id;
            end if;
            update app_audit_log set prev_hash = previous where id = r.id;
            update app_audit_log e set hash = app_audit_hash(e) where id = r.id returning hash into previous;
          end loop;
        end $$`),
    ]);
    const check = async () =>
      (
        await database.owner.$queryRawUnsafe<{ org_id: string; problem: string | null; checked: bigint }[]>(
          AUDIT_BREAKS_SQL,
          null,
          null,
        )
      ).find((row) => row.org_id === retained);
    expect(await check()).toMatchObject({ problem: null });
    await runAs(as, async () => {
      await expect(
        database.prisma.$executeRaw`delete from app_audit_log where org_id = ${retained}::uuid`,
      ).rejects.toThrow();
    });

    // Asked for a retention of one day (as a compromised caller could), it still keeps 30: the entry
    // from 10 days ago stays, the two from 500 days ago go.
    expect(await pruneAuditLog(database.prisma, 1)).toBeGreaterThanOrEqual(2);
    const left = await database.owner.auditEntry.findMany({
      where: { orgId: retained },
      orderBy: { seq: "asc" },
    });
    expect(left.map((entry) => entry.action)).toEqual(["user.updated", "user.updated", "audit.pruned"]);
    expect(left[0]!.at.getTime()).toBeLessThan(Date.now() - 9 * 86_400_000);
    expect(left[2]!.changes).toMatchObject({ removed: 2, retentionDays: 30 });
    expect(await check()).toMatchObject({ problem: null, checked: 3n });
    // An organisation's own retention wins over the default.
    await database.owner.organization.update({
      where: { id: retained },
      data: { auditRetentionDays: 36_500 },
    });
    await pruneAuditLog(database.prisma, 1);
    expect(await database.owner.auditEntry.count({ where: { orgId: retained } })).toBe(3);
    // Nor can an organisation's own retention be set below the floor, even by the owner.
    await expect(
      database.owner.organization.update({ where: { id: retained }, data: { auditRetentionDays: 7 } }),
    ).rejects.toThrow();
  });
});
