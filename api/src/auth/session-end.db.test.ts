import { describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn } from "../../test/support/test-app.js";
import { useTwoReplicas } from "../../test/support/two-replicas.js";

// When access ends — sign-out everywhere, a new password, a revoked API key — everything opened with
// it ends too: API keys by default, and answer streams on every replica within a second.

const fake = useFakeProviderServer();
// Access ends on one replica (first); what it opened ends on both.
const replicas = useTwoReplicas(() => fake.server);

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;
const LOGOUT_EVERYWHERE = `mutation($keys: Boolean) { logoutEverywhere(revokeApiKeys: $keys) }`;
const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;
const CREATE_KEY = `mutation { createApiKey(input: { name: "Skript" }) { secret } }`;

async function newKey(user: SignedIn): Promise<string> {
  const result = await replicas.first.gql<{ createApiKey: { secret: string } }>(
    CREATE_KEY,
    {},
    { token: user.accessToken },
  );
  return result.data!.createApiKey.secret;
}

const keyWorks = async (secret: string) =>
  (await replicas.first.gql(`{ me { id } }`, {}, { token: secret })).errors === undefined;

/** A long answer being generated, followed on the other replica with `token`; resolves when the stream ends. */
async function followOnTheOtherReplica(user: SignedIn, token: string) {
  fake.server.setScenario({
    text: Array.from({ length: 3_000 }, (_, index) => `w${index}`).join(" "),
    delayMs: 10,
  });
  const chat = await createChat(replicas.first, user);
  const pair = await sendMessage(replicas.first, user, { chatId: chat.id, content: "Lang" });
  let started!: () => void;
  const firstDelta = new Promise<void>((resolve) => {
    started = resolve;
  });
  const followed = followAnswer(replicas.second.url, token, pair.assistantMessage.id, {
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
    const user = await registerUser(replicas.first, "keyholder");
    const secret = await newKey(user);
    expect(codeOf(await replicas.first.gql(LOGOUT_EVERYWHERE, {}, { token: secret }))).toBe("FORBIDDEN");
    const change = { currentPassword: user.password, newPassword: "a new long password" };
    expect(codeOf(await replicas.first.gql(CHANGE_PASSWORD, { input: change }, { token: secret }))).toBe(
      "FORBIDDEN",
    );
    expect(await keyWorks(secret)).toBe(true);
  });

  it("signing out everywhere and a new password revoke the API keys too, unless asked to keep them", async () => {
    const user = await registerUser(replicas.first, "careful");
    const kept = await newKey(user);
    await replicas.first.gql(LOGOUT_EVERYWHERE, { keys: false }, { token: user.accessToken });
    expect(await keyWorks(kept)).toBe(true);

    const again = await registerUser(replicas.first, "worried");
    const revoked = await newKey(again);
    expect(
      (await replicas.first.gql(LOGOUT_EVERYWHERE, {}, { token: again.accessToken })).errors,
    ).toBeUndefined();
    expect(await keyWorks(revoked)).toBe(false);

    const third = await registerUser(replicas.first, "rotating");
    const old = await newKey(third);
    const change = { currentPassword: third.password, newPassword: "a new long password" };
    expect(
      (await replicas.first.gql(CHANGE_PASSWORD, { input: change }, { token: third.accessToken })).errors,
    ).toBeUndefined();
    expect(await keyWorks(old)).toBe(false);
    // The session that changed it goes on.
    expect(
      (await replicas.first.gql(`{ me { id } }`, {}, { token: third.accessToken })).errors,
    ).toBeUndefined();
  });

  it("an open answer stream of a session signed out everywhere ends within a second, on another replica", async () => {
    const user = await registerUser(replicas.first, "streamer_out");
    const { followed, answerId } = await followOnTheOtherReplica(user, user.accessToken);
    const signedOutAt = Date.now();
    await replicas.first.gql(LOGOUT_EVERYWHERE, {}, { token: user.accessToken });
    const ended = await followed;
    expect(Date.now() - signedOutAt).toBeLessThan(1_000);
    expect(JSON.stringify(ended.errors)).toContain("UNAUTHENTICATED");
    // The answer itself goes on (it is the user's, and saved for them).
    const answer = await replicas.first.database.owner.message.findUniqueOrThrow({ where: { id: answerId } });
    expect(answer.status).toBe("streaming");
  });

  it("an answer stream opened with an API key ends within a second when the key is revoked", async () => {
    const user = await registerUser(replicas.first, "streamer_key");
    const secret = await newKey(user);
    const keyId = (
      await replicas.first.database.owner.apiKey.findFirstOrThrow({ where: { userId: user.user.id } })
    ).id;
    const { followed } = await followOnTheOtherReplica(user, secret);
    const revokedAt = Date.now();
    await replicas.first.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) }`,
      { id: keyId },
      { token: user.accessToken },
    );
    const ended = await followed;
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(JSON.stringify(ended.errors)).toContain("UNAUTHENTICATED");
  });

  it("a stream of another session of the same user is left alone by a sign-out of this one", async () => {
    const user = await registerUser(replicas.first, "two_devices");
    const other = await replicas.first.gql<{ login: { accessToken: string } }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      { input: { login: user.user.username, password: user.password } },
    );
    const { followed } = await followOnTheOtherReplica(user, other.data!.login.accessToken);
    await replicas.first.gql(`mutation { logout }`, {}, { token: user.accessToken });
    const outcome = await Promise.race([
      followed.then(() => "ended"),
      new Promise((resolve) => setTimeout(() => resolve("open"), 1_500)),
    ]);
    expect(outcome).toBe("open");
  });
});
