import { createSignal } from "solid-js";
import { firstErrorCode, type GraphQLResponse, postGraphQL } from "../graphql/post";
import { readJson, writeJson } from "../ui/storage";
import { RefreshSessionMutation } from "./documents";

// The signed-in session. The access token lives in memory only; the refresh token is an httpOnly cookie
// the server sets, so a reload restores the session with one refresh. The user (not a secret) is kept so
// that the app opens, offline too, before that refresh answers.

export interface SessionUser {
  id: string;
  username: string;
  email: string;
  isAdmin: boolean;
}

export interface SessionGrant {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: SessionUser;
}

export type RefreshOutcome = "refreshed" | "signedOut" | "offline";
export type SessionStatus = "restoring" | "signedIn" | "signedOut";
export type EndReason = "signedOut" | "expired";

export interface SessionDependencies {
  /** Exchanges the refresh cookie for a new grant; rejects when the network fails. */
  requestRefresh(): Promise<GraphQLResponse<{ refreshToken: SessionGrant }>>;
  loadUser(): SessionUser | null;
  saveUser(user: SessionUser | null): void;
  now?(): number;
}

// Refresh a minute before the access token expires, never more often than every ten seconds.
const REFRESH_MARGIN_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 10_000;

export function createSession(dependencies: SessionDependencies) {
  const now = dependencies.now ?? Date.now;
  const [user, setUser] = createSignal<SessionUser | null>(dependencies.loadUser());
  const [status, setStatus] = createSignal<SessionStatus>(user() ? "signedIn" : "restoring");
  const endListeners = new Set<(reason: EndReason, hadUser: boolean) => void | Promise<void>>();
  let accessToken: string | null = null;
  let inflight: Promise<RefreshOutcome> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  function start(grant: SessionGrant): void {
    accessToken = grant.accessToken;
    setUser(grant.user);
    dependencies.saveUser(grant.user);
    setStatus("signedIn");
    clearTimeout(refreshTimer);
    const delay = Date.parse(grant.accessTokenExpiresAt) - now() - REFRESH_MARGIN_MS;
    refreshTimer = setTimeout(() => void refresh(), Math.max(delay, MIN_REFRESH_DELAY_MS));
  }

  /** One refresh at a time: concurrent callers share the request in flight. */
  function refresh(): Promise<RefreshOutcome> {
    inflight ??= performRefresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function performRefresh(): Promise<RefreshOutcome> {
    let response: GraphQLResponse<{ refreshToken: SessionGrant }>;
    try {
      response = await dependencies.requestRefresh();
    } catch {
      if (status() === "restoring") setStatus(user() ? "signedIn" : "signedOut");
      return "offline";
    }
    const grant = response.data?.refreshToken;
    if (grant) {
      start(grant);
      return "refreshed";
    }
    if (firstErrorCode(response.errors) === "UNAUTHENTICATED") {
      await end("expired");
      return "signedOut";
    }
    // A server hiccup (INTERNAL, RATE_LIMITED) is not a verdict on the session: keep it and try later.
    if (status() === "restoring") setStatus(user() ? "signedIn" : "signedOut");
    return "offline";
  }

  async function end(reason: EndReason): Promise<void> {
    const hadUser = user() !== null;
    accessToken = null;
    clearTimeout(refreshTimer);
    setUser(null);
    dependencies.saveUser(null);
    setStatus("signedOut");
    for (const listener of endListeners) await listener(reason, hadUser);
  }

  return {
    user,
    status,
    accessToken: () => accessToken,
    isSignedIn: () => status() === "signedIn",
    start,
    refresh,
    end,
    /** Resolves once no refresh is in flight, so requests leave with the newest token. */
    settled: (): Promise<unknown> => inflight ?? Promise.resolve(),
    onEnd(listener: (reason: EndReason, hadUser: boolean) => void | Promise<void>): () => void {
      endListeners.add(listener);
      return () => endListeners.delete(listener);
    },
  };
}

export type Session = ReturnType<typeof createSession>;

const USER_KEY = "xqt5.user";

export const session = createSession({
  requestRefresh: () => postGraphQL(RefreshSessionMutation, {}),
  loadUser: () => readJson<SessionUser | null>(USER_KEY, null),
  saveUser: (user) => writeJson(USER_KEY, user),
});
