import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPageLocks, type Locks } from "../ui/cross-tab";
import {
  createSession,
  type SessionDependencies,
  type SessionGrant,
  type SessionUser,
  upgradeStoredUser,
} from "./session";

const user: SessionUser = {
  id: "u1",
  username: "ada",
  email: "ada@example.com",
  isAdmin: false,
  isPlatformAdmin: false,
  role: "MEMBER",
  organization: { id: "o1", name: "Acme" },
};
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

/**
 * The server's half, as strict as it can be: every refresh rotates the cookie, and a cookie that was
 * already rotated away ends the session (no grace window). One cookie jar, like a browser's.
 */
function strictServer() {
  let cookie = "refresh-0";
  let rotations = 0;
  let revoked = false;
  const used = new Set<string>();
  const requestRefresh = vi.fn(async () => {
    const presented = cookie; // the browser attaches the cookie when the request leaves
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (revoked || used.has(presented)) {
      revoked = true;
      return { errors: [{ message: "reused", extensions: { code: "UNAUTHENTICATED" } }] };
    }
    used.add(presented);
    rotations++;
    cookie = `refresh-${rotations}`;
    return { data: { refreshToken: grant(`access-${rotations}`) } };
  });
  return { requestRefresh, revoked: () => revoked, rotations: () => rotations };
}

const channels: BroadcastChannel[] = [];
let channelCount = 0;
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
});

/** Two tabs of one browser, signed in as the same user, whose access tokens are about to expire. */
function twoTabs(server: ReturnType<typeof strictServer>, locks: () => Locks) {
  const name = `session-test-${++channelCount}`;
  const savedUsers: (SessionUser | null)[][] = [];
  const tab = () => {
    const channel = new BroadcastChannel(name);
    channels.push(channel);
    const saved: (SessionUser | null)[] = [];
    savedUsers.push(saved);
    return createRoot(() =>
      createSession({
        requestRefresh: server.requestRefresh,
        loadUser: () => user,
        saveUser: (next) => saved.push(next),
        locks: locks(),
        channel,
      }),
    );
  };
  return { tabs: [tab(), tab()] as const, savedUsers };
}

/** A lock the test hands out itself, one waiter at a time. */
function handedLocks() {
  const waiting: (() => void)[] = [];
  const locks: Locks = {
    request: (_name, task) =>
      new Promise((resolve, reject) => waiting.push(() => void task().then(resolve, reject))),
  };
  return { locks, waiting: () => waiting.length, grantNext: () => waiting.shift()?.() };
}

describe("session across tabs", () => {
  it("stays signed in in both tabs when they refresh at the same moment", async () => {
    const server = strictServer();
    const shared = createPageLocks();
    const {
      tabs: [first, second],
    } = twoTabs(server, () => shared);
    const outcomes = await Promise.all([first.refresh(), second.refresh()]);
    expect(outcomes).toEqual(["refreshed", "refreshed"]);
    expect(server.revoked()).toBe(false);
    expect(first.status()).toBe("signedIn");
    expect(second.status()).toBe("signedIn");
    // And the session goes on: the next refresh is accepted too.
    expect(await first.refresh()).toBe("refreshed");
    await Promise.all([first.end("signedOut"), second.end("signedOut")]);
  });

  it("takes the grant another tab got, instead of refreshing itself", async () => {
    const server = strictServer();
    const shared = createPageLocks();
    const {
      tabs: [first, second],
    } = twoTabs(server, () => shared);
    await first.refresh();
    await vi.waitFor(() => expect(second.accessToken()).toBe("access-1"));
    expect(second.status()).toBe("signedIn");
    expect(server.requestRefresh).toHaveBeenCalledTimes(1);
    await Promise.all([first.end("signedOut"), second.end("signedOut")]);
  });

  it("does not refresh after its turn came when another tab's grant arrived while it waited", async () => {
    const server = strictServer();
    const handed = handedLocks();
    const {
      tabs: [first, second],
    } = twoTabs(server, () => handed.locks);
    const outcomes = Promise.all([first.refresh(), second.refresh()]);
    expect(handed.waiting()).toBe(2);
    handed.grantNext();
    await vi.waitFor(() => expect(second.accessToken()).toBe("access-1"));
    handed.grantNext();
    expect(await outcomes).toEqual(["refreshed", "refreshed"]);
    expect(server.requestRefresh).toHaveBeenCalledTimes(1);
    await Promise.all([first.end("signedOut"), second.end("signedOut")]);
  });

  it("ignores a grant another tab shares for someone else", async () => {
    const server = strictServer();
    const {
      tabs: [first, second],
      savedUsers,
    } = twoTabs(server, createPageLocks);
    second.start(grant("ada's"));
    first.start({ ...grant("bob's"), user: { ...user, id: "u2", username: "bob" } });
    // Messages of one tab arrive in order: once this one is here, bob's has been heard.
    first.start(grant("ada's newest"));
    await vi.waitFor(() => expect(second.accessToken()).toBe("ada's newest"));
    expect(savedUsers[1]?.map((saved) => saved?.id)).toEqual(["u1", "u1"]);
    await Promise.all([first.end("signedOut"), second.end("signedOut")]);
  });
});

describe("the user kept on the device", () => {
  it("is taken as it is", () => {
    expect(upgradeStoredUser(user)).toEqual(user);
  });

  it("from before organisations opens the app as a member of an organisation not yet known", () => {
    const old = { id: "u1", username: "ada", email: "ada@example.com", isAdmin: true };
    expect(upgradeStoredUser(old)).toEqual({
      ...old,
      isPlatformAdmin: false,
      role: "ADMIN",
      organization: { id: "", name: "" },
    });
  });

  it("without an id is nobody", () => {
    expect(upgradeStoredUser(null)).toBeNull();
    expect(upgradeStoredUser({ username: "ada" })).toBeNull();
  });
});
