import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export interface MetricsAccess {
  /** METRICS_TOKEN: with it, only `Authorization: Bearer <token>` reads the metrics. */
  token: string | undefined;
  /** Without a token, serve the metrics to anyone (development) or to no one (production). */
  openWithoutToken: boolean;
}

/**
 * GET /metrics in Prometheus text format. With a token, only for `Authorization: Bearer <token>`;
 * without one, open in development and switched off (404) in production, where it would tell anyone
 * the Node version and what the service is doing.
 */
export function metricsEndpoint(registry: Registry, { token, openWithoutToken }: MetricsAccess) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!expected && !openWithoutToken) {
      res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end("/metrics is off: set METRICS_TOKEN to serve it\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (expected && !sameSecret(req.headers.authorization, expected)) {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store" }).end();
      return;
    }
    registry.metrics().then(
      (body) =>
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(500).end(),
    );
  };
}

// Constant time, so the token cannot be guessed byte by byte from response times.
function sameSecret(given: string | undefined, expected: Buffer): boolean {
  const candidate = Buffer.from(given ?? "");
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
