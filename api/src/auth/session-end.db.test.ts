import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { RedisServer } from "../../test/support/redis-server.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { createMigratedDatabase } from "../../test/support/test-database.js";

// When access ends — sign-out everywhere, a new password, a revoked API key — everything opened with
// it ends too: API keys by default, and answer streams on every replica within a second.

const fake = useFakeProviderServer();
let redis: RedisServer;
let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
let here: TestApp;
let there: TestApp;

beforeAll(async () => {
  redis = await RedisServer.start();
  database = await createMigratedDatabase();
  const env = {
    ...fakeProviderEnv(fake.server),
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString("hex"),
  };
  here = await startTestApp(env, { database });
  there = await startTestApp(env, { database });
});
afterAll(async () => {
  await here?.close();
  await there?.close();
  await database?.close();
  await redis?.stop();
});

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;
const LOGOUT_EVERYWHERE = `mutation($keys: Boolean) { logoutEverywhere(revokeApiKeys: $keys) }`;
const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;
const CREATE_KEY = `mutation { createApiKey(input: { name: "Skript" }) { secret } }`;

async function newKey(user: SignedIn): Promise<string> {
  const result = await here.gql<{ createApiKey: { secret: string } }>(
    CREATE_KEY,
    {},
    { token: user.accessToken },
  );
  return result.data!.createApiKey.secret;
}

const keyWorks = async (secret: string) =>
  (await here.gql(`{ me { id } }`, {}, { token: secret })).errors === undefined;

/** A long answer being generated, followed on the other replica with `token`; resolves when the stream ends. */
async function followOnTheOtherReplica(user: SignedIn, token: string) {
  fake.server.setScenario({
    text: Array.from({ length: 3_000 }, (_, index) => `w${index}`).join(" "),
    delayMs: 10,
  });
  const chat = await createChat(here, user);
  const pair = await sendMessage(here, user, { chatId: chat.id, content: "Lang" });
  let started!: () => void;
  const firstDelta = new Promise<void>((resolve) => {
    started = resolve;
  });
  const followed = followAnswer(there.url, token, pair.assistantMessage.id, {
    stopAfter: (events) => {
      if (events.length > 0) started();
      return false;
    },
  });
  await firstDelta;
  return { followed, answerId: pair.assistantMessage.id };
}

describe("when access ends", () => {
  it("account security needs a signed-in session: an API key can neither sign out everywhere nor change the password", async () => {
    const user = await registerUser(here, "keyholder");
    const secret = await newKey(user);
    expect(codeOf(await here.gql(LOGOUT_EVERYWHERE, {}, { token: secret }))).toBe("FORBIDDEN");
    const change = { currentPassword: user.password, newPassword: "a new long password" };
    expect(codeOf(await here.gql(CHANGE_PASSWORD, { input: change }, { token: secret }))).toBe("FORBIDDEN");
    expect(await keyWorks(secret)).toBe(true);
  });

  it("signing out everywhere and a new password revoke the API keys too, unless asked to keep them", async () => {
    const user = await registerUser(here, "careful");
    const kept = await newKey(user);
    await here.gql(LOGOUT_EVERYWHERE, { keys: false }, { token: user.accessToken });
    expect(await keyWorks(kept)).toBe(true);

    const again = await registerUser(here, "worried");
    const revoked = await newKey(again);
    expect((await here.gql(LOGOUT_EVERYWHERE, {}, { token: again.accessToken })).errors).toBeUndefined();
    expect(await keyWorks(revoked)).toBe(false);

    const third = await registerUser(here, "rotating");
    const old = await newKey(third);
    const change = { currentPassword: third.password, newPassword: "a new long password" };
    expect(
      (await here.gql(CHANGE_PASSWORD, { input: change }, { token: third.accessToken })).errors,
    ).toBeUndefined();
    expect(await keyWorks(old)).toBe(false);
    // The session that changed it goes on.
    expect((await here.gql(`{ me { id } }`, {}, { token: third.accessToken })).errors).toBeUndefined();
  });

  it("an open answer stream of a session signed out everywhere ends within a second, on another replica", async () => {
    const user = await registerUser(here, "streamer_out");
    const { followed, answerId } = await followOnTheOtherReplica(user, user.accessToken);
    const signedOutAt = Date.now();
    await here.gql(LOGOUT_EVERYWHERE, {}, { token: user.accessToken });
    const ended = await followed;
    expect(Date.now() - signedOutAt).toBeLessThan(1_000);
    expect(JSON.stringify(ended.errors)).toContain("UNAUTHENTICATED");
    // The answer itself goes on (it is the user's, and saved for them).
    const answer = await database.owner.message.findUniqueOrThrow({ where: { id: answerId } });
    expect(answer.status).toBe("streaming");
  });

  it("an answer stream opened with an API key ends within a second when the key is revoked", async () => {
    const user = await registerUser(here, "streamer_key");
    const secret = await newKey(user);
    const keyId = (await database.owner.apiKey.findFirstOrThrow({ where: { userId: user.user.id } })).id;
    const { followed } = await followOnTheOtherReplica(user, secret);
    const revokedAt = Date.now();
    await here.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) }`,
      { id: keyId },
      { token: user.accessToken },
    );
    const ended = await followed;
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(JSON.stringify(ended.errors)).toContain("UNAUTHENTICATED");
  });

  it("a stream of another session of the same user is left alone by a sign-out of this one", async () => {
    const user = await registerUser(here, "two_devices");
    const other = await here.gql<{ login: { accessToken: string } }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      { input: { login: user.user.username, password: user.password } },
    );
    const { followed } = await followOnTheOtherReplica(user, other.data!.login.accessToken);
    await here.gql(`mutation { logout }`, {}, { token: user.accessToken });
    const outcome = await Promise.race([
      followed.then(() => "ended"),
      new Promise((resolve) => setTimeout(() => resolve("open"), 1_500)),
    ]);
    expect(outcome).toBe("open");
  });
});
