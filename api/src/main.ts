import { ConfigError, loadConfig } from "./config/env.js";
import { openDatabase } from "./db/database.js";
import { readProviderSettings } from "./providers/settings.js";
import { listen } from "./server/http-server.js";
import { createLogger } from "./server/logger.js";
import { assembleApp } from "./server/start.js";

async function main() {
  const config = loadConfig();
  const providerSettings = readProviderSettings(process.env);
  const logger = createLogger(config);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    migrate: config.MIGRATE_ON_START,
    log: (message) => logger.info(message),
  });
  const app = await assembleApp({ config, database, logger, providerSettings });
  const running = await listen(app, config.PORT, config.HOST);
  logger.info(
    { database: database.kind, dataDir: database.kind === "pglite" ? config.DATA_DIR : undefined },
    `XQT5 AI Platform listening on ${running.url} (GraphQL at ${running.url}/graphql)`,
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await running.close();
    await app.services.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("The API could not start:", error);
  }
  process.exit(1);
});
