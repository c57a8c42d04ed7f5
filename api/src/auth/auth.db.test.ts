import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id username } } }`;
const REFRESH = `mutation($token: String) { refreshToken(refreshToken: $token) { accessToken refreshToken user { id } } }`;
const ME = `{ me { id username email isAdmin } }`;

const GRACE_SECONDS = 1;
const pastTheGraceWindow = () => new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 300));

let app: TestApp;
let first: SignedIn & { password: string };

beforeAll(async () => {
  app = await startTestApp({
    AUTH_RATE_LIMIT_PER_ACCOUNT: "3",
    AUTH_RATE_LIMIT_PER_IP: "1000",
    REFRESH_TOKEN_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
  });
  first = await registerUser(app, "first");
});
afterAll(() => app?.close());

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe("accounts", () => {
  it("makes the first account admin and later ones not", async () => {
    expect(first.user.isAdmin).toBe(true);
    const second = await registerUser(app, "second");
    expect(second.user.isAdmin).toBe(false);
  });

  it("signs in with username or e-mail, case-insensitively", async () => {
    const credentials = newCredentials("login");
    await app.gql(REGISTER, { input: credentials });
    for (const login of [credentials.username.toUpperCase(), credentials.email.toUpperCase()]) {
      const result = await app.gql<{ login: SignedIn }>(LOGIN, {
        input: { login, password: credentials.password },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data?.login.user.username).toBe(credentials.username);
    }
  });

  it("answers me with the signed-in user", async () => {
    const result = await app.gql<{ me: SignedIn["user"] }>(ME, {}, { token: first.accessToken });
    expect(result.data?.me).toMatchObject({ id: first.user.id, username: first.user.username });
  });

  it("rejects a taken username or e-mail with CONFLICT", async () => {
    const credentials = newCredentials("dup");
    await app.gql(REGISTER, { input: credentials });
    const sameName = await app.gql(REGISTER, {
      input: { ...newCredentials("other"), username: credentials.username.toUpperCase() },
    });
    expect(codeOf(sameName)).toBe("CONFLICT");
    const sameEmail = await app.gql(REGISTER, {
      input: { ...newCredentials("other"), email: credentials.email },
    });
    expect(codeOf(sameEmail)).toBe("CONFLICT");
  });

  it("validates input with BAD_USER_INPUT and refuses passwords over 72 bytes instead of truncating", async () => {
    const shortName = await app.gql(REGISTER, { input: { ...newCredentials(), username: "ab" } });
    expect(codeOf(shortName)).toBe("BAD_USER_INPUT");
    const badEmail = await app.gql(REGISTER, { input: { ...newCredentials(), email: "not-an-email" } });
    expect(codeOf(badEmail)).toBe("BAD_USER_INPUT");
    // 37 two-byte characters: 37 characters but 74 bytes.
    const longPassword = await app.gql(REGISTER, {
      input: { ...newCredentials(), password: "ä".repeat(37) },
    });
    expect(codeOf(longPassword)).toBe("BAD_USER_INPUT");
    expect(longPassword.errors?.[0]?.message).toMatch(/72 bytes/);
  });

  it("hands browsers the refresh token as an httpOnly SameSite=Lax cookie", async () => {
    const result = await app.gql(REGISTER, { input: newCredentials("cookie") });
    const cookie = result.response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^xqt5_refresh=ey/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/graphql/);
    expect(cookie).not.toMatch(/Secure/); // plain http here; https adds Secure
  });
});

describe("tokens", () => {
  it("rotates refresh tokens; reusing a rotated one after the grace window ends the whole session, newer tokens included", async () => {
    const user = await registerUser(app, "rotate");
    const rotated = await app.gql<{ refreshToken: SignedIn }>(REFRESH, { token: user.refreshToken });
    expect(rotated.errors).toBeUndefined();
    const newer = rotated.data!.refreshToken;
    expect(newer.refreshToken).not.toBe(user.refreshToken);

    await pastTheGraceWindow();
    const reuse = await app.gql(REFRESH, { token: user.refreshToken });
    expect(codeOf(reuse)).toBe("UNAUTHENTICATED");
    const newerAfterReuse = await app.gql(REFRESH, { token: newer.refreshToken });
    expect(codeOf(newerAfterReuse)).toBe("UNAUTHENTICATED");
    const accessAfterReuse = await app.gql(ME, {}, { token: newer.accessToken });
    expect(codeOf(accessAfterReuse)).toBe("UNAUTHENTICATED");
  });

  it("two refreshes of one session at once (two tabs) both get the same new pair; the session lives on", async () => {
    const user = await registerUser(app, "two_tabs");
    const [one, two] = await Promise.all([
      app.gql<{ refreshToken: SignedIn }>(REFRESH, { token: user.refreshToken }),
      app.gql<{ refreshToken: SignedIn }>(REFRESH, { token: user.refreshToken }),
    ]);
    expect([one.errors, two.errors]).toEqual([undefined, undefined]);
    expect(one.data!.refreshToken.refreshToken).toBe(two.data!.refreshToken.refreshToken);
    for (const tab of [one, two]) {
      expect((await app.gql(ME, {}, { token: tab.data!.refreshToken.accessToken })).errors).toBeUndefined();
    }
    const next = await app.gql(REFRESH, { token: one.data!.refreshToken.refreshToken });
    expect(next.errors).toBeUndefined();
  });

  it("a replaced token presented again within the grace window gets the same new pair, not a sign-out", async () => {
    const user = await registerUser(app, "lost_response");
    const rotated = await app.gql<{ refreshToken: SignedIn }>(REFRESH, { token: user.refreshToken });
    // The response was lost on the way; the client tries again with the token it still has.
    const again = await app.gql<{ refreshToken: SignedIn }>(REFRESH, { token: user.refreshToken });
    expect(again.errors).toBeUndefined();
    expect(again.data!.refreshToken.refreshToken).toBe(rotated.data!.refreshToken.refreshToken);
    const session = await app.database.owner.session.findFirstOrThrow({ where: { userId: user.user.id } });
    expect(session.revokedAt).toBeNull();
    // Only the token just replaced: an older one is a reuse even within the window.
    const third = await app.gql<{ refreshToken: SignedIn }>(REFRESH, {
      token: rotated.data!.refreshToken.refreshToken,
    });
    expect(third.errors).toBeUndefined();
    expect(codeOf(await app.gql(REFRESH, { token: user.refreshToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { token: third.data!.refreshToken.refreshToken }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("refreshes from the cookie when no argument is given", async () => {
    const result = await app.gql(REGISTER, { input: newCredentials("cookie2") });
    const cookie = (result.response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const refreshed = await app.gql<{ refreshToken: SignedIn }>(REFRESH, {}, { headers: { cookie } });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data?.refreshToken.accessToken).toBeTruthy();
  });

  it("rejects alg:none, wrong-signature, expired and refresh-as-access tokens with UNAUTHENTICATED", async () => {
    const [header, payload] = first.accessToken.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    const wrongSignature = `${header}.${payload}.${"A".repeat(43)}`;
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("some-other-secret-that-is-long-enough"));
    for (const token of [none, wrongSignature, expired, first.refreshToken, "garbage"]) {
      const result = await app.gql(ME, {}, { token });
      expect(codeOf(result), token).toBe("UNAUTHENTICATED");
      expect(result.data).toBeNull();
    }
  });

  it("rejects a token without an expiry even when it is signed with the right secret", async () => {
    const secret = (app.app.services.signer as unknown as { secret: Uint8Array }).secret;
    const claims = JSON.parse(Buffer.from(first.accessToken.split(".")[1]!, "base64url").toString());
    const { exp: _dropped, ...forever } = claims;
    const endless = await new SignJWT(forever).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
    expect(codeOf(await app.gql(ME, {}, { token: endless }))).toBe("UNAUTHENTICATED");
  });

  it("hands browsers the refresh token only as a cookie, integrators in the body too", async () => {
    const credentials = newCredentials("browser");
    const browser = await app.gql<{ register: SignedIn }>(
      REGISTER,
      { input: credentials },
      {
        headers: { origin: new URL(app.url).origin },
      },
    );
    expect(browser.data?.register.refreshToken).toBeNull();
    expect(browser.response.headers.get("set-cookie")).toContain("xqt5_refresh=");
    const integrator = await app.gql<{ login: SignedIn }>(LOGIN, {
      input: { login: credentials.username, password: credentials.password },
    });
    expect(integrator.data?.login.refreshToken).toMatch(/^ey/);
  });

  it("rejects an expired token signed with the right secret, saying it expired", async () => {
    const { signer } = app.app.services;
    const claims = JSON.parse(Buffer.from(first.accessToken.split(".")[1]!, "base64url").toString());
    const shortLived = new (signer.constructor as typeof import("./tokens.js").TokenSigner)(
      (signer as unknown as { secret: Uint8Array }).secret,
      -10,
      60,
    );
    const { token } = await shortLived.signAccess({
      userId: claims.sub,
      sessionId: claims.sid,
      tokenVersion: claims.ver,
    });
    const result = await app.gql(ME, {}, { token });
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    expect(result.errors?.[0]?.message).toMatch(/expired/);
  });
});

describe("sessions", () => {
  it("logout ends the session: its access and refresh tokens stop working", async () => {
    const user = await registerUser(app, "logout");
    const result = await app.gql<{ logout: boolean }>(`mutation { logout }`, {}, { token: user.accessToken });
    expect(result.data?.logout).toBe(true);
    expect(result.response.headers.get("set-cookie")).toMatch(/xqt5_refresh=;/);
    expect(codeOf(await app.gql(ME, {}, { token: user.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { token: user.refreshToken }))).toBe("UNAUTHENTICATED");
  });

  it("logoutEverywhere ends every session of the user", async () => {
    const user = await registerUser(app, "everywhere");
    const other = await app.gql<{ login: SignedIn }>(LOGIN, {
      input: { login: user.user.username, password: user.password },
    });
    await app.gql(`mutation { logoutEverywhere }`, {}, { token: user.accessToken });
    for (const token of [user.accessToken, other.data!.login.accessToken]) {
      expect(codeOf(await app.gql(ME, {}, { token }))).toBe("UNAUTHENTICATED");
    }
    expect(codeOf(await app.gql(REFRESH, { token: other.data!.login.refreshToken }))).toBe("UNAUTHENTICATED");
  });

  it("changePassword keeps this session, ends the others, and the new password works", async () => {
    const user = await registerUser(app, "chpw");
    const other = await app.gql<{ login: SignedIn }>(LOGIN, {
      input: { login: user.user.username, password: user.password },
    });
    const change = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;
    const wrong = await app.gql(
      change,
      { input: { currentPassword: "nope-nope", newPassword: "another good one" } },
      {
        token: user.accessToken,
      },
    );
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    const ok = await app.gql(
      change,
      { input: { currentPassword: user.password, newPassword: "another good one" } },
      {
        token: user.accessToken,
      },
    );
    expect(ok.data).toEqual({ changePassword: true });
    expect((await app.gql(ME, {}, { token: user.accessToken })).data).toBeTruthy();
    expect(codeOf(await app.gql(ME, {}, { token: other.data!.login.accessToken }))).toBe("UNAUTHENTICATED");
    const oldPassword = await app.gql(LOGIN, {
      input: { login: user.user.username, password: user.password },
    });
    expect(codeOf(oldPassword)).toBe("UNAUTHENTICATED");
    const newPassword = await app.gql(LOGIN, {
      input: { login: user.user.username, password: "another good one" },
    });
    expect(newPassword.errors).toBeUndefined();
  });

  it("a deactivated account or a bumped token_version rejects existing tokens at once", async () => {
    const deactivated = await registerUser(app, "inactive");
    await app.database.owner.user.update({ where: { id: deactivated.user.id }, data: { isActive: false } });
    expect(codeOf(await app.gql(ME, {}, { token: deactivated.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { token: deactivated.refreshToken }))).toBe("UNAUTHENTICATED");

    const bumped = await registerUser(app, "bumped");
    await app.database.owner.user.update({
      where: { id: bumped.user.id },
      data: { tokenVersion: { increment: 1 } },
    });
    expect(codeOf(await app.gql(ME, {}, { token: bumped.accessToken }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await app.gql(REFRESH, { token: bumped.refreshToken }))).toBe("UNAUTHENTICATED");
  });
});

describe("rate limits", () => {
  it("counts failed sign-ins per account, whichever identifier was typed, and makes that IP wait a little", async () => {
    const user = await registerUser(app, "limited");
    const attempt = (login: string) => app.gql(LOGIN, { input: { login, password: "wrong password" } });
    // Username, e-mail, and the username in capitals: one account, one count.
    for (const login of [user.user.username, user.user.email, user.user.username.toUpperCase()])
      expect(codeOf(await attempt(login))).toBe("UNAUTHENTICATED");
    const limited = await attempt(user.user.email);
    expect(codeOf(limited)).toBe("RATE_LIMITED");
    // A short wait, not a lockout for the window.
    const retryAfter = Number(limited.errors?.[0]?.extensions?.retryAfter);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15);
  });
});

describe("sign-in limits cannot lock the owner out (TRUST_PROXY=1)", () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startTestApp({
      TRUST_PROXY: "1",
      AUTH_RATE_LIMIT_PER_ACCOUNT: "3",
      AUTH_RATE_LIMIT_PER_IP: "1000",
    });
  });
  afterAll(() => proxied?.close());

  it("an attacker's failures make the attacker wait; the owner on their own device signs in", async () => {
    const owner = await registerUser(proxied, "owner");
    const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
    const guess = () =>
      proxied.gql(
        LOGIN,
        { input: { login: owner.user.username, password: "guessed wrong" } },
        from("203.0.113.66"),
      );
    for (let i = 0; i < 3; i++) expect(codeOf(await guess())).toBe("UNAUTHENTICATED");
    expect(codeOf(await guess())).toBe("RATE_LIMITED");
    const ownDevice = await proxied.gql(
      LOGIN,
      { input: { login: owner.user.email, password: owner.password } },
      from("198.51.100.7"),
    );
    expect(ownDevice.errors).toBeUndefined();
  });
});

describe("registration switch and IP limit", () => {
  let closed: TestApp;
  beforeAll(async () => {
    closed = await startTestApp({ ALLOW_REGISTRATION: "false", AUTH_RATE_LIMIT_PER_IP: "2" });
  });
  afterAll(() => closed?.close());

  it("ALLOW_REGISTRATION=false closes sign-up; the IP limit then answers RATE_LIMITED", async () => {
    const refused = await closed.gql(REGISTER, { input: newCredentials() });
    expect(codeOf(refused)).toBe("FORBIDDEN");
    await closed.gql(REGISTER, { input: newCredentials() });
    const limited = await closed.gql(LOGIN, { input: { login: "nobody", password: "whatever1" } });
    expect(codeOf(limited)).toBe("RATE_LIMITED");
  });
});
