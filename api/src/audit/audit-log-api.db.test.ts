import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, dataOf } from "../../test/support/graphql-results.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { runAs } from "../db/request-identity.js";
import { AUDIT_ACTIONS } from "./audit-actions.js";

// Reading the audit log: auditLog for the organisation's admins (filters, search, pages newest first),
// verifyAuditLog, and the CSV export streamed page by page; members are refused (and that is logged).

let app: TestApp;
let admin: SignedIn;
let member: SignedIn;

const ENTRY = `id at action outcome reason actor { type id label } target { type id label } requestId ip userAgent changes`;
const AUDIT_LOG = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } } }`;

interface Entry {
  id: string;
  at: string;
  action: string;
  outcome: string;
  reason: string | null;
  actor: { type: string; id: string | null; label: string | null };
  target: { type: string; id: string | null; label: string | null } | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  changes: Record<string, { before?: unknown; after?: unknown }> | null;
}
interface Page {
  auditLog: {
    edges: { cursor: string; node: Entry }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const auditLog = async (variables: Record<string, unknown>, by: SignedIn = admin) =>
  dataOf(await app.gql<Page>(AUDIT_LOG, variables, { token: by.accessToken })).auditLog;

const identity = () => ({ userId: admin.user.id, orgId: adminOrgId, orgAdmin: true, platformAdmin: false });
let adminOrgId: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await registerUser(app, "auditor");
  member = await registerUser(app, "member");
  adminOrgId = (await app.database.owner.user.findFirst({ where: { id: admin.user.id } }))!.orgId;
  const audit = app.app.services.audit;
  await runAs(identity(), async () => {
    await audit.record({
      action: "user.deactivated",
      target: { type: "user", id: member.user.id },
      changes: { isActive: { before: true, after: false } },
    });
    await audit.record({
      action: "provider_key.tested",
      outcome: "failure",
      reason: "the key was refused (401)",
    });
    await audit.record({ action: "group.created", target: { type: "group", id: "g-1", label: "Einkauf" } });
  });
}, 60_000);

afterAll(() => app?.close());

describe("auditLog", () => {
  it("lists the organisation's entries newest first, with actor and target names filled in", async () => {
    const page = await auditLog({ first: 50 });
    const actions = page.edges.map((edge) => edge.node.action);
    const written = ["user.deactivated", "provider_key.tested", "group.created"];
    expect(actions.filter((action) => written.includes(action))).toEqual([...written].reverse());
    const deactivated = page.edges.find((edge) => edge.node.action === "user.deactivated")!.node;
    expect(deactivated).toMatchObject({
      outcome: "SUCCESS",
      actor: { type: "USER", id: admin.user.id, label: admin.user.username },
      target: { type: "user", id: member.user.id, label: member.user.username },
      changes: { isActive: { before: true, after: false } },
    });
  });

  it("filters by action, outcome, actor, target, period and words", async () => {
    const failures = await auditLog({ filter: { outcome: "FAILURE" } });
    expect(failures.edges.length).toBeGreaterThan(0);
    expect(failures.edges.every((edge) => edge.node.outcome === "FAILURE")).toBe(true);
    expect(
      (await auditLog({ filter: { actions: ["group.created"] } })).edges.map(
        (edge) => edge.node.target?.label,
      ),
    ).toEqual(["Einkauf"]);
    const aboutMember = await auditLog({ filter: { targetType: "user", targetId: member.user.id } });
    expect(aboutMember.edges.map((edge) => edge.node.action)).toContain("user.deactivated");
    expect((await auditLog({ filter: { search: "einkauf" } })).edges).toHaveLength(1);
    expect(
      (await auditLog({ filter: { search: "refused 401" } })).edges.map((edge) => edge.node.action),
    ).toEqual(["provider_key.tested"]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await auditLog({ filter: { from: future } })).edges).toHaveLength(0);
    const byActor = await auditLog({ filter: { actorId: admin.user.id, actions: ["group.created"] } });
    expect(byActor.edges).toHaveLength(1);
  });

  it("pages through the entries without losing or repeating one", async () => {
    const all = await auditLog({ first: 100 });
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 20; round++) {
      const page: Page["auditLog"] = await auditLog({ first: 2, after });
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((edge) => edge.node.id));
  });

  it("is refused to members, and the refusal is itself an entry", async () => {
    const refused = await app.gql(AUDIT_LOG, {}, { token: member.accessToken });
    expect(codeOf(refused)).toBe("FORBIDDEN");
    const page = await auditLog({ filter: { actions: ["access.denied"], actorId: member.user.id } });
    expect(page.edges[0]?.node).toMatchObject({
      outcome: "DENIED",
      target: { type: "graphql_field", id: "auditLog" },
    });
    expect(page.edges[0]?.node.ip).toBeTruthy();
  });

  it("offers the fixed vocabulary of actions", async () => {
    const result = dataOf(
      await app.gql<{ auditActions: string[] }>("{ auditActions }", {}, { token: admin.accessToken }),
    );
    expect(result.auditActions).toEqual([...AUDIT_ACTIONS]);
    for (const action of result.auditActions) expect(action).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });
});

describe("verifyAuditLog", () => {
  it("reports an intact chain with the number of entries checked, and records the check", async () => {
    const VERIFY = `{ verifyAuditLog { ok checked firstBroken { entryId problem } } }`;
    const result = dataOf(
      await app.gql<{ verifyAuditLog: { ok: boolean; checked: number } }>(
        VERIFY,
        {},
        { token: admin.accessToken },
      ),
    );
    expect(result.verifyAuditLog.ok).toBe(true);
    const count = await app.database.owner.auditEntry.count({ where: { orgId: adminOrgId } });
    // The check's own entry is written after it counted.
    expect(result.verifyAuditLog.checked).toBe(count - 1);
    expect(codeOf(await app.gql(VERIFY, {}, { token: member.accessToken }))).toBe("FORBIDDEN");
  });
});

describe("GET /export/audit.csv", () => {
  it("streams every entry of the filter, across pages, as CSV", async () => {
    // 2,500 entries (the export reads 1,000 at a time), written as the database would chain them.
    await app.database.owner.$executeRawUnsafe(`
      insert into app_audit_log (org_id, action, outcome, actor_type, actor_label, target_type, target_id, seq, hash)
      select '${adminOrgId}', 'model_config.updated', 'success', 'system', 'bulk', 'model', 'openai/m' || n, 0, ''
      from generate_series(1, 2500) as n`);
    const response = await fetch(`${app.url}/export/audit.csv?actions=model_config.updated`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toMatch(/^at,action,outcome,reason,actorType/);
    expect(lines).toHaveLength(2501);
    const targets = new Set(lines.slice(1).map((line) => line.split(",")[8]));
    expect(targets.size).toBe(2500);
    // Newest first, as in the PWA.
    expect(lines[1]).toContain("openai/m2500");
    const verified = dataOf(
      await app.gql<{ verifyAuditLog: { ok: boolean } }>(
        "{ verifyAuditLog { ok } }",
        {},
        { token: admin.accessToken },
      ),
    );
    expect(verified.verifyAuditLog.ok).toBe(true);
  });

  it("is for admins", async () => {
    const response = await fetch(`${app.url}/export/audit.csv`, {
      headers: { authorization: `Bearer ${member.accessToken}` },
    });
    expect(response.status).toBe(403);
  });
});
