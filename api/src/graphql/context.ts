import type { AppConfig } from "../config/env.js";
import type { PrismaClient } from "../db/database.js";
import type { Logger } from "../server/logger.js";
import type { Services } from "../server/services.js";

/** The signed-in user as far as a request is concerned. */
export interface Viewer {
  userId: string;
  /** The refresh-token session behind an access token; null for API keys. */
  sessionId: string | null;
  isAdmin: boolean;
  /** Set when the request authenticated with a personal API key. */
  apiKeyId: string | null;
  /** A read-only API key: queries and subscriptions only. */
  readOnly: boolean;
}

/** What every resolver can use; built per request by the server. */
export interface Context {
  prisma: PrismaClient;
  config: AppConfig;
  logger: Logger;
  services: Services;
  viewer: Viewer | null;
  /** Why a presented access token was rejected; reported when a field needs a signed-in user. */
  authFailure: string | null;
  clientIp: string;
  userAgent: string | null;
  /** Whether the request came over https (directly or, with TRUST_PROXY, through a proxy). */
  secure: boolean;
  request: Request;
  /** Set-Cookie values the response must carry (refresh-token cookie). */
  responseCookies: string[];
}
