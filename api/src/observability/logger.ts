import { pino } from "pino";
import type { AppConfig } from "../config/env.js";
import { requestLogFields } from "./request-context.js";

export type Logger = pino.Logger;

// Keys whose values never reach the log: credentials, tokens, and what people wrote or were answered.
const SECRET_KEYS = [
  "password",
  "newPassword",
  "currentPassword",
  "accessToken",
  "refreshToken",
  "token",
  "authorization",
  "cookie",
  "set-cookie",
  "apiKey",
  "jwtSecret",
  "variables",
  "content",
  "text",
];

/**
 * JSON lines (one object per line, with `reqId` while handling a request) in production; readable lines
 * in development. `destination` lets tests read what is logged.
 */
export function createLogger(
  config: Pick<AppConfig, "LOG_LEVEL" | "NODE_ENV">,
  destination?: pino.DestinationStream,
): Logger {
  const pretty = config.NODE_ENV === "development" && process.stdout.isTTY && !destination;
  const options: pino.LoggerOptions = {
    level: config.NODE_ENV === "test" && config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL,
    mixin: requestLogFields,
    redact: {
      paths: SECRET_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.headers["${key}"]`]),
      censor: "[redacted]",
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss" } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
