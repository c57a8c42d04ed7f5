import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.js";

// Creates the embedded database's data folder and exits (see embedded-postgres.ts for why apart).
const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: embedded-postgres-init <data folder>");
const database = await PGlite.create({ dataDir, extensions: PGLITE_EXTENSIONS });
await database.close();
