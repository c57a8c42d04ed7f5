import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import sirv from "sirv";
import type { Logger } from "../observability/logger.js";

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, notFound: () => void) => void;

/**
 * The built PWA (precompressed copies preferred), or null when there is no build. A file that cannot
 * be read any more (the build was replaced under the running server) fails that one response — it is
 * cut if it had begun — and never the process.
 */
export function servePwa(dist: string, logger: Logger): StaticHandler | null {
  if (!existsSync(dist)) return null;
  const serve = sirv(dist, {
    single: true,
    etag: true,
    gzip: true,
    brotli: true,
    setHeaders: pwaCacheHeaders,
  });
  return (req, res, notFound) => {
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

// Hashed build assets never change; the shell, the service worker and the manifest always revalidate.
function pwaCacheHeaders(res: ServerResponse, pathname: string) {
  const immutable = pathname.startsWith("/assets/");
  res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
}
