import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  user = await registerUser(app, "integrator");
});
afterAll(() => app?.close());

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix readOnly expiresAt lastUsedAt } } }`;
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

async function createKey(input: Record<string, unknown>) {
  const result = await app.gql<{ createApiKey: { secret: string; apiKey: { id: string; prefix: string } } }>(
    CREATE,
    { input },
    {
      token: user.accessToken,
    },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createApiKey;
}

describe("API keys", () => {
  it("a key created in GraphQL authenticates queries and subscriptions; revoked, it no longer does", async () => {
    const { secret, apiKey } = await createKey({ name: "CI-Skript" });
    expect(secret).toMatch(/^xqt5_[0-9A-Za-z]{43}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    const stored = await app.database.owner.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(JSON.stringify(stored)).not.toContain(secret);

    const me = await app.gql<{ me: { id: string } }>(`{ me { id } }`, {}, { token: secret });
    expect(me.data?.me.id).toBe(user.user.id);

    fake.server.setScenario({ text: "Über einen API-Schlüssel", chunking: "words" });
    const chat = await createChat(app, { ...user, accessToken: secret }, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(
      app,
      { ...user, accessToken: secret },
      { chatId: chat.id, content: "Hallo per Schlüssel" },
    );
    const followed = await followAnswer(app.url, secret, sent.assistantMessage.id);
    expect(followed.text).toBe("Über einen API-Schlüssel");

    const listed = await app.gql<{ apiKeys: { id: string; lastUsedAt: string | null }[] }>(
      `{ apiKeys { id lastUsedAt } }`,
      {},
      {
        token: user.accessToken,
      },
    );
    expect(listed.data!.apiKeys.find((key) => key.id === apiKey.id)?.lastUsedAt).toBeTruthy();

    const revoked = await app.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) }`,
      { id: apiKey.id },
      { token: user.accessToken },
    );
    expect(revoked.data).toEqual({ revokeApiKey: true });
    expect(codeOf(await app.gql(`{ me { id } }`, {}, { token: secret }))).toBe("UNAUTHENTICATED");
    const afterRevoke = await followAnswer(app.url, secret, sent.assistantMessage.id);
    expect(afterRevoke.events).toEqual([]);
    expect(JSON.stringify(afterRevoke.errors)).toMatch(/UNAUTHENTICATED/);
    const list = await app.gql<{ apiKeys: { id: string }[] }>(
      `{ apiKeys { id } }`,
      {},
      { token: user.accessToken },
    );
    expect(list.data!.apiKeys.map((key) => key.id)).not.toContain(apiKey.id);
  });

  it("a read-only key runs queries but no mutations", async () => {
    const { secret } = await createKey({ name: "Nur lesen", readOnly: true });
    expect(
      (await app.gql(`{ chats(first: 1) { edges { node { id } } } }`, {}, { token: secret })).errors,
    ).toBeUndefined();
    const chatsBefore = await app.database.owner.chat.count({ where: { userId: user.user.id } });
    const mutation = await app.gql(`mutation { createChat { id } }`, {}, { token: secret });
    expect(codeOf(mutation)).toBe("FORBIDDEN");
    // Refused before it ran: no chat was created.
    expect(await app.database.owner.chat.count({ where: { userId: user.user.id } })).toBe(chatsBefore);
  });

  it("an expired key, a deactivated owner and an unknown key are UNAUTHENTICATED", async () => {
    const { secret, apiKey } = await createKey({
      name: "Läuft ab",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await app.gql(`{ me { id } }`, {}, { token: secret })).data).toBeTruthy();
    await app.database.owner.apiKey.update({
      where: { id: apiKey.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(codeOf(await app.gql(`{ me { id } }`, {}, { token: secret }))).toBe("UNAUTHENTICATED");

    const owner = await registerUser(app, "inactive_owner");
    const created = await app.gql<{ createApiKey: { secret: string } }>(
      CREATE,
      { input: { name: "k" } },
      { token: owner.accessToken },
    );
    await app.database.owner.user.update({ where: { id: owner.user.id }, data: { isActive: false } });
    expect(codeOf(await app.gql(`{ me { id } }`, {}, { token: created.data!.createApiKey.secret }))).toBe(
      "UNAUTHENTICATED",
    );
    expect(codeOf(await app.gql(`{ me { id } }`, {}, { token: `xqt5_${"A".repeat(43)}` }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("keys are managed in a signed-in session, not with a key; foreign keys cannot be revoked", async () => {
    const { secret, apiKey } = await createKey({ name: "Kein Schlüsselmacher" });
    expect(codeOf(await app.gql(CREATE, { input: { name: "neu" } }, { token: secret }))).toBe("FORBIDDEN");
    const stranger = await registerUser(app, "stranger");
    const revoke = await app.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) }`,
      { id: apiKey.id },
      { token: stranger.accessToken },
    );
    expect(codeOf(revoke)).toBe("NOT_FOUND");
    expect(
      codeOf(
        await app.gql(
          CREATE,
          { input: { name: "x", expiresAt: "2020-01-01T00:00:00Z" } },
          { token: user.accessToken },
        ),
      ),
    ).toBe("BAD_USER_INPUT");
  });
});
