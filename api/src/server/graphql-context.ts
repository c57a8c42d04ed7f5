import type { IncomingMessage } from "node:http";
import { isApiKeySecret } from "../api-keys/api-key-service.js";
import type { Viewer } from "../auth/viewer.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import { isAppError } from "../errors/app-errors.js";
import type { Context } from "../graphql/context.js";
import type { Logger } from "../observability/logger.js";
import { currentRequest } from "../observability/request-context.js";
import { clientIpOf, isSecure } from "./client-address.js";
import type { Services } from "./services.js";
import type { ProxyTrust } from "./trusted-proxies.js";

export interface ContextDependencies {
  config: AppConfig;
  database: Database;
  logger: Logger;
  services: Services;
  cookiesFor(request: Request): string[];
  proxies: ProxyTrust;
}

/**
 * Builds each request's context: who is asking (an access token or an API key in `Authorization:
 * Bearer`), from where, and where response cookies go. A token that does not authenticate leaves the
 * viewer empty and says why, for the fields that need a signed-in user.
 */
export function createContextFactory({
  config,
  database,
  logger,
  services,
  cookiesFor,
  proxies,
}: ContextDependencies) {
  return async ({ request, req }: { request: Request; req: IncomingMessage }): Promise<Context> => {
    const context: Context = {
      prisma: database.prisma,
      config,
      logger,
      services,
      viewer: null,
      authFailure: null,
      clientIp: clientIpOf(req, proxies),
      userAgent: request.headers.get("user-agent"),
      secure: isSecure(req, proxies),
      request,
      responseCookies: cookiesFor(request),
    };
    const http = currentRequest();
    if (http) http.client = { ip: context.clientIp, userAgent: context.userAgent };
    const authenticated = await authenticateBearer(services, logger, request.headers.get("authorization"));
    context.viewer = authenticated.viewer;
    context.authFailure = authenticated.failure;
    if (http && context.viewer) http.apiKeyId = context.viewer.apiKeyId;
    return context;
  };
}

/**
 * Who an `Authorization: Bearer` header names: an access token or a personal API key. A token that does
 * not authenticate leaves the viewer empty and says why.
 */
export async function authenticateBearer(
  services: Services,
  logger: Logger,
  authorization: string | null | undefined,
): Promise<{ viewer: Viewer | null; failure: Context["authFailure"] }> {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (!bearer) return { viewer: null, failure: null };
  try {
    const token = bearer.trim();
    const viewer = isApiKeySecret(token)
      ? await services.apiKeys.authenticate(token)
      : await services.auth.authenticate(token);
    return { viewer, failure: null };
  } catch (error) {
    if (!isAppError(error)) logger.error({ err: error }, "authentication failed unexpectedly");
    return {
      viewer: null,
      failure: isAppError(error)
        ? { message: error.message, extensions: error.extensions }
        : { message: "The access token is invalid" },
    };
  }
}
