import { createSignal } from "solid-js";
import { firstErrorCode, type GraphQLResponse, postGraphQL } from "../graphql/post";
import { createPageLocks, deviceLocks, type Locks, type TabChannel, tabChannel } from "../ui/cross-tab";
import { readJson, removeKey, writeJson } from "../ui/storage";
import { RefreshSessionMutation } from "./operations";

// The signed-in session. The refresh token is an httpOnly cookie the server sets (and rotates on every
// use). The access token is kept for this tab only (sessionStorage), so a reload goes on with it instead
// of refreshing: every refresh whose response is lost (a reload or a dropped connection at that moment)
// leaves the browser with a used refresh token, and the server ends a session whose used token comes
// back. The user (not a secret) is kept so that the app opens, offline too, before anything answers.
//
// All tabs of a browser share the one refresh cookie, so two tabs refreshing at once would present the
// same token twice — which looks like theft. Refreshes therefore run one after another across tabs (a
// Web Lock), each with the cookie as the previous one left it, and a fresh grant is shared with the
// other tabs (a BroadcastChannel): a tab that waited for the lock and got one meanwhile does not refresh.

export interface SessionUser {
  id: string;
  username: string;
  email: string;
  /** Admin of their organisation. */
  isAdmin: boolean;
  /** Operates the platform: manages organisations. */
  isPlatformAdmin: boolean;
  role: "ADMIN" | "MEMBER";
  organization: { id: string; name: string };
}

export interface SessionGrant {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: SessionUser;
}

export type RefreshOutcome = "refreshed" | "signedOut" | "offline";
export type StoredToken = Pick<SessionGrant, "accessToken" | "accessTokenExpiresAt">;
export type SessionStatus = "restoring" | "signedIn" | "signedOut";
export type EndReason = "signedOut" | "expired";

export interface SessionDependencies {
  /** Exchanges the refresh cookie for a new grant; rejects when the network fails. */
  requestRefresh(): Promise<GraphQLResponse<{ refreshToken: SessionGrant }>>;
  loadUser(): SessionUser | null;
  saveUser(user: SessionUser | null): void;
  /** The access token kept across reloads of this tab. */
  loadToken?(): StoredToken | null;
  saveToken?(token: StoredToken | null): void;
  /** Keeps refreshes of this browser's tabs apart; without it, only this tab's own. */
  locks?: Locks;
  /** Shares fresh grants with this browser's other tabs, and hears theirs. */
  channel?: TabChannel;
  now?(): number;
}

interface SharedGrant {
  type: "grant";
  grant: SessionGrant;
}

// Refresh a minute before the access token expires, never more often than every ten seconds.
const REFRESH_MARGIN_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 10_000;
const REFRESH_LOCK = "xqt5.session.refresh";

export function createSession(dependencies: SessionDependencies) {
  const now = dependencies.now ?? Date.now;
  const [user, setUser] = createSignal<SessionUser | null>(dependencies.loadUser());
  const [status, setStatus] = createSignal<SessionStatus>(user() ? "signedIn" : "restoring");
  const endListeners = new Set<(reason: EndReason, hadUser: boolean) => void | Promise<void>>();
  const locks = dependencies.locks ?? createPageLocks();
  let token: StoredToken | null = null;
  let inflight: Promise<RefreshOutcome> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const lastsAWhile = (candidate: StoredToken | null | undefined): candidate is StoredToken =>
    candidate != null && Date.parse(candidate.accessTokenExpiresAt) - now() > REFRESH_MARGIN_MS;

  function useToken(next: StoredToken): void {
    token = next;
    setStatus("signedIn");
    clearTimeout(refreshTimer);
    const delay = Date.parse(next.accessTokenExpiresAt) - now() - REFRESH_MARGIN_MS;
    refreshTimer = setTimeout(() => void refresh(), Math.max(delay, MIN_REFRESH_DELAY_MS));
  }

  function adopt(grant: SessionGrant): void {
    setUser(grant.user);
    dependencies.saveUser(grant.user);
    const next = { accessToken: grant.accessToken, accessTokenExpiresAt: grant.accessTokenExpiresAt };
    dependencies.saveToken?.(next);
    useToken(next);
  }

  /** A new grant of this tab (sign-in or refresh): used here, and shared with the other tabs. */
  function start(grant: SessionGrant): void {
    adopt(grant);
    dependencies.channel?.postMessage({ type: "grant", grant } satisfies SharedGrant);
  }

  // Another tab's grant, for the same person (or for this tab, if nobody is signed in here): the
  // cookie it was rotated from is gone, so this tab goes on with the new access token too.
  dependencies.channel?.addEventListener("message", (event) => {
    const message = event.data as Partial<SharedGrant> | null;
    if (message?.type !== "grant" || !message.grant) return;
    const current = user();
    if (current && current.id !== message.grant.user.id) return;
    if (lastsAWhile(message.grant)) adopt(message.grant);
  });

  /** At start: goes on with this tab's access token while it is valid for a while; refreshes otherwise. */
  function resume(): Promise<RefreshOutcome> {
    const stored = dependencies.loadToken?.();
    if (user() && lastsAWhile(stored)) {
      useToken(stored);
      return Promise.resolve("refreshed");
    }
    return refresh();
  }

  /**
   * One refresh at a time: concurrent callers in this tab share the one in flight, and the tabs of
   * the browser take turns (each then presents the cookie the previous one left).
   */
  function refresh(): Promise<RefreshOutcome> {
    if (inflight) return inflight;
    const askedWith = token;
    inflight = locks
      .request(REFRESH_LOCK, () =>
        // Another tab refreshed while this one waited for its turn, and shared the grant.
        token !== askedWith && lastsAWhile(token)
          ? Promise.resolve<RefreshOutcome>("refreshed")
          : performRefresh(),
      )
      .finally(() => {
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
    token = null;
    clearTimeout(refreshTimer);
    setUser(null);
    dependencies.saveUser(null);
    dependencies.saveToken?.(null);
    setStatus("signedOut");
    for (const listener of endListeners) await listener(reason, hadUser);
  }

  return {
    user,
    status,
    accessToken: () => token?.accessToken ?? null,
    isSignedIn: () => status() === "signedIn",
    start,
    resume,
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
const TOKEN_KEY = "xqt5.accessToken";

/**
 * The user as an older version of the app stored it (before organisations) is filled in until the next
 * refresh brings the real values: a member of an organisation whose name is not known yet.
 */
export function upgradeStoredUser(stored: Partial<SessionUser> | null): SessionUser | null {
  if (!stored?.id || !stored.username) return null;
  return {
    id: stored.id,
    username: stored.username,
    email: stored.email ?? "",
    isAdmin: stored.isAdmin === true,
    isPlatformAdmin: stored.isPlatformAdmin === true,
    role: stored.role ?? (stored.isAdmin ? "ADMIN" : "MEMBER"),
    organization: stored.organization ?? { id: "", name: "" },
  };
}

export const session = createSession({
  requestRefresh: () => postGraphQL(RefreshSessionMutation, {}),
  loadUser: () => upgradeStoredUser(readJson<Partial<SessionUser> | null>(USER_KEY, null)),
  saveUser: (user) => writeJson(USER_KEY, user),
  loadToken: () => readJson<StoredToken | null>(TOKEN_KEY, null, "session"),
  saveToken: (token) => (token ? writeJson(TOKEN_KEY, token, "session") : removeKey(TOKEN_KEY, "session")),
  locks: deviceLocks(),
  channel: tabChannel("xqt5.session"),
});
