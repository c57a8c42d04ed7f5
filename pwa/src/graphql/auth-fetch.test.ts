import { describe, expect, it, vi } from "vitest";
import { createAuthFetch } from "./auth-fetch";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const unauthenticated = () =>
  json({ errors: [{ message: "expired", extensions: { code: "UNAUTHENTICATED" } }] });

function fakeSession(options: { signedIn?: boolean; refreshTo?: string | null } = {}) {
  let token: string | null = "old";
  let inflight: Promise<"refreshed" | "signedOut"> | null = null;
  const requests = { count: 0 };
  const refresh = vi.fn(() => {
    if (!inflight) requests.count++;
    inflight ??= new Promise<"refreshed" | "signedOut">((resolve) =>
      setTimeout(() => {
        token = options.refreshTo === undefined ? "new" : options.refreshTo;
        inflight = null;
        resolve(token ? "refreshed" : "signedOut");
      }, 10),
    );
    return inflight;
  });
  return {
    accessToken: () => token,
    isSignedIn: () => options.signedIn ?? true,
    refresh,
    requests,
    settled: () => inflight ?? Promise.resolve(),
  };
}

// The server accepts only the token "new".
const server = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
  const authorization = new Headers(init?.headers).get("authorization");
  return authorization === "Bearer new" ? json({ data: { ok: true } }) : unauthenticated();
});

describe("authenticated fetch", () => {
  it("refreshes once for many requests that fail together, then repeats each of them", async () => {
    server.mockClear();
    const session = fakeSession();
    const authFetch = createAuthFetch(session, server);
    const responses = await Promise.all([1, 2, 3].map(() => authFetch("/graphql", { method: "POST" })));
    expect(session.requests.count).toBe(1);
    for (const response of responses) expect(await response.json()).toEqual({ data: { ok: true } });
    expect(server).toHaveBeenCalledTimes(6);
  });

  it("does not refresh again when another request already did", async () => {
    const session = fakeSession();
    const authFetch = createAuthFetch(session, server);
    await authFetch("/graphql");
    await authFetch("/graphql");
    expect(session.refresh).toHaveBeenCalledTimes(1);
  });

  it("sends credentials and the bearer token", async () => {
    const seen = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json({ data: {} }));
    await createAuthFetch(fakeSession(), seen)("/graphql");
    const init = seen.mock.calls[0]?.[1];
    expect(init?.credentials).toBe("include");
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer old");
  });

  it("never refreshes for someone who is not signed in (e.g. a wrong password)", async () => {
    const session = fakeSession({ signedIn: false });
    const response = await createAuthFetch(session, server)("/graphql");
    expect(session.refresh).not.toHaveBeenCalled();
    expect((await response.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("hands back the UNAUTHENTICATED answer when the refresh fails", async () => {
    const session = fakeSession({ refreshTo: null });
    const response = await createAuthFetch(session, server)("/graphql");
    expect(session.refresh).toHaveBeenCalledTimes(1);
    expect((await response.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });
});
