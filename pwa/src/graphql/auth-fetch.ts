import type { Session } from "../auth/session";

type SessionAccess = Pick<Session, "accessToken" | "isSignedIn" | "refresh" | "settled">;

/**
 * fetch for the urql client: sends the access token, and when the server answers UNAUTHENTICATED for a
 * signed-in user, refreshes once (shared with every other request waiting) and repeats the request.
 */
export function createAuthFetch(
  session: SessionAccess,
  baseFetch: typeof fetch = (...args) => fetch(...args),
) {
  const send = (input: RequestInfo | URL, init: RequestInit | undefined, token: string | null) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    return baseFetch(input, { ...init, headers, credentials: "include" });
  };

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    await session.settled();
    const sentWith = session.accessToken();
    const response = await send(input, init, sentWith);
    if (!session.isSignedIn() || !(await isUnauthenticated(response))) return response;
    // Another request may have refreshed meanwhile; then the new token is simply used.
    const outcome = session.accessToken() !== sentWith ? "refreshed" : await session.refresh();
    return outcome === "refreshed" ? send(input, init, session.accessToken()) : response;
  };
}

async function isUnauthenticated(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (!response.headers.get("content-type")?.includes("json")) return false;
  try {
    const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    return body.errors?.some((error) => error.extensions?.code === "UNAUTHENTICATED") ?? false;
  } catch {
    return false;
  }
}
