import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

let app: TestApp;
let user: SignedIn;
const HASH = "f".repeat(64);

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "xqt5-persisted-"));
  const file = path.join(dir, "persisted-documents.json");
  await writeFile(file, JSON.stringify({ [HASH]: "query Me { me { id username } }" }));
  app = await startTestApp({
    PERSISTED_OPERATIONS_ONLY: "true",
    PERSISTED_OPERATIONS_FILE: file,
    // The PWA's origin, which a browser names in every request.
    CORS_ORIGINS: "https://ai-hub.example.com",
  });
  user = await registerUser(app, "persisted");
});
afterAll(() => app?.close());

const browser = { origin: "https://ai-hub.example.com" };
const persisted = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

async function post(body: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: { me?: { id: string } }; errors?: { message: string }[] };
}

describe("persisted operations (PERSISTED_OPERATIONS_ONLY=true)", () => {
  it("browsers may run the PWA's operations by hash, and nothing else", async () => {
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const byHash = await post(persisted(HASH), { ...browser, ...auth });
    expect(byHash.data?.me?.id).toBe(user.user.id);
    const arbitrary = await post({ query: "{ me { id } }" }, { ...browser, ...auth });
    expect(arbitrary.data?.me).toBeUndefined();
    expect(arbitrary.errors?.[0]?.message).toMatch(/persisted/i);
    const unknown = await post(persisted("0".repeat(64)), { ...browser, ...auth });
    expect(unknown.errors?.[0]?.message).toMatch(/PersistedQueryNotFound/);
  });

  it("API keys and non-browser clients may send any operation", async () => {
    const created = await app.gql<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "k" }) { secret } }`,
      {},
      {
        token: user.accessToken,
      },
    );
    const key = created.data!.createApiKey.secret;
    const withKey = await post({ query: "{ me { id } }" }, { ...browser, authorization: `Bearer ${key}` });
    expect(withKey.data?.me?.id).toBe(user.user.id);
    const script = await post({ query: "{ me { id } }" }, { authorization: `Bearer ${user.accessToken}` });
    expect(script.data?.me?.id).toBe(user.user.id);
  });

  it("applies to subscriptions over /graphql/stream too", async () => {
    const response = await fetch(`${app.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        ...browser,
        authorization: `Bearer ${user.accessToken}`,
      },
      body: JSON.stringify({ query: 'subscription { messageStream(messageId: "x") { __typename } }' }),
    });
    expect(await response.text()).toMatch(/only persisted operations/);
  });
});
