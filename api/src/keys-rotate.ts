// `npm run keys:rotate`: re-wraps every stored provider key with the current ENCRYPTION_KEY, so that the
// keys in ENCRYPTION_KEY_PREVIOUS can be dropped afterwards. Safe to run while the API serves.
import { loadConfig } from "./config/env.js";
import { openDatabase } from "./db/database.js";
import { rotateProviderKeys } from "./provider-keys/key-rotation.js";
import { resolveKeyRing } from "./security/secret-box.js";

const config = loadConfig();
const keyRing = await resolveKeyRing({
  configured: config.ENCRYPTION_KEY,
  previous: config.ENCRYPTION_KEY_PREVIOUS,
  dataDir: config.DATA_DIR,
});
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
  migrate: true,
  log: (message) => console.log(message),
});
let unreadable = 0;
try {
  const report = await rotateProviderKeys(database.prisma, keyRing);
  console.log(
    `provider keys: ${report.rewrapped} rewrapped to key ${keyRing.currentKeyId}, ${report.current} already current, ${report.unreadable.length} unreadable`,
  );
  for (const row of report.unreadable) {
    console.error(
      `  cannot open the ${row.provider} key of organisation ${row.orgId} (sealed with key ${row.keyId}): add that ENCRYPTION_KEY to ENCRYPTION_KEY_PREVIOUS, or set the key again in the PWA`,
    );
  }
  unreadable = report.unreadable.length;
} finally {
  await database.close();
}
// After closing: the embedded database's runtime resets the exit code when it shuts down.
process.exitCode = unreadable > 0 ? 1 : 0;
