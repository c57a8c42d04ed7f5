import type { Viewer } from "../auth/viewer.js";
import type { AppConfig } from "../config/env.js";
import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../observability/logger.js";
import type { Services } from "../server/services.js";

/** What every resolver can use; built per request by the server. */
export interface Context {
  prisma: PrismaClient;
  config: AppConfig;
  logger: Logger;
  services: Services;
  viewer: Viewer | null;
  /** Why a presented access token was rejected; reported when a field needs a signed-in user. */
  authFailure: { message: string; extensions?: Record<string, unknown> } | null;
  clientIp: string;
  userAgent: string | null;
  /** Whether the request came over https (directly or, with TRUST_PROXY, through a proxy). */
  secure: boolean;
  request: Request;
  /** Set-Cookie values the response must carry (refresh-token cookie). */
  responseCookies: string[];
}
