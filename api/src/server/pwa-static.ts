import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { Readable } from "node:stream";
import sirv from "sirv";
import type { Logger } from "../observability/logger.js";
import {
  inlineScriptHashes,
  PWA_SECURITY_HEADERS,
  pageContentSecurityPolicy,
  STRICT_TRANSPORT_SECURITY,
  workerContentSecurityPolicy,
} from "./pwa-security-headers.js";

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, notFound: () => void) => void;

export interface PwaServingOptions {
  logger: Logger;
  /** Whether the browser reached us over https (HSTS is sent then). */
  isSecure(req: IncomingMessage): boolean;
}

/**
 * The built PWA (precompressed copies preferred), or null when there is no build, with the same
 * security headers as the Nginx image. A missing hashed asset is a 404, never the app shell; a file
 * that cannot be read any more (the build was replaced under the running server) fails that one
 * response — it is cut if it had begun — and never the process.
 */
export function servePwa(dist: string, { logger, isSecure }: PwaServingOptions): StaticHandler | null {
  if (!existsSync(dist)) return null;
  const index = path.join(dist, "index.html");
  const scriptHashes = existsSync(index) ? inlineScriptHashes(readFileSync(index, "utf8")) : [];
  const pagePolicy = pageContentSecurityPolicy({ apiOrigin: "'self'", scriptHashes });
  const workerPolicy = workerContentSecurityPolicy({ apiOrigin: "'self'" });
  const serve = sirv(dist, {
    single: true,
    // No app shell for /assets/…: a missing script must not come back as HTML cached for a year.
    ignores: ["^/assets/"],
    etag: true,
    gzip: true,
    brotli: true,
    setHeaders: (res, pathname) => {
      const immutable = pathname.startsWith("/assets/");
      // Hashed build assets never change; the shell, the service worker and the manifest revalidate.
      res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  return (req, res, notFound) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    res.setHeader("content-security-policy", pathname === "/sw.js" ? workerPolicy : pagePolicy);
    for (const [name, value] of Object.entries(PWA_SECURITY_HEADERS)) res.setHeader(name, value);
    if (isSecure(req)) res.setHeader("strict-transport-security", STRICT_TRANSPORT_SECURITY);
    // sirv pipes a read stream into the response and listens to none of its errors.
    res.once("pipe", (source: Readable) => {
      source.once("error", (error) => {
        logger.warn({ err: error, path: req.url }, "could not read a file of the PWA build");
        if (res.headersSent) res.destroy();
        else notFound();
      });
    });
    serve(req, res, notFound);
  };
}
