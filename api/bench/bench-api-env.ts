import { randomBytes } from "node:crypto";

/** What every benchmark's API process runs with: production mode, fresh secrets, quiet logs, no PWA and no rate limits (one bench user sends hundreds of messages a minute). */
export function benchApiEnv(): Record<string, string> {
  return {
    NODE_ENV: "production",
    JWT_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "error",
    PWA_DIST: "/nonexistent",
    RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
  };
}
