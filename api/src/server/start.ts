import { resolveJwtSecret } from "../auth/jwt-secret.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderSettings } from "../providers/settings.js";
import { type KeyRing, resolveKeyRing } from "../security/secret-box.js";
import { type App, createApp } from "./app.js";
import { createServices, type ServiceDependencies } from "./services.js";

export interface AssembleOptions {
  config: AppConfig;
  database: Database;
  logger: Logger;
  providerSettings: ProviderSettings;
  /** Defaults to JWT_SECRET, or the secret kept in DATA_DIR. */
  jwtSecret?: Uint8Array;
  /** Defaults to ENCRYPTION_KEY (+ ENCRYPTION_KEY_PREVIOUS), or the key kept in DATA_DIR. */
  keyRing?: KeyRing;
  providerRetry?: ServiceDependencies["providerRetry"];
  answerLease?: ServiceDependencies["answerLease"];
  followIdleCheckMs?: ServiceDependencies["followIdleCheckMs"];
  finalSaveDelaysMs?: ServiceDependencies["finalSaveDelaysMs"];
}

/** Everything between an open database and a request handler: services, recovery, routes. */
export async function assembleApp(options: AssembleOptions): Promise<App> {
  const { config, database, logger } = options;
  const jwtSecret = options.jwtSecret ?? (await resolveJwtSecret(config.JWT_SECRET, config.DATA_DIR));
  const keyRing =
    options.keyRing ??
    (await resolveKeyRing({
      configured: config.ENCRYPTION_KEY,
      previous: config.ENCRYPTION_KEY_PREVIOUS,
      dataDir: config.DATA_DIR,
    }));
  const services = await createServices({ ...options, jwtSecret, keyRing });
  // Stored keys this server cannot decrypt (a wrong ENCRYPTION_KEY) are reported now, not at first use.
  await services.providerKeys.reportUnreadable();
  // Alone (no Redis), no other process can be generating what was left streaming.
  await services.recovery.recoverAtStart(!config.REDIS_URL);
  services.recovery.start();
  return createApp({ config, database, logger, services });
}
