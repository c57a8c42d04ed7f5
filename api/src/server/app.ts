import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createYoga, type Plugin } from "graphql-yoga";
import sirv from "sirv";
import { isApiKeySecret } from "../api-keys/api-key-service.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import { isAppError } from "../errors/app-errors.js";
import type { Context } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import { observeHttp } from "../observability/http-observer.js";
import type { Logger } from "../observability/logger.js";
import { answerMetrics, createMetrics } from "../observability/metrics.js";
import { metricsEndpoint } from "../observability/metrics-endpoint.js";
import { useMetrics } from "../observability/metrics-plugin.js";
import { yogaLogger } from "../observability/yoga-logger.js";
import { PersistedOperations } from "../security/persisted-operations.js";
import { securityPlugins } from "../security/security-plugins.js";
import { createErrorMasker } from "./error-masking.js";
import { useGraphQLSse } from "./graphql-sse.js";
import type { Services } from "./services.js";
import { ServerLifecycle, useEndStreamsOnShutdown } from "./shutdown.js";
import { sseHeadersPlugin } from "./sse-headers.js";

export interface AppDependencies {
  config: AppConfig;
  database: Database;
  logger: Logger;
  services: Services;
}

interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export type App = ReturnType<typeof createApp>;

/** Wires the services and the HTTP routes: GraphQL, health checks, metrics and the built PWA. */
export function createApp({ config, database, logger, services }: AppDependencies) {
  const lifecycle = new ServerLifecycle();
  const metrics = createMetrics({ answersInProgress: () => services.generator.activeCount });
  services.generator.observe(answerMetrics(metrics));
  const serveMetrics = metricsEndpoint(metrics.registry, config.METRICS_TOKEN);
  const responseCookies = new WeakMap<Request, string[]>();
  const persisted = new PersistedOperations(
    config.PERSISTED_OPERATIONS_FILE,
    config.PERSISTED_OPERATIONS_ONLY,
  );
  if (config.PERSISTED_OPERATIONS_ONLY && persisted.size === 0) {
    logger.warn(
      { file: config.PERSISTED_OPERATIONS_FILE },
      "PERSISTED_OPERATIONS_ONLY is set but no persisted operations were found",
    );
  }

  const setCookiesPlugin: Plugin = {
    onResponse({ request, response }) {
      for (const cookie of responseCookies.get(request) ?? []) response.headers.append("set-cookie", cookie);
    },
  };

  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    logging: yogaLogger(logger),
    landingPage: false,
    graphiql: config.NODE_ENV !== "production",
    cors: config.CORS_ORIGINS.length > 0 ? { origin: config.CORS_ORIGINS, credentials: true } : false,
    maskedErrors: { maskError: createErrorMasker(logger) },
    plugins: [
      useGraphQLSse("/graphql/stream", persisted),
      setCookiesPlugin,
      sseHeadersPlugin,
      useMetrics(metrics),
      useEndStreamsOnShutdown(lifecycle),
      ...securityPlugins(config, services.rateLimiters, persisted),
    ],
    context: async ({ request, req }): Promise<Context> => {
      const cookies: string[] = [];
      responseCookies.set(request, cookies);
      const context: Context = {
        prisma: database.prisma,
        config,
        logger,
        services,
        viewer: null,
        authFailure: null,
        clientIp: clientIpOf(req, request, config.TRUST_PROXY),
        userAgent: request.headers.get("user-agent"),
        secure: isSecure(request, config.TRUST_PROXY),
        request,
        responseCookies: cookies,
      };
      const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
      if (bearer) {
        try {
          const token = bearer.trim();
          context.viewer = isApiKeySecret(token)
            ? await services.apiKeys.authenticate(token)
            : await services.auth.authenticate(token);
        } catch (error) {
          context.authFailure = isAppError(error) ? error.message : "The access token is invalid";
          if (!isAppError(error)) logger.error({ err: error }, "authentication failed unexpectedly");
        }
      }
      return context;
    },
  });

  const pwa = existsSync(config.PWA_DIST)
    ? sirv(config.PWA_DIST, {
        single: true,
        etag: true,
        gzip: true,
        brotli: true,
        setHeaders: pwaCacheHeaders,
      })
    : null;

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (pathname === "/metrics") return serveMetrics(req, res);
    // Shutting down: the proxy and clients take new work elsewhere; streams already open go on.
    if (lifecycle.draining)
      return sendJson(res, 503, { status: "draining" }, { connection: "close", "retry-after": "1" });
    if (pathname === "/readyz") {
      database.ping().then(
        () => sendJson(res, 200, { status: "ready", database: database.kind }),
        (error: unknown) => {
          logger.warn({ err: error }, "readiness check failed");
          sendJson(res, 503, { status: "unavailable", database: database.kind });
        },
      );
      return;
    }
    if (pathname === "/graphql" || pathname.startsWith("/graphql/")) {
      if (Number(req.headers["content-length"] ?? 0) > config.MAX_REQUEST_BODY_BYTES) {
        return sendJson(
          res,
          413,
          {
            errors: [
              {
                message: `The request body is larger than ${config.MAX_REQUEST_BODY_BYTES} bytes`,
                extensions: { code: "BAD_USER_INPUT" },
              },
            ],
          },
          { connection: "close" },
        );
      }
      return yoga(req, res, { req, res });
    }
    if (pwa) return pwa(req, res, () => sendJson(res, 404, { error: "not found" }));
    return sendJson(res, 404, { error: "not found" });
  };

  const handle = observeHttp(route, { logger, metrics });
  return { handle, yoga, services, lifecycle, metrics };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

// Hashed build assets never change; the shell, the service worker and the manifest always revalidate.
function pwaCacheHeaders(res: ServerResponse, pathname: string) {
  const immutable = pathname.startsWith("/assets/");
  res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
}

function clientIpOf(req: IncomingMessage, request: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? "unknown";
}

function isSecure(request: Request, trustProxy: boolean): boolean {
  if (trustProxy && request.headers.get("x-forwarded-proto") === "https") return true;
  return new URL(request.url).protocol === "https:";
}
