import { ConfigError, loadConfig } from "./config/env.js";
import { openDatabase } from "./db/database.js";
import { createLogger } from "./observability/logger.js";
import { readProviderSettings } from "./providers/settings.js";
import { listen } from "./server/http-server.js";
import { shutDownOnSignals } from "./server/shutdown.js";
import { assembleApp } from "./server/start.js";

async function main() {
  const config = loadConfig();
  const providerSettings = readProviderSettings(process.env);
  const logger = createLogger(config);
  const log = (message: string) => logger.info(message);
  // Behind a transaction pooler the advisory lock does not hold: migrate through the direct URL instead.
  if (config.MIGRATE_ON_START && config.MIGRATION_DATABASE_URL) {
    const migrated = await openDatabase({ databaseUrl: config.MIGRATION_DATABASE_URL, migrate: true, log });
    await migrated.close();
  }
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
    migrate: config.MIGRATE_ON_START && !config.MIGRATION_DATABASE_URL,
    log,
    onConnectionError: (error) => logger.warn({ err: error }, "a database connection broke; reconnecting"),
  });
  const app = await assembleApp({ config, database, logger, providerSettings });
  const running = await listen(app, config.PORT, config.HOST);
  logger.info(
    { database: database.kind, dataDir: database.kind === "pglite" ? config.DATA_DIR : undefined },
    `XQT5 AI Platform listening on ${running.url} (GraphQL at ${running.url}/graphql)`,
  );
  shutDownOnSignals({
    lifecycle: app.lifecycle,
    server: running,
    services: app.services,
    database,
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    delayMs: config.SHUTDOWN_DELAY_MS,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("The API could not start:", error);
  }
  process.exit(1);
});
