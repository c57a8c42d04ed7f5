import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { codeOf } from "../../test/support/graphql-results.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { createMigratedDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { KeyRing, SecretUnreadableError } from "../security/secret-box.js";
import { rotateProviderKeys } from "./key-rotation.js";
import { ProviderKeyStore } from "./provider-key-store.js";

// Provider keys set by an organisation's admin: stored encrypted, used for its members' chats, never
// returned, and unreadable anywhere but in their own row.

const fake = useFakeProviderServer();
const ENCRYPTION_KEY = randomBytes(32).toString("base64url");
// Shared by the two servers of the rotation test (replicas of one deployment share it).
const JWT_SECRET = randomBytes(32).toString("base64url");
let database: TestDatabase;
let app: TestApp;
let admin: SignedIn;
let member: SignedIn;

const CONNECTION = `provider name configured source keyHint baseUrl lastTestedAt lastTestOk lastError`;

async function setOpenAiKey(apiKey = fake.server.apiKey) {
  const result = await app.gql<{ setProviderKey: Record<string, unknown> }>(
    `mutation($input: SetProviderKeyInput!) { setProviderKey(provider: "openai", input: $input) { ${CONNECTION} } }`,
    { input: { apiKey, baseUrl: fake.server.baseUrls.openai } },
    { token: admin.accessToken },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.setProviderKey;
}

async function openAiModel(user: SignedIn, id = "openai/gpt-4.1-mini") {
  const result = await app.gql<{ models: { id: string; available: boolean }[] }>(
    `{ models { id available } }`,
    {},
    { token: user.accessToken },
  );
  return result.data!.models.find((model) => model.id === id);
}

/** Every text and byte of every row of our tables, as the owner sees them. */
async function everyRowAsText(): Promise<string> {
  const tables = await database.owner.$queryRawUnsafe<{ table_name: string }[]>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await database.owner.$queryRawUnsafe<{ row: string }[]>(
      `select t::text as row from "${table_name}" t`,
    );
    parts.push(...rows.map((row) => row.row));
  }
  return parts.join("\n");
}

beforeAll(async () => {
  database = await createMigratedDatabase();
  // No provider in the environment: only what the admin sets.
  app = await startTestApp({ ENCRYPTION_KEY, JWT_SECRET }, { database });
  admin = await registerUser(app, "keyadmin");
  member = await registerUser(app, "keymember");
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe("provider keys set by an admin", () => {
  it("serve the organisation's members, are tested with a real call, never come back, and go when removed", async () => {
    expect(await openAiModel(member)).toMatchObject({ available: false });
    const connection = await setOpenAiKey();
    expect(connection).toMatchObject({
      provider: "openai",
      configured: true,
      source: "DATABASE",
      keyHint: fake.server.apiKey.slice(-4),
      baseUrl: fake.server.baseUrls.openai,
      lastTestedAt: null,
    });

    const tested = await app.gql<{ testProviderKey: Record<string, unknown> }>(
      `mutation { testProviderKey(provider: "openai") { ok latencyMs error modelCount connection { lastTestOk lastTestedAt } } }`,
      {},
      { token: admin.accessToken },
    );
    expect(tested.data?.testProviderKey).toMatchObject({
      ok: true,
      error: null,
      connection: { lastTestOk: true },
    });
    expect(tested.data?.testProviderKey.modelCount).toBeGreaterThan(0);
    expect(
      fake.server.requests.some((request) => request.method === "GET" && request.path.endsWith("/models")),
    ).toBe(true);

    expect(await openAiModel(member)).toMatchObject({ available: true });
    const chat = await createChat(app, member);
    const sent = await sendMessage(app, member, {
      chatId: chat.id,
      content: "Hallo",
      model: "openai/gpt-4.1-mini",
    });
    expect((await waitForAnswer(app, member, chat.id, sent.assistantMessage.id)).status).toBe("COMPLETE");

    // No field of the schema returns the key: the whole introspected surface is checked by the answer.
    const listed = await app.gql(
      `{ providerConnections { ${CONNECTION} deployments } }`,
      {},
      { token: admin.accessToken },
    );
    expect(JSON.stringify(listed)).not.toContain(fake.server.apiKey);

    const removed = await app.gql<{ deleteProviderKey: Record<string, unknown> }>(
      `mutation { deleteProviderKey(provider: "openai") { ${CONNECTION} } }`,
      {},
      { token: admin.accessToken },
    );
    expect(removed.data?.deleteProviderKey).toMatchObject({
      configured: false,
      source: "NONE",
      keyHint: null,
    });
    expect(await openAiModel(member)).toMatchObject({ available: false });
    const after = await sendMessage(app, member, {
      chatId: chat.id,
      content: "Noch da?",
      model: "openai/gpt-4.1-mini",
    });
    expect(await waitForAnswer(app, member, chat.id, after.assistantMessage.id)).toMatchObject({
      status: "FAILED",
      error: { code: "PROVIDER_BAD_REQUEST" },
    });
  });

  it("keeps the stored key when only the address changes", async () => {
    await setOpenAiKey();
    const moved = await app.gql<{ setProviderKey: { keyHint: string; baseUrl: string } }>(
      `mutation($input: SetProviderKeyInput!) { setProviderKey(provider: "openai", input: $input) { keyHint baseUrl } }`,
      { input: { baseUrl: `${fake.server.baseUrls.openai}/` } },
      { token: admin.accessToken },
    );
    expect(moved.data?.setProviderKey).toEqual({
      keyHint: fake.server.apiKey.slice(-4),
      baseUrl: fake.server.baseUrls.openai,
    });
    const tested = await app.gql<{ testProviderKey: { ok: boolean } }>(
      `mutation { testProviderKey(provider: "openai") { ok } }`,
      {},
      { token: admin.accessToken },
    );
    expect(tested.data?.testProviderKey.ok).toBe(true);
  });

  it("a wrong key fails its test with the provider's reason", async () => {
    await setOpenAiKey("wrong-key");
    const tested = await app.gql<{ testProviderKey: { ok: boolean; error: string | null } }>(
      `mutation { testProviderKey(provider: "openai") { ok error } }`,
      {},
      { token: admin.accessToken },
    );
    expect(tested.data?.testProviderKey.ok).toBe(false);
    expect(tested.data?.testProviderKey.error).toMatch(/key|auth/i);
  });

  it("are refused as input when incomplete", async () => {
    const noKey = await app.gql(
      `mutation { setProviderKey(provider: "mistral", input: { baseUrl: "https://example.com/v1" }) { provider } }`,
      {},
      { token: admin.accessToken },
    );
    expect(codeOf(noKey)).toBe("BAD_USER_INPUT");
    const pastedTwice = await app.gql(
      `mutation($input: SetProviderKeyInput!) { setProviderKey(provider: "openai", input: $input) { provider } }`,
      { input: { apiKey: "sk-one\nsk-two" } },
      { token: admin.accessToken },
    );
    expect(pastedTwice.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "apiKey" });
    const badUrl = await app.gql(
      `mutation { setProviderKey(provider: "ollama", input: { baseUrl: "ftp://example.com" }) { provider } }`,
      {},
      { token: admin.accessToken },
    );
    expect(codeOf(badUrl)).toBe("BAD_USER_INPUT");
    const unknown = await app.gql(
      `mutation { setProviderKey(provider: "bard", input: { apiKey: "x" }) { provider } }`,
      {},
      { token: admin.accessToken },
    );
    expect(codeOf(unknown)).toBe("BAD_USER_INPUT");
  });
});

describe("encryption of stored keys", () => {
  it("leaves no plain key anywhere in the database", async () => {
    const secret = `sk-plain-${randomBytes(12).toString("hex")}`;
    await setOpenAiKey(secret);
    const everything = await everyRowAsText();
    expect(everything).toContain(secret.slice(-4)); // the hint is there …
    expect(everything).not.toContain(secret); // … the key is not, as text
    expect(everything).not.toContain(Buffer.from(secret).toString("hex")); // nor as bytes (bytea prints hex)
    expect(everything).not.toContain(Buffer.from(secret).toString("base64"));
  });

  it("cannot be moved to another row, provider or organisation", async () => {
    await setOpenAiKey();
    const store = new ProviderKeyStore(database.owner, KeyRing.fromSecrets(ENCRYPTION_KEY));
    const [row] = await database.owner.providerConnection.findMany({
      where: { orgId: DEFAULT_ORGANIZATION_ID, provider: "openai" },
    });
    expect(store.decrypt(row!).apiKey).toBe(fake.server.apiKey);
    const other = await database.owner.organization.create({
      data: { name: "Andere", slug: `andere-${Date.now()}` },
    });
    const copies = [
      { orgId: other.id, provider: "openai" },
      { orgId: DEFAULT_ORGANIZATION_ID, provider: "mistral" },
    ];
    for (const target of copies) {
      const copy = await database.owner.providerConnection.create({
        data: {
          ...target,
          secretCiphertext: row!.secretCiphertext,
          secretWrappedKey: row!.secretWrappedKey,
          secretKeyId: row!.secretKeyId,
        },
      });
      expect(() => store.decrypt(copy)).toThrow(SecretUnreadableError);
      await database.owner.providerConnection.delete({ where: { id: copy.id } });
    }
    // The same row with another id (a copy within the table) fails as well.
    expect(() => store.decrypt({ ...row!, id: crypto.randomUUID() })).toThrow(SecretUnreadableError);
  });

  it("rotation to a new ENCRYPTION_KEY keeps every key readable; a server without the key reports it at start", async () => {
    await setOpenAiKey();
    const newKey = randomBytes(32).toString("base64url");
    const rotating = KeyRing.fromSecrets(newKey, [ENCRYPTION_KEY]);
    expect(await rotateProviderKeys(database.prisma, rotating)).toMatchObject({
      rewrapped: 1,
      current: 0,
      unreadable: [],
    });
    expect(await rotateProviderKeys(database.prisma, rotating)).toMatchObject({ rewrapped: 0, current: 1 });
    const [row] = await database.owner.providerConnection.findMany({ where: { provider: "openai" } });
    expect(row!.secretKeyId).toBe(rotating.currentKeyId);
    expect(new ProviderKeyStore(database.owner, KeyRing.fromSecrets(newKey)).decrypt(row!).apiKey).toBe(
      fake.server.apiKey,
    );

    // This test's app still has only the old key: the key it cannot open is reported, and not used.
    expect(await app.app.services.providerKeys.reportUnreadable()).toBe(1);
    const restarted = await startTestApp({ ENCRYPTION_KEY: newKey, JWT_SECRET }, { database });
    try {
      expect(await restarted.app.services.providerKeys.reportUnreadable()).toBe(0);
      const again = await restarted.gql<{ models: { id: string; available: boolean }[] }>(
        `{ models { id available } }`,
        {},
        { token: member.accessToken },
      );
      expect(again.data?.models.find((model) => model.id === "openai/gpt-4.1-mini")?.available).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});
