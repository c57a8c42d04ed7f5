import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

/** GET /metrics in Prometheus text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsEndpoint(registry: Registry, token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return (req: IncomingMessage, res: ServerResponse) => {
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
