import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditTarget } from "../audit/audit-trail.js";
import { identityOf, type Viewer } from "../auth/viewer.js";
import type { AppConfig } from "../config/env.js";
import { runAs } from "../db/request-identity.js";
import { isAppError } from "../errors/app-errors.js";
import type { Logger } from "../observability/logger.js";
import { currentRequest } from "../observability/request-context.js";
import { clientIpOf } from "./client-address.js";
import { authenticateBearer } from "./graphql-context.js";
import { sendJson } from "./http-replies.js";
import type { Services } from "./services.js";
import type { ProxyTrust } from "./trusted-proxies.js";

const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
};

interface Dependencies {
  config: AppConfig;
  logger: Logger;
  services: Services;
  proxies: ProxyTrust;
  /** For the log: "CSV export", "document download". */
  what: string;
}

export interface DownloadHandler {
  /** Writes the response, as the viewer (row-level security applies). */
  run(viewer: Viewer, query: URLSearchParams): Promise<void>;
  /** What a FORBIDDEN refusal is recorded against in the audit log. */
  denied?: AuditTarget;
}

/**
 * A GET that downloads a file for the bearer of a session's access token or an API key (never a cookie,
 * so another site cannot make a browser fetch it): CORS for the configured origins, authentication,
 * errors as JSON with the HTTP status of their code.
 */
export function bearerDownload({ config, logger, services, proxies, what }: Dependencies) {
  const allowedOrigins = new Set(config.CORS_ORIGINS);

  return async (req: IncomingMessage, res: ServerResponse, handler: DownloadHandler): Promise<void> => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-expose-headers", "content-disposition, x-request-id");
      res.setHeader("vary", "origin");
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET",
        "access-control-allow-headers": "authorization",
        "access-control-max-age": "600",
      });
      return void res.end();
    }
    if (req.method !== "GET") return sendJson(res, 405, { error: "use GET" }, { allow: "GET" });

    const request = currentRequest();
    const userAgent = req.headers["user-agent"] ?? null;
    if (request) request.client = { ip: clientIpOf(req, proxies), userAgent };
    const { viewer, failure } = await authenticateBearer(services, logger, req.headers.authorization);
    if (!viewer) {
      return sendJson(res, 401, { error: failure?.message ?? "Sign in required", code: "UNAUTHENTICATED" });
    }
    if (request) request.apiKeyId = viewer.apiKeyId;
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    try {
      await runAs(identityOf(viewer), () => handler.run(viewer, query));
    } catch (error) {
      if (res.headersSent) {
        logger.warn({ err: error }, `${what} ended early`);
        return void res.destroy();
      }
      if (isAppError(error)) {
        if (error.code === "FORBIDDEN" && handler.denied) {
          await runAs(identityOf(viewer), () =>
            services.audit.record({
              action: "access.denied",
              outcome: "denied",
              reason: error.message,
              target: handler.denied,
            }),
          ).catch((failed: unknown) => logger.warn({ err: failed }, `could not record a denied ${what}`));
        }
        return sendJson(res, STATUS_OF_CODE[error.code] ?? 400, { error: error.message, code: error.code });
      }
      logger.error({ err: error }, `${what} failed`);
      return sendJson(res, 500, { error: `The ${what} failed`, code: "INTERNAL" });
    }
  };
}
