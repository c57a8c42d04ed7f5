import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { type RequestContext, runInRequest } from "./request-context.js";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

// A proxy's id is kept when it looks like one, so its access log and ours can be joined.
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
// Probes hit these every few seconds; at info they would drown everything else.
const QUIET_ROUTES = new Set(["healthz", "readyz", "metrics"]);
// What nginx logs when the client went away before the response ended.
const CLIENT_CLOSED = 499;

/**
 * Wraps the HTTP handler: every request gets an id (returned as X-Request-Id and part of every log line
 * written while handling it, also by work it started), and is counted and logged once it ends. Paths are
 * logged without the query string, which may carry tokens or variables.
 */
export function observeHttp(
  handler: NodeHandler,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
): NodeHandler {
  return (req, res) => {
    const incoming = req.headers["x-request-id"];
    const reqId =
      typeof incoming === "string" && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("x-request-id", reqId);
    const context: RequestContext = { reqId };
    const started = performance.now();
    metrics.httpRequestsInProgress.inc();
    runInRequest(context, () => {
      const finished = () => {
        metrics.httpRequestsInProgress.dec();
        const path = pathnameOf(req.url);
        const route = routeOf(path);
        const operation = context.operation ?? { type: "http", name: route };
        const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
        metrics.httpRequests.inc({ type: operation.type, operation: operation.name, status: String(status) });
        logger[QUIET_ROUTES.has(route) ? "debug" : "info"](
          {
            method: req.method,
            path,
            status,
            operation: context.operation ? `${operation.type} ${operation.name}` : undefined,
            durationMs: Math.round(performance.now() - started),
          },
          "request completed",
        );
      };
      // Bound to this request's context, so the line carries its id.
      res.once("close", AsyncResource.bind(finished));
      handler(req, res);
    });
  };
}

function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return "(invalid)";
  }
}

function routeOf(path: string): string {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path.slice(1);
  if (path === "/graphql" || path.startsWith("/graphql/")) return "graphql";
  return "static";
}
