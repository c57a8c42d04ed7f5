// `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL (or the embedded database).
import { loadConfig } from "../src/config/env.js";
import { openDatabase } from "../src/db/database.js";

const config = loadConfig();
// A transaction pooler cannot hold the advisory lock: prefer the direct URL when one is given.
const database = await openDatabase({
  databaseUrl: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  migrate: true,
  log: (message) => console.log(message),
});
console.log(`database (${database.kind}) is up to date`);
await database.close();
