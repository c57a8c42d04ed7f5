import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { codeOf, dataOf } from "../../test/support/graphql-results.js";
import {
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";
import { createMigratedDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { identityOf, type Viewer } from "../auth/viewer.js";
import { runAs } from "../db/request-identity.js";
import type { AuditEntry, Prisma } from "../generated/prisma/client.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { LastAdminError } from "../people/people-service.js";

// Every domain event writes its audit entry in the transaction of the change it records: who did it,
// from where, to what, with a redacted before/after — and nothing when the change did not happen.

const fake = useFakeProviderServer();
const CLIENT_IP = "203.0.113.7";
const CLIENT = { "x-forwarded-for": CLIENT_IP, "user-agent": "audit-test/1.0" };
let database: TestDatabase;
let app: TestApp;
let admin: SignedIn; // first account: platform operator and admin of the default organisation
let member: SignedIn & { password: string };

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`;

/** A GraphQL call from the test's client address, signed in as `by` (or not at all). */
function call<Data = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  by?: SignedIn,
  ip = CLIENT_IP,
) {
  return app.gql<Data>(query, variables, {
    token: by?.accessToken,
    headers: { ...CLIENT, "x-forwarded-for": ip },
  });
}

function entries(action: string, where: Prisma.AuditEntryWhereInput = {}): Promise<AuditEntry[]> {
  return database.owner.auditEntry.findMany({ where: { action, ...where }, orderBy: { seq: "asc" } });
}

async function onlyEntry(action: string, where: Prisma.AuditEntryWhereInput = {}): Promise<AuditEntry> {
  const found = await entries(action, where);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Everything an entry (or a list of them) says, as text. */
const textOf = (value: unknown) =>
  JSON.stringify(value, (_key, field) => (typeof field === "bigint" ? field.toString() : field));

const login = (loginName: string, password: string, ip?: string, by?: SignedIn) =>
  call(LOGIN, { input: { login: loginName, password } }, by, ip);

beforeAll(async () => {
  database = await createMigratedDatabase();
  app = await startTestApp({ TRUST_PROXY: "1" }, { database });
  admin = await registerUser(app, "auditadmin");
  member = await registerUser(app, "auditmember");
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe("accounts and sign-ins", () => {
  it("a registration records the new account and its sign-in, as that account", async () => {
    const created = await onlyEntry("user.created", { targetId: member.user.id });
    expect(created).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      outcome: "success",
      actorType: "user",
      actorId: member.user.id,
      actorLabel: member.user.username,
      targetType: "user",
      targetLabel: member.user.username,
      reason: "open registration",
    });
    const signIn = await onlyEntry("auth.sign_in", { targetId: member.user.id });
    expect(signIn).toMatchObject({ outcome: "success", actorId: member.user.id });
  });

  it("a wrong password: a failed auth.sign_in with the reason, the address and the account", async () => {
    const result = await login(member.user.username, "not the password at all");
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    const failure = await onlyEntry("auth.sign_in", { outcome: "failure", targetId: member.user.id });
    expect(failure).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      reason: "wrong password",
      actorType: "anonymous",
      actorId: null,
      targetType: "user",
      targetLabel: member.user.username,
      ip: CLIENT_IP,
      userAgent: "audit-test/1.0",
    });
    expect(failure.requestId).toBeTruthy();
    expect(textOf(failure)).not.toContain("not the password at all");
  });

  it("an unknown account: a platform entry that names no account", async () => {
    const before = await entries("auth.sign_in", { reason: "unknown account" });
    expect(codeOf(await login("nobody-of-ours", "whatever password"))).toBe("UNAUTHENTICATED");
    const after = await entries("auth.sign_in", { reason: "unknown account" });
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ orgId: null, outcome: "failure", targetId: null, ip: CLIENT_IP });
    expect(textOf(after.at(-1))).not.toContain("nobody-of-ours");
  });

  it("a successful sign-in: auth.sign_in success as the account, from its address", async () => {
    dataOf(await login(member.user.email, member.password));
    const signIns = await entries("auth.sign_in", { outcome: "success", targetId: member.user.id });
    expect(signIns).toHaveLength(2); // the registration's and this one
    expect(signIns[1]).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      actorType: "user",
      actorId: member.user.id,
      ip: CLIENT_IP,
    });
  });

  it("too many failures from one address: the refusal is recorded as rate limited", async () => {
    const ip = "198.51.100.9";
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(codeOf(await login(member.user.username, `wrong ${attempt}`, ip))).toBe("UNAUTHENTICATED");
    }
    expect(codeOf(await login(member.user.username, member.password, ip))).toBe("RATE_LIMITED");
    const limited = await onlyEntry("auth.sign_in", { reason: "rate limited", ip });
    expect(limited).toMatchObject({
      outcome: "failure",
      targetId: member.user.id,
      orgId: DEFAULT_ORGANIZATION_ID,
    });
  });

  it("a signed-in client failing another organisation's sign-in gets UNAUTHENTICATED, recorded in that organisation", async () => {
    const [foreignAdmin, orgId] = await organizationWithAdmin("audit-foreign");
    const result = await login(foreignAdmin.user.username, "wrong password here", CLIENT_IP, admin);
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    expect(
      await onlyEntry("auth.sign_in", { outcome: "failure", targetId: foreignAdmin.user.id }),
    ).toMatchObject({
      orgId,
      reason: "wrong password",
    });
  });
});

describe("people", () => {
  it("a deactivation names the admin who did it and the before/after; reactivation too", async () => {
    const person = await registerUser(app, "auditdeact");
    dataOf(await call(UPDATE_USER, { id: person.user.id, input: { isActive: false } }, admin));
    const deactivated = await onlyEntry("user.deactivated", { targetId: person.user.id });
    expect(deactivated).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      actorType: "user",
      actorId: admin.user.id,
      actorLabel: admin.user.username,
      targetLabel: person.user.username,
      changes: { isActive: { before: true, after: false } },
      ip: CLIENT_IP,
    });
    expect(codeOf(await login(person.user.username, person.password))).toBe("UNAUTHENTICATED");
    expect(await onlyEntry("auth.sign_in", { outcome: "failure", targetId: person.user.id })).toMatchObject({
      reason: "account deactivated",
    });
    dataOf(await call(UPDATE_USER, { id: person.user.id, input: { isActive: true, isAdmin: true } }, admin));
    expect(await onlyEntry("user.reactivated", { targetId: person.user.id })).toMatchObject({
      changes: { isActive: { before: false, after: true } },
    });
    expect(await onlyEntry("user.updated", { targetId: person.user.id })).toMatchObject({
      changes: { isAdmin: { before: false, after: true } },
    });
  });

  it("a change the database refuses (the last admin) leaves no entry", async () => {
    // A viewer whose admin role is stale (demoted a moment ago): only the database's rule stops it.
    const viewer: Viewer = {
      userId: member.user.id,
      orgId: DEFAULT_ORGANIZATION_ID,
      sessionId: null,
      isAdmin: true,
      isPlatformAdmin: false,
      apiKeyId: null,
      readOnly: false,
    };
    await database.owner.user.updateMany({
      where: { orgId: DEFAULT_ORGANIZATION_ID, isAdmin: true, id: { not: admin.user.id } },
      data: { isAdmin: false },
    });
    await expect(
      runAs(identityOf(viewer), () =>
        app.app.services.people.update(viewer, admin.user.id, { isActive: false }),
      ),
    ).rejects.toBeInstanceOf(LastAdminError);
    expect(await entries("user.deactivated", { targetId: admin.user.id })).toEqual([]);
    const row = await database.owner.user.findUniqueOrThrow({ where: { id: admin.user.id } });
    expect(row.isActive).toBe(true);
  });

  it("a reset link: issued without the link, redeemed in the account's organisation", async () => {
    const person = await registerUser(app, "auditreset");
    const issued = await call(
      `mutation($id: ID!) { resetUserPassword(id: $id) { url } }`,
      { id: person.user.id },
      admin,
    );
    const url = (dataOf(issued) as { resetUserPassword: { url: string } }).resetUserPassword.url;
    const token = url.split("#reset=")[1]!;
    const entry = await onlyEntry("user.password_reset_issued", { targetId: person.user.id });
    expect(entry.actorId).toBe(admin.user.id);
    expect(textOf(entry)).not.toContain(token);
    const reset = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
    dataOf(await call(reset, { t: token, p: "a brand new passphrase" }));
    expect(await onlyEntry("auth.password_reset", { targetId: person.user.id })).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      outcome: "success",
      actorId: person.user.id,
      ip: CLIENT_IP,
    });
    expect(codeOf(await call(reset, { t: token, p: "another new passphrase" }))).toBe("BAD_USER_INPUT");
    const failed = await entries("auth.password_reset", { outcome: "failure" });
    expect(failed.at(-1)).toMatchObject({ reason: "link used", orgId: null });
  });
});

describe("administration", () => {
  it("a provider key: set with its address, the key only as changed; tested with the provider's reason", async () => {
    const secretKey = "sk-audit-test-very-secret-key-9876";
    const set = `mutation($input: SetProviderKeyInput!) { setProviderKey(provider: "openai", input: $input) { keyHint } }`;
    const { keyHint } = (
      dataOf(
        await call(set, { input: { apiKey: secretKey, baseUrl: fake.server.baseUrls.openai } }, admin),
      ) as {
        setProviderKey: { keyHint: string };
      }
    ).setProviderKey;
    const first = await onlyEntry("provider_key.set");
    expect(first).toMatchObject({
      actorId: admin.user.id,
      targetType: "provider",
      targetId: "openai",
      changes: {
        apiKey: { before: null, after: "[redacted]" },
        baseUrl: { after: fake.server.baseUrls.openai },
      },
    });
    expect(textOf(first)).not.toContain(secretKey);
    expect(textOf(first.changes)).not.toContain(keyHint);

    // The address alone: the key stays, and the entry says nothing of it.
    dataOf(await call(set, { input: { baseUrl: `${fake.server.baseUrls.openai}/` } }, admin));
    dataOf(await call(set, { input: { baseUrl: "https://openai.example.com/v1" } }, admin));
    const later = await entries("provider_key.set");
    expect(later).toHaveLength(3);
    expect(later[2]!.changes).toEqual({
      baseUrl: { before: fake.server.baseUrls.openai, after: "https://openai.example.com/v1" },
    });
    dataOf(
      await call(set, { input: { apiKey: fake.server.apiKey, baseUrl: fake.server.baseUrls.openai } }, admin),
    );
    expect((await entries("provider_key.set"))[3]!.changes).toMatchObject({
      apiKey: { before: "[redacted]", after: "[redacted]" },
    });
    expect(textOf(await entries("provider_key.set"))).not.toContain(fake.server.apiKey);

    const test = `mutation { testProviderKey(provider: "openai") { ok error } }`;
    expect(dataOf(await call(test, {}, admin))).toMatchObject({ testProviderKey: { ok: true } });
    dataOf(await call(set, { input: { apiKey: "wrong-key", baseUrl: fake.server.baseUrls.openai } }, admin));
    const failed = dataOf(await call(test, {}, admin)) as { testProviderKey: { ok: boolean; error: string } };
    expect(failed.testProviderKey.ok).toBe(false);
    const tests = await entries("provider_key.tested");
    expect(tests.map((entry) => entry.outcome)).toEqual(["success", "failure"]);
    expect(tests[1]!.reason).toBe(failed.testProviderKey.error);

    dataOf(await call(`mutation { deleteProviderKey(provider: "openai") { provider } }`, {}, admin));
    dataOf(await call(`mutation { deleteProviderKey(provider: "openai") { provider } }`, {}, admin));
    expect(await entries("provider_key.deleted")).toHaveLength(1); // the second removed nothing
  });

  it("a member added to a group, once; removed, once", async () => {
    const person = await registerUser(app, "auditgroup");
    const created = await call(`mutation { createGroup(input: { name: "Audit Sales" }) { id } }`, {}, admin);
    const groupId = (dataOf(created) as { createGroup: { id: string } }).createGroup.id;
    expect(await onlyEntry("group.created", { targetId: groupId })).toMatchObject({
      targetType: "group",
      targetLabel: "Audit Sales",
      changes: { name: { after: "Audit Sales" } },
    });
    const add = `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`;
    dataOf(await call(add, { g: groupId, u: [person.user.id] }, admin));
    dataOf(await call(add, { g: groupId, u: [person.user.id] }, admin)); // already a member
    expect(await onlyEntry("group.member_added", { targetId: person.user.id })).toMatchObject({
      actorId: admin.user.id,
      targetType: "user",
      targetLabel: person.user.username,
      changes: { group: { after: "Audit Sales" }, groupId: { after: groupId } },
    });
    const remove = `mutation($g: ID!, $u: [ID!]!) { removeGroupMembers(groupId: $g, userIds: $u) { id } }`;
    dataOf(await call(remove, { g: groupId, u: [person.user.id] }, admin));
    dataOf(await call(remove, { g: groupId, u: [person.user.id] }, admin));
    expect(await entries("group.member_removed", { targetId: person.user.id })).toHaveLength(1);
  });

  it("an API key created and revoked, by its owner, never with its secret", async () => {
    const created = dataOf(
      await call(
        `mutation { createApiKey(input: { name: "Audit script", readOnly: true }) { secret apiKey { id } } }`,
        {},
        member,
      ),
    ) as { createApiKey: { secret: string; apiKey: { id: string } } };
    const { secret, apiKey } = created.createApiKey;
    const entry = await onlyEntry("api_key.created", { targetId: apiKey.id });
    expect(entry).toMatchObject({
      actorId: member.user.id,
      targetType: "api_key",
      targetLabel: "Audit script",
      changes: { readOnly: { after: true } },
    });
    expect(textOf(entry)).not.toContain(secret);
    expect(textOf(entry)).not.toContain(secret.slice(0, 12));
    const revoke = `mutation($id: ID!) { revokeApiKey(id: $id) }`;
    dataOf(await call(revoke, { id: apiKey.id }, member));
    expect(codeOf(await call(revoke, { id: apiKey.id }, member))).toBe("NOT_FOUND");
    expect(await onlyEntry("api_key.revoked", { targetId: apiKey.id })).toMatchObject({
      actorId: member.user.id,
    });
  });

  it("company-wide assistants are recorded without their system prompt; personal ones are not recorded", async () => {
    const create = `mutation($input: CreateAssistantInput!) { createAssistant(input: $input) { id } }`;
    const prompt = "You are the audit assistant; the secret word is marmalade.";
    const shared = dataOf(
      await call(create, { input: { name: "Audit helper", systemPrompt: prompt, isGlobal: true } }, admin),
    ) as { createAssistant: { id: string } };
    const entry = await onlyEntry("assistant.created", { targetId: shared.createAssistant.id });
    expect(entry).toMatchObject({ targetType: "assistant", targetLabel: "Audit helper" });
    expect(entry.changes).toMatchObject({ systemPrompt: { after: "[redacted]" }, isGlobal: { after: true } });
    expect(textOf(entry)).not.toContain("marmalade");
    const personal = dataOf(
      await call(create, { input: { name: "Mine", systemPrompt: "only mine" } }, member),
    ) as { createAssistant: { id: string } };
    expect(await entries("assistant.created", { targetId: personal.createAssistant.id })).toEqual([]);
  });

  it("a deleted chat is named by its id only", async () => {
    const chat = dataOf(
      await call(`mutation { createChat(input: { title: "My private plans" }) { id } }`, {}, member),
    ) as { createChat: { id: string } };
    dataOf(await call(`mutation($id: ID!) { deleteChat(id: $id) }`, { id: chat.createChat.id }, member));
    const entry = await onlyEntry("chat.deleted", { targetId: chat.createChat.id });
    expect(entry).toMatchObject({ actorId: member.user.id, targetType: "chat", targetLabel: null });
    expect(textOf(entry)).not.toContain("private plans");
  });

  it("organisation settings: only what changed, before and after", async () => {
    const update = `mutation($input: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { registrationOpen } }`;
    dataOf(await call(update, { input: { defaultTemperature: 0.3, registrationOpen: true } }, admin));
    expect(await onlyEntry("settings.updated")).toMatchObject({
      orgId: DEFAULT_ORGANIZATION_ID,
      targetType: "organization",
      targetId: DEFAULT_ORGANIZATION_ID,
      changes: { defaultTemperature: { before: null, after: 0.3 } },
    });
  });

  it("the audit log's retention is the organisation's to choose (within limits), and recorded", async () => {
    const update = `mutation($input: UpdateOrganizationSettingsInput!) {
      updateOrganizationSettings(input: $input) { auditRetentionDays serverAuditRetentionDays } }`;
    const set = dataOf(
      await call<{
        updateOrganizationSettings: { auditRetentionDays: number | null; serverAuditRetentionDays: number };
      }>(update, { input: { auditRetentionDays: 730 } }, admin),
    );
    expect(set.updateOrganizationSettings).toEqual({
      auditRetentionDays: 730,
      serverAuditRetentionDays: 400,
    });
    expect((await entries("settings.updated")).at(-1)?.changes).toMatchObject({
      auditRetentionDays: { before: null, after: 730 },
    });
    // Evidence is not thrown away within days, nor kept past a century.
    for (const days of [7, 40_000, 45.5]) {
      expect(codeOf(await call(update, { input: { auditRetentionDays: days } }, admin))).toBe(
        "BAD_USER_INPUT",
      );
    }
    const reset = dataOf(
      await call<{ updateOrganizationSettings: { auditRetentionDays: number | null } }>(
        update,
        { input: { auditRetentionDays: null } },
        admin,
      ),
    );
    expect(reset.updateOrganizationSettings.auditRetentionDays).toBeNull();
  });

  it("organisations and invitations into them are platform events; the invitation's use is the organisation's", async () => {
    const [invited, orgId] = await organizationWithAdmin("audit-platform");
    expect(await onlyEntry("organization.created", { targetId: orgId })).toMatchObject({
      orgId: null,
      actorId: admin.user.id,
      changes: { name: { after: "Org audit-platform" }, slug: { after: "audit-platform" } },
    });
    expect(
      await onlyEntry("invitation.created", { targetLabel: "admin@audit-platform.example" }),
    ).toMatchObject({
      orgId: null,
      changes: { role: { after: "admin" }, organizationId: { after: orgId } },
    });
    expect(await onlyEntry("invitation.used", { targetLabel: "admin@audit-platform.example" })).toMatchObject(
      {
        orgId,
        actorId: invited.user.id,
      },
    );
    expect(await onlyEntry("user.created", { targetId: invited.user.id })).toMatchObject({
      orgId,
      reason: "invitation",
      changes: { isAdmin: { after: true } },
    });
    const rename = `mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Renamed audit org" }) { id } }`;
    dataOf(await call(rename, { id: orgId }, admin));
    expect(await onlyEntry("organization.updated", { targetId: orgId })).toMatchObject({
      orgId: null,
      changes: { name: { before: "Org audit-platform", after: "Renamed audit org" } },
    });
  });

  it("every chain the entries were written into is intact", async () => {
    const breaks = await database.owner.$queryRaw<{ broken_id: string | null }[]>`
      select broken_id from app_audit_breaks(null, null)`;
    expect(breaks.length).toBeGreaterThan(1);
    expect(breaks.filter((row) => row.broken_id !== null)).toEqual([]);
  });
});

describe("with AUDIT_LOG_ENABLED=false", () => {
  it("nothing is written", async () => {
    const quiet = await startTestApp({ AUDIT_LOG_ENABLED: "false" }, { database });
    try {
      const before = await database.owner.auditEntry.count();
      const person = await registerUser(quiet, "auditquiet");
      expect(
        codeOf(await quiet.gql(LOGIN, { input: { login: person.user.username, password: "wrong!" } })),
      ).toBe("UNAUTHENTICATED");
      dataOf(
        await quiet.gql(
          `mutation { createApiKey(input: { name: "Quiet" }) { secret } }`,
          {},
          {
            token: person.accessToken,
          },
        ),
      );
      expect(await database.owner.auditEntry.count()).toBe(before);
    } finally {
      await quiet.close();
    }
  });
});

/** A new organisation (made by the operator) whose first admin joins by invitation; with its id. */
async function organizationWithAdmin(slug: string): Promise<[SignedIn, string]> {
  const created = await call(
    `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`,
    { input: { name: `Org ${slug}`, slug } },
    admin,
  );
  const orgId = (dataOf(created) as { createOrganization: { id: string } }).createOrganization.id;
  const email = `admin@${slug}.example`;
  const invitation = await call(
    `mutation($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }`,
    { input: { email, role: "ADMIN", organizationId: orgId } },
    admin,
  );
  const token = (dataOf(invitation) as { createInvitation: { token: string } }).createInvitation.token;
  const registered = await app.gql<{ register: SignedIn }>(REGISTER, {
    input: { ...newCredentials(slug.replace(/-/g, "")), email, invitationToken: token },
  });
  return [dataOf(registered).register, orgId];
}
