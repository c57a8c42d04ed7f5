// `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL (or the embedded database).
import { loadConfig } from "../src/config/env.js";
import { openDatabase } from "../src/db/database.js";

const config = loadConfig();
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  migrate: true,
  log: (message) => console.log(message),
});
console.log(`database (${database.kind}) is up to date`);
await database.close();
