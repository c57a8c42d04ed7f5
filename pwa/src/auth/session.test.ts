import { createRoot } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { createSession, type SessionDependencies, type SessionGrant, type SessionUser } from "./session";

const user: SessionUser = { id: "u1", username: "ada", email: "ada@example.com", isAdmin: false };
const grant = (token: string): SessionGrant => ({
  accessToken: token,
  accessTokenExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  user,
});

function setup(requestRefresh: SessionDependencies["requestRefresh"], stored: SessionUser | null = null) {
  const saveUser = vi.fn();
  const session = createRoot(() => createSession({ requestRefresh, loadUser: () => stored, saveUser }));
  return { session, saveUser };
}

/** A signed-in user reopening the tab, with `kept` as the tab's access token. */
function reopen(kept: Pick<SessionGrant, "accessToken" | "accessTokenExpiresAt">) {
  const requestRefresh = vi.fn(async () => ({ data: { refreshToken: grant("fresh") } }));
  const saveToken = vi.fn();
  const session = createRoot(() =>
    createSession({
      requestRefresh,
      loadUser: () => user,
      saveUser: vi.fn(),
      loadToken: () => kept,
      saveToken,
    }),
  );
  return { session, requestRefresh, saveToken };
}

describe("session", () => {
  it("goes on with this tab's access token after a reload instead of refreshing", async () => {
    const { session, requestRefresh, saveToken } = reopen(grant("kept"));
    expect(await session.resume()).toBe("refreshed");
    expect(requestRefresh).not.toHaveBeenCalled();
    expect(session.accessToken()).toBe("kept");
    expect(session.status()).toBe("signedIn");
    await session.end("signedOut");
    expect(saveToken).toHaveBeenLastCalledWith(null);
  });

  it("refreshes at start when the kept token is (nearly) expired, and keeps the new one", async () => {
    const { session, requestRefresh, saveToken } = reopen({
      accessToken: "old",
      accessTokenExpiresAt: new Date(Date.now() + 30_000).toISOString(),
    });
    expect(await session.resume()).toBe("refreshed");
    expect(requestRefresh).toHaveBeenCalledTimes(1);
    expect(session.accessToken()).toBe("fresh");
    expect(saveToken).toHaveBeenLastCalledWith(expect.objectContaining({ accessToken: "fresh" }));
    await session.end("signedOut");
  });

  it("runs one refresh at a time: concurrent callers share it", async () => {
    let calls = 0;
    const { session } = setup(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { data: { refreshToken: grant(`token-${calls}`) } };
    });
    const outcomes = await Promise.all([session.refresh(), session.refresh(), session.refresh()]);
    expect(outcomes).toEqual(["refreshed", "refreshed", "refreshed"]);
    expect(calls).toBe(1);
    expect(session.accessToken()).toBe("token-1");
    expect(session.status()).toBe("signedIn");
    await session.refresh();
    expect(calls).toBe(2);
    await session.end("signedOut");
  });

  it("ends the session when the refresh cookie is no longer accepted", async () => {
    const { session, saveUser } = setup(
      async () => ({ errors: [{ message: "gone", extensions: { code: "UNAUTHENTICATED" } }] }),
      user,
    );
    const ended = vi.fn();
    session.onEnd(ended);
    expect(session.status()).toBe("signedIn");
    expect(await session.refresh()).toBe("signedOut");
    expect(session.status()).toBe("signedOut");
    expect(session.user()).toBeNull();
    expect(saveUser).toHaveBeenLastCalledWith(null);
    expect(ended).toHaveBeenCalledWith("expired", true);
  });

  it("stays signed in offline when the user is known (the app opens from the cache)", async () => {
    const { session } = setup(() => Promise.reject(new TypeError("Failed to fetch")), user);
    expect(await session.refresh()).toBe("offline");
    expect(session.status()).toBe("signedIn");
    expect(session.user()).toEqual(user);
  });

  it("shows the sign-in screen when nobody is known and the server cannot be reached", async () => {
    const { session } = setup(() => Promise.reject(new TypeError("Failed to fetch")));
    expect(session.status()).toBe("restoring");
    await session.refresh();
    expect(session.status()).toBe("signedOut");
  });

  it("keeps the access token in memory only", () => {
    const { session, saveUser } = setup(async () => ({}));
    session.start(grant("secret-token"));
    expect(JSON.stringify(saveUser.mock.calls)).not.toContain("secret-token");
    expect(session.accessToken()).toBe("secret-token");
    void session.end("signedOut");
  });
});
