import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { codeOf, dataOf } from "../../test/support/graphql-results.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import {
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";
import { testDbKind } from "../../test/support/test-database.js";

// An organisation's admins manage its people: the list with usage and groups, deactivation that ends
// access at once, the rule that an organisation keeps an admin (also when two admins race), deletion
// with or without erasing the person's data, and one-time links to choose a new password.

const fake = useFakeProviderServer();
let app: TestApp;
let operator: SignedIn; // first account: admin of the default organisation

/** The data of a result that must have succeeded. */

const ADMIN_USER_FIELDS = `id username email isActive isAdmin createdAt lastActiveAt
  groups { id name } usageThisMonth { requests costUsd }`;

interface AdminUser {
  id: string;
  username: string;
  email: string;
  isActive: boolean;
  isAdmin: boolean;
  lastActiveAt: string | null;
  groups: { id: string; name: string }[];
  usageThisMonth: { requests: number; costUsd: number };
}

interface AdminUsers {
  adminUsers: {
    totalCount: number;
    edges: { cursor: string; node: AdminUser }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const ADMIN_USERS = `query($search: String, $includeInactive: Boolean, $first: Int, $after: String) {
  adminUsers(search: $search, includeInactive: $includeInactive, first: $first, after: $after) {
    totalCount edges { cursor node { ${ADMIN_USER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { id isActive isAdmin } }`;
const DELETE_USER = `mutation($id: ID!, $erase: Boolean) {
  deleteUser(id: $id, eraseData: $erase) { id username email isActive } }`;
const RESET_LINK = `mutation($id: ID!) { resetUserPassword(id: $id) { url expiresAt } }`;
const RESET_PASSWORD = `mutation($token: String!, $password: String!) {
  resetPassword(token: $token, newPassword: $password) }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }`;
const ME = `{ me { id } }`;

async function adminUsers(variables: Record<string, unknown>, by: SignedIn = operator) {
  return dataOf(await app.gql<AdminUsers>(ADMIN_USERS, variables, { token: by.accessToken })).adminUsers;
}

async function adminUser(user: SignedIn): Promise<AdminUser | undefined> {
  const list = await adminUsers({ search: user.user.username, includeInactive: true });
  return list.edges.map((edge) => edge.node).find((node) => node.id === user.user.id);
}

function login(login: string, password: string) {
  return app.gql<{ login: { accessToken: string; refreshToken: string } }>(LOGIN, {
    input: { login, password },
  });
}

async function updateUser(by: SignedIn, id: string, input: Record<string, unknown>) {
  return app.gql<{ updateUser: { id: string; isActive: boolean; isAdmin: boolean } }>(
    UPDATE_USER,
    { id, input },
    { token: by.accessToken },
  );
}

async function chatAndWait(user: SignedIn, content: string) {
  fake.server.setScenario({ text: "Eine Antwort", chunking: "words" });
  const chat = await createChat(app, user);
  const pair = await sendMessage(app, user, { chatId: chat.id, content });
  const answer = await waitForAnswer(app, user, chat.id, pair.assistantMessage.id);
  expect(answer.status).toBe("COMPLETE");
  return chat;
}

async function newKey(user: SignedIn): Promise<string> {
  const result = await app.gql<{ createApiKey: { secret: string } }>(
    `mutation { createApiKey(input: { name: "Skript" }) { secret } }`,
    {},
    { token: user.accessToken },
  );
  return dataOf(result).createApiKey.secret;
}

/** A new organisation (made by the operator) whose first admins join by invitation. */
async function organizationWithAdmins(slug: string, count: number): Promise<SignedIn[]> {
  const created = await app.gql<{ createOrganization: { id: string } }>(
    `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`,
    { input: { name: `Org ${slug}`, slug } },
    { token: operator.accessToken },
  );
  const orgId = dataOf(created).createOrganization.id;
  const admins: SignedIn[] = [];
  for (let index = 0; index < count; index++) {
    const email = `admin${index}@${slug}.example`;
    const invitation = await app.gql<{ createInvitation: { token: string } }>(
      `mutation($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }`,
      { input: { email, role: "ADMIN", organizationId: orgId } },
      { token: operator.accessToken },
    );
    const token = dataOf(invitation).createInvitation.token;
    const registered = await app.gql<{ register: SignedIn }>(REGISTER, {
      input: { ...newCredentials(slug), email, invitationToken: token },
    });
    admins.push(dataOf(registered).register);
  }
  return admins;
}

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), PUBLIC_APP_URL: "https://chat.example.com" });
  operator = await registerUser(app, "operator");
});
afterAll(() => app?.close());

describe("the list of people", () => {
  it("finds people by name or e-mail, leaves out deactivated ones unless asked, and pages with a total", async () => {
    const tag = `lst${randomBytes(2).toString("hex")}`;
    const named = [await registerUser(app, tag), await registerUser(app, tag), await registerUser(app, tag)];
    const byMail = dataOf(
      await app.gql<{ register: SignedIn }>(REGISTER, {
        input: { ...newCredentials("plain"), email: `post-${tag}@firma.example` },
      }),
    ).register;
    await registerUser(app, "elsewhere");

    const found = await adminUsers({ search: tag.toUpperCase() });
    expect(found.totalCount).toBe(4);
    expect(found.edges.map((edge) => edge.node.id).sort()).toEqual(
      [...named, byMail].map((user) => user.user.id).sort(),
    );
    const mail = await adminUsers({ search: `post-${tag}@FIRMA` });
    expect(mail.edges.map((edge) => edge.node.id)).toEqual([byMail.user.id]);
    expect(mail.totalCount).toBe(1);

    const deactivated = named[2]!;
    expect(dataOf(await updateUser(operator, deactivated.user.id, { isActive: false })).updateUser).toEqual({
      id: deactivated.user.id,
      isActive: false,
      isAdmin: false,
    });
    const activeOnly = await adminUsers({ search: tag });
    expect(activeOnly.totalCount).toBe(3);
    expect(activeOnly.edges.map((edge) => edge.node.id)).not.toContain(deactivated.user.id);
    const everyone = await adminUsers({ search: tag, includeInactive: true });
    expect(everyone.totalCount).toBe(4);
    expect(everyone.edges.find((edge) => edge.node.id === deactivated.user.id)?.node.isActive).toBe(false);

    // By name, two to a page.
    const first = await adminUsers({ search: tag, includeInactive: true, first: 2 });
    expect(first.edges).toHaveLength(2);
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await adminUsers({
      search: tag,
      includeInactive: true,
      first: 2,
      after: first.pageInfo.endCursor,
    });
    expect(second.edges).toHaveLength(2);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const paged = [...first.edges, ...second.edges].map((edge) => edge.node);
    expect(paged.map((node) => node.id)).toEqual(everyone.edges.map((edge) => edge.node.id));
    const names = paged.map((node) => node.username);
    expect(names).toEqual([...names].sort());
  });

  it("shows each person's usage this month, when they last signed in, and their groups", async () => {
    const talker = await registerUser(app, "talker");
    const quiet = await registerUser(app, "quiet");
    await chatAndWait(talker, "Hallo");
    const talkerRow = await adminUser(talker);
    expect(talkerRow?.usageThisMonth.requests).toBeGreaterThanOrEqual(1);
    expect(talkerRow?.usageThisMonth.costUsd).toBeGreaterThan(0);
    expect((await adminUser(quiet))?.usageThisMonth).toEqual({ requests: 0, costUsd: 0 });

    await app.database.owner.user.update({ where: { id: quiet.user.id }, data: { lastActiveAt: null } });
    expect((await adminUser(quiet))?.lastActiveAt).toBeNull();
    const before = Date.now();
    dataOf(await login(quiet.user.username, quiet.password));
    const lastActiveAt = (await adminUser(quiet))?.lastActiveAt;
    expect(lastActiveAt).not.toBeNull();
    expect(new Date(lastActiveAt!).getTime()).toBeGreaterThanOrEqual(before - 1_000);

    const group = dataOf(
      await app.gql<{ createGroup: { id: string } }>(
        `mutation { createGroup(input: { name: "Redaktion" }) { id } }`,
        {},
        { token: operator.accessToken },
      ),
    ).createGroup;
    dataOf(
      await app.gql(
        `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
        { g: group.id, u: [talker.user.id] },
        { token: operator.accessToken },
      ),
    );
    expect((await adminUser(talker))?.groups).toEqual([{ id: group.id, name: "Redaktion" }]);
    expect((await adminUser(quiet))?.groups).toEqual([]);
  });
});

describe("deactivation", () => {
  it("ends a signed-in person's access at the next request; reactivated, they sign in anew", async () => {
    const member = await registerUser(app, "leaving");
    const secret = await newKey(member);
    expect(codeOf(await app.gql(ME, {}, { token: member.accessToken }))).toBeUndefined();
    expect(codeOf(await app.gql(ME, {}, { token: secret }))).toBeUndefined();

    dataOf(await updateUser(operator, member.user.id, { isActive: false }));
    const withToken = await app.gql(ME, {}, { token: member.accessToken });
    expect(codeOf(withToken)).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { t: member.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(ME, {}, { token: secret }))).toBe("UNAUTHENTICATED");
    const refused = await login(member.user.username, member.password);
    expect(refused.errors?.[0]).toMatchObject({
      message: "This account is deactivated",
      extensions: { code: "UNAUTHENTICATED" },
    });

    expect(dataOf(await updateUser(operator, member.user.id, { isActive: true })).updateUser.isActive).toBe(
      true,
    );
    const again = dataOf(await login(member.user.email, member.password)).login;
    const me = await app.gql<{ me: { id: string } }>(ME, {}, { token: again.accessToken });
    expect(me.data?.me.id).toBe(member.user.id);
    // What was ended stays ended.
    expect(codeOf(await app.gql(ME, {}, { token: member.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { t: member.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(ME, {}, { token: secret }))).toBe("UNAUTHENTICATED");
  });
});

describe("an organisation keeps an admin", () => {
  it("an admin cannot deactivate, demote or delete themself", async () => {
    const self = operator.user.id;
    const deactivate = await updateUser(operator, self, { isActive: false });
    expect(deactivate.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "isActive" });
    const demote = await updateUser(operator, self, { isAdmin: false });
    expect(demote.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "isAdmin" });
    const deleted = await app.gql(DELETE_USER, { id: self }, { token: operator.accessToken });
    expect(codeOf(deleted)).toBe("CONFLICT");
    const row = await app.database.owner.user.findUniqueOrThrow({ where: { id: self } });
    expect(row).toMatchObject({ isActive: true, isAdmin: true, deletedAt: null });
  });

  it("the database refuses to leave an organisation without an active admin", async () => {
    const [solo] = await organizationWithAdmins("solo", 1);
    for (const data of [{ isAdmin: false }, { isActive: false }, { deletedAt: new Date() }]) {
      await expect(app.database.owner.user.update({ where: { id: solo!.user.id }, data })).rejects.toThrow(
        /LAST_ADMIN/,
      );
    }
    const row = await app.database.owner.user.findUniqueOrThrow({ where: { id: solo!.user.id } });
    expect(row).toMatchObject({ isActive: true, isAdmin: true, deletedAt: null });
  });

  it("two admins demoting each other at the same moment: one wins, the other gets LAST_ADMIN", async () => {
    const [first, second] = (await organizationWithAdmins("race", 2)) as [SignedIn, SignedIn];
    const orgId = (await app.database.owner.user.findUniqueOrThrow({ where: { id: first.user.id } })).orgId;
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        updateUser(first, second.user.id, { isAdmin: false }),
        updateUser(second, first.user.id, { isAdmin: false }),
      ]);
      const codes = results.map((result) => codeOf(result) ?? "ok");
      outcomes.push(codes.join("/"));
      expect(codes.filter((code) => code === "ok")).toHaveLength(1);
      // The loser either ran into the rule, or (its request started after the winner's ended) was no
      // admin any more.
      expect(["LAST_ADMIN", "FORBIDDEN"]).toContain(codes.find((code) => code !== "ok"));
      const admins = await app.database.owner.user.findMany({
        where: { orgId, isAdmin: true, isActive: true, deletedAt: null },
      });
      expect(admins).toHaveLength(1);
      const [winner, loser] = codes[0] === "ok" ? [first, second] : [second, first];
      expect(admins[0]!.id).toBe(winner.user.id);
      dataOf(await updateUser(winner, loser.user.id, { isAdmin: true }));
    }
    // On Postgres the requests overlap: both were admins' when they began, and the rule decided. PGlite
    // has one connection, and there the second request began after the first had ended.
    if (testDbKind() === "postgres") {
      expect(outcomes.filter((outcome) => outcome.includes("LAST_ADMIN")).length).toBeGreaterThan(0);
    }
  });
});

describe("deleting a person", () => {
  it("takes them off the list and out of the platform; their usage and (unless erased) their chats stay", async () => {
    const leaving = await registerUser(app, "deleted");
    const chat = await chatAndWait(leaving, "Bleibt");
    const secret = await newKey(leaving);
    const deleted = await app.gql<{ deleteUser: { id: string; username: string; isActive: boolean } }>(
      DELETE_USER,
      { id: leaving.user.id },
      { token: operator.accessToken },
    );
    expect(dataOf(deleted).deleteUser).toMatchObject({
      id: leaving.user.id,
      username: leaving.user.username,
      isActive: false,
    });
    expect(await adminUser(leaving)).toBeUndefined();
    expect(codeOf(await login(leaving.user.username, leaving.password))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(ME, {}, { token: leaving.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(ME, {}, { token: secret }))).toBe("UNAUTHENTICATED");
    const owner = app.database.owner;
    expect(await owner.tokenUsage.count({ where: { userId: leaving.user.id } })).toBeGreaterThan(0);
    expect(await owner.chat.count({ where: { id: chat.id } })).toBe(1);
    const row = await owner.user.findUniqueOrThrow({ where: { id: leaving.user.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.email).toBe(leaving.user.email);
    // Gone for the admins too: no second deletion, no changes.
    expect(codeOf(await app.gql(DELETE_USER, { id: leaving.user.id }, { token: operator.accessToken }))).toBe(
      "NOT_FOUND",
    );
    expect(codeOf(await updateUser(operator, leaving.user.id, { isActive: true }))).toBe("NOT_FOUND");
  });

  it("with eraseData, also deletes their chats and personal assistants and anonymises them", async () => {
    const erased = await registerUser(app, "erased");
    const chat = await chatAndWait(erased, "Weg damit");
    const assistant = dataOf(
      await app.gql<{ createAssistant: { id: string } }>(
        `mutation { createAssistant(input: { name: "Meiner", systemPrompt: "p" }) { id } }`,
        {},
        { token: erased.accessToken },
      ),
    ).createAssistant;
    const deleted = dataOf(
      await app.gql<{ deleteUser: { username: string; email: string; isActive: boolean } }>(
        DELETE_USER,
        { id: erased.user.id, erase: true },
        { token: operator.accessToken },
      ),
    ).deleteUser;
    expect(deleted.isActive).toBe(false);
    expect(deleted.username).not.toContain("erased");
    expect(deleted.email).not.toBe(erased.user.email);
    const owner = app.database.owner;
    const row = await owner.user.findUniqueOrThrow({ where: { id: erased.user.id } });
    expect(row.username).toBe(deleted.username);
    expect(row.email).toMatch(/@deleted\.invalid$/);
    expect(await owner.chat.count({ where: { userId: erased.user.id } })).toBe(0);
    expect(await owner.chat.count({ where: { id: chat.id } })).toBe(0);
    expect(await owner.assistant.count({ where: { id: assistant.id } })).toBe(0);
    const usage = await owner.tokenUsage.findMany({ where: { userId: erased.user.id } });
    expect(usage.length).toBeGreaterThan(0);
    expect(usage.every((entry) => entry.chatId === null)).toBe(true);
    expect(codeOf(await login(erased.user.email, erased.password))).toBe("UNAUTHENTICATED");
    // Their name and address are free again.
    const reused = await app.gql(REGISTER, {
      input: { ...newCredentials("reuse"), username: erased.user.username, email: erased.user.email },
    });
    expect(reused.errors).toBeUndefined();
  });
});

describe("password reset links", () => {
  async function resetLink(user: SignedIn) {
    const result = await app.gql<{ resetUserPassword: { url: string; expiresAt: string } }>(
      RESET_LINK,
      { id: user.user.id },
      { token: operator.accessToken },
    );
    const link = dataOf(result).resetUserPassword;
    expect(link.url).toMatch(/^https:\/\/chat\.example\.com\/#reset=[\w-]{20,}$/);
    return { ...link, token: link.url.split("#reset=")[1]! };
  }

  it("work once: the new password applies; the old one, every session, API key and other link end", async () => {
    const forgetful = await registerUser(app, "forgetful");
    const key = await newKey(forgetful);
    const older = await resetLink(forgetful);
    const link = await resetLink(forgetful);
    const hours = (new Date(link.expiresAt).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThanOrEqual(24);

    const newPassword = "a brand new passphrase";
    const redeemed = await app.gql(RESET_PASSWORD, { token: link.token, password: newPassword });
    expect(redeemed.data).toEqual({ resetPassword: true });
    const twice = await app.gql(RESET_PASSWORD, { token: link.token, password: "yet another passphrase" });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "token" });

    expect(codeOf(await app.gql(ME, {}, { token: forgetful.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { t: forgetful.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(forgetful.user.username, forgetful.password))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(forgetful.user.username, "yet another passphrase"))).toBe("UNAUTHENTICATED");
    expect(dataOf(await login(forgetful.user.username, newPassword)).login.accessToken).toBeTruthy();
    // A reset may follow a takeover: the account's API keys and its other links are over as well.
    expect(codeOf(await app.gql(ME, {}, { token: key }))).toBe("UNAUTHENTICATED");
    const other = await app.gql(RESET_PASSWORD, {
      token: older.token,
      password: "an older link's passphrase",
    });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "token" });
  });

  it("are made by a signed-in admin only, not with an API key", async () => {
    const someone = await registerUser(app, "someone");
    const adminKey = await newKey(operator);
    const byKey = await app.gql(RESET_LINK, { id: someone.user.id }, { token: adminKey });
    expect(codeOf(byKey)).toBe("FORBIDDEN");
    expect(await app.database.owner.passwordReset.count({ where: { userId: someone.user.id } })).toBe(0);
  });

  it("an expired or unknown link is refused and changes nothing", async () => {
    const late = await registerUser(app, "late");
    const link = await resetLink(late);
    await app.database.owner.passwordReset.updateMany({
      where: { userId: late.user.id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    const expired = await app.gql(RESET_PASSWORD, { token: link.token, password: "too late a password" });
    expect(expired.errors?.[0]).toMatchObject({
      message: "This link has expired; ask your admin for a new one",
      extensions: { code: "BAD_USER_INPUT" },
    });
    const unknown = await app.gql(RESET_PASSWORD, {
      token: "no-such-token",
      password: "too late a password",
    });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(codeOf(await login(late.user.username, "too late a password"))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(ME, {}, { token: late.accessToken }))).toBeUndefined();
  });

  it("a deactivated person gets no link", async () => {
    const inactive = await registerUser(app, "inactive");
    dataOf(await updateUser(operator, inactive.user.id, { isActive: false }));
    const refused = await app.gql(RESET_LINK, { id: inactive.user.id }, { token: operator.accessToken });
    expect(codeOf(refused)).toBe("CONFLICT");
    expect(await app.database.owner.passwordReset.count({ where: { userId: inactive.user.id } })).toBe(0);
  });
});
