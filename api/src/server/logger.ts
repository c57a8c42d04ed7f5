import { pino } from "pino";
import type { AppConfig } from "../config/env.js";

export type Logger = pino.Logger;

/** JSON lines in production; readable lines in development. Secrets never go to the log. */
export function createLogger(config: Pick<AppConfig, "LOG_LEVEL" | "NODE_ENV">): Logger {
  const pretty = config.NODE_ENV === "development" && process.stdout.isTTY;
  return pino({
    level: config.NODE_ENV === "test" && config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL,
    redact: {
      paths: [
        "*.password",
        "*.newPassword",
        "*.currentPassword",
        "*.accessToken",
        "*.refreshToken",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss" } } } : {}),
  });
}
