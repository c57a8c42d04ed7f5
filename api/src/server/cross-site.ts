import type { IncomingMessage, ServerResponse } from "node:http";
import { REFRESH_COOKIE } from "../auth/refresh-cookie.js";
import { sendJson } from "./http-replies.js";

export interface CrossSiteOptions {
  /** CORS_ORIGINS: the browser origins besides the API's own that may call it (the PWA's, say). */
  allowedOrigins: readonly string[];
  /** The origin the API is reached at, as the browser sees it (scheme and host). */
  ownOrigin(req: IncomingMessage): string;
}

// A header no HTML form can send: a cross-site page needs a CORS preflight to set it.
export const CSRF_HEADER = "x-graphql-csrf";

/**
 * Refuses, and answers, what another site could make a signed-in browser send:
 * - a POST that is not JSON (HTML forms send urlencoded, multipart or text/plain without a CORS
 *   preflight; a multipart upload must carry the CSRF header) → 415;
 * - a request from a page of any origin but the API's own and CORS_ORIGINS (a cross-site form, or
 *   a same-site page on another port or subdomain, to which SameSite=Lax cookies still go) → 403.
 * Requests without Origin (integrators, curl) are not a browser's and pass, unless the browser says
 * it sent the request for another site (Sec-Fetch-Site) while carrying the refresh cookie.
 * Returns whether it answered.
 */
export function refuseCrossSiteRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: CrossSiteOptions,
): boolean {
  if (req.method === "POST" && !acceptableBody(req)) {
    reply(res, 415, "BAD_USER_INPUT", "Send GraphQL requests as application/json");
    return true;
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === options.ownOrigin(req) || options.allowedOrigins.includes(origin)) return false;
    reply(res, 403, "FORBIDDEN", "Requests from this origin are not allowed");
    return true;
  }
  const site = req.headers["sec-fetch-site"];
  if ((site === "cross-site" || site === "same-site") && carriesRefreshCookie(req)) {
    reply(res, 403, "FORBIDDEN", "Requests from another site are not allowed");
    return true;
  }
  return false;
}

function acceptableBody(req: IncomingMessage): boolean {
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") return true;
  return mediaType === "multipart/form-data" && req.headers[CSRF_HEADER] !== undefined;
}

const carriesRefreshCookie = (req: IncomingMessage) =>
  (req.headers.cookie ?? "").split(";").some((part) => part.trim().startsWith(`${REFRESH_COOKIE}=`));

function reply(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, { connection: "close" });
}
