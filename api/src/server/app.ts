import type { IncomingMessage, ServerResponse } from "node:http";
import { createYoga } from "graphql-yoga";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
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
import { useAuditDenials } from "./audit-denials.js";
import { readBodyWithin } from "./body-limit.js";
import { isSecure, ownOrigin } from "./client-address.js";
import { refuseCrossSiteRequest } from "./cross-site.js";
import { AUDIT_CSV_PATH, csvExports, USAGE_CSV_PATH } from "./csv-exports.js";
import { DOCUMENT_FILE_PATH, documentDownloads } from "./document-downloads.js";
import { createErrorMasker } from "./error-masking.js";
import { createContextFactory } from "./graphql-context.js";
import { useGraphQLSse } from "./graphql-sse.js";
import { answerHealth, createReadiness } from "./health.js";
import { sendJson } from "./http-replies.js";
import { servePwa } from "./pwa-static.js";
import { useRequestIdentity } from "./request-identity-plugin.js";
import { useResponseCookies } from "./response-cookies.js";
import type { Services } from "./services.js";
import { ServerLifecycle, useEndStreamsOnShutdown } from "./shutdown.js";
import { sseHeadersPlugin } from "./sse-headers.js";
import { useEndStreamsOfRevokedAccess } from "./stream-revocation.js";
import { createProxyTrust } from "./trusted-proxies.js";

/** The operation, map and boundaries of a multipart upload around its file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

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
  const metricsOpen = config.NODE_ENV !== "production";
  const serveMetrics = metricsEndpoint(metrics.registry, {
    token: config.METRICS_TOKEN,
    openWithoutToken: metricsOpen,
  });
  if (!config.METRICS_TOKEN) {
    logger.warn(
      metricsOpen
        ? "GET /metrics is open to anyone: set METRICS_TOKEN before this server is reachable from outside"
        : "GET /metrics is off: set METRICS_TOKEN to serve Prometheus metrics",
    );
  }
  const cookies = useResponseCookies();
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

  const maskError = createErrorMasker(logger);
  const proxies = createProxyTrust(config.TRUST_PROXY);
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    logging: yogaLogger(logger),
    landingPage: false,
    graphiql: config.NODE_ENV !== "production",
    cors: config.CORS_ORIGINS.length > 0 ? { origin: config.CORS_ORIGINS, credentials: true } : false,
    maskedErrors: { maskError },
    plugins: [
      useGraphQLSse("/graphql/stream", persisted, maskError),
      useRequestIdentity(),
      useAuditDenials(logger),
      cookies.plugin,
      sseHeadersPlugin,
      useMetrics(metrics),
      useEndStreamsOnShutdown(lifecycle),
      useEndStreamsOfRevokedAccess(services.accessRevocations),
      ...securityPlugins(config, services.rateLimiters, persisted),
    ],
    context: createContextFactory({
      config,
      database,
      logger,
      services,
      cookiesFor: cookies.cookiesFor,
      proxies,
    }),
  });

  const answerReadiness = createReadiness(database, logger);
  const pwa = servePwa(config.PWA_DIST, { logger, isSecure: (req) => isSecure(req, proxies) });
  const crossSite = {
    allowedOrigins: config.CORS_ORIGINS,
    ownOrigin: (req: IncomingMessage) => ownOrigin(req, proxies),
  };
  const exportCsv = csvExports({ config, database, logger, services, proxies });
  const downloadDocument = documentDownloads({ config, logger, services, proxies });
  const notFound = (res: ServerResponse) => () => sendJson(res, 404, { error: "not found" });

  const route = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === "/healthz") return answerHealth(res);
    if (pathname === "/metrics") return serveMetrics(req, res);
    // Shutting down: the proxy and clients take new work elsewhere; streams already open go on.
    if (lifecycle.draining)
      return sendJson(res, 503, { status: "draining" }, { connection: "close", "retry-after": "1" });
    if (pathname === "/readyz") {
      if (lifecycle.stopping) return sendJson(res, 503, { status: "draining" });
      return void answerReadiness(res);
    }
    if (pathname === "/graphql" || pathname.startsWith("/graphql/")) {
      if (refuseCrossSiteRequest(req, res, crossSite)) return;
      // A multipart request carries a file (uploadDocument): it may be as large as one upload, plus its form.
      const multipart = /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
      const maxBytes = multipart
        ? config.UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD_BYTES
        : config.MAX_REQUEST_BODY_BYTES;
      void readBodyWithin(req, res, maxBytes).then((proceed) => {
        if (proceed) yoga(req, res, { req, res });
      });
      return;
    }
    // Bearer-authenticated only (no cookies), so another site cannot make a browser download them.
    if (pathname === USAGE_CSV_PATH || pathname === AUDIT_CSV_PATH) return void exportCsv(req, res, pathname);
    const documentFile = DOCUMENT_FILE_PATH.exec(pathname);
    if (documentFile) return void downloadDocument(req, res, documentFile[1]!);
    if (pwa) return pwa(req, res, notFound(res));
    return notFound(res)();
  };

  const observed = observeHttp(route, { logger, metrics });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    lifecycle.track(res);
    observed(req, res);
  };
  return { handle, yoga, services, lifecycle, metrics };
}
