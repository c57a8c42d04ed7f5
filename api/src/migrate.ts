// `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL (or the embedded database).
import { loadConfig } from "./config/env.js";
import { openDatabase } from "./db/database.js";

const config = loadConfig();
// A transaction pooler cannot hold the advisory lock: prefer the direct URL when one is given.
const database = await openDatabase({
  databaseUrl: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
  migrate: true,
  log: (message) => console.log(message),
});
console.log(`database (${database.kind}) is up to date`);
await database.close();
