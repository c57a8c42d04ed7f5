import { session } from "../auth/session";
import { createAuthFetch } from "./auth-fetch";
import { apiBase } from "./endpoint";

// Files of the API (CSV exports, uploaded documents): fetched with the session's access token — a plain
// link would carry none — and handed to the browser as a download, or kept in memory to be shown.

type QueryValue = string | readonly string[] | null | undefined;

/** An address on the API: empty values are left out, lists are joined with commas. */
export function apiUrl(path: string, params: Record<string, QueryValue>, base: string = apiBase): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    const text = Array.isArray(value) ? value.join(",") : (value as string | null | undefined);
    if (text) query.set(name, text);
  }
  const search = query.toString();
  return `${base}${path}${search ? `?${search}` : ""}`;
}

/** Why a download failed: the API's error code where it sent one, else the HTTP status. */
export class DownloadError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(`download failed: ${code} (HTTP ${status})`);
  }
}

let authFetch: ReturnType<typeof createAuthFetch> | undefined;

/** Fetches `url` as the signed-in user (e.g. an image to show). Rejects with a DownloadError. */
export async function fetchFile(url: string): Promise<Blob> {
  authFetch ??= createAuthFetch(session);
  let response: Response;
  try {
    response = await authFetch(url);
  } catch {
    throw new DownloadError("NETWORK", 0);
  }
  if (!response.ok) throw new DownloadError(await errorCodeOf(response), response.status);
  try {
    return await response.blob();
  } catch {
    throw new DownloadError("NETWORK", 0);
  }
}

/** Fetches `url` as the signed-in user and saves it as `fileName`. Rejects with a DownloadError. */
export async function downloadFile(url: string, fileName: string): Promise<void> {
  const blob = await fetchFile(url);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled.
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function errorCodeOf(response: Response): Promise<string> {
  const byStatus: Record<number, string> = { 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 429: "RATE_LIMITED" };
  try {
    const body = (await response.json()) as {
      code?: unknown;
      error?: { code?: unknown } | string;
      errors?: { extensions?: { code?: unknown } }[];
    };
    const code =
      body.code ??
      (typeof body.error === "object" ? body.error?.code : undefined) ??
      body.errors?.[0]?.extensions?.code;
    if (typeof code === "string") return code;
  } catch {
    // not JSON
  }
  return byStatus[response.status] ?? (response.status >= 500 ? "INTERNAL" : "UNKNOWN");
}
