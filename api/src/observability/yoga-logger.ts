import type { Logger } from "./logger.js";

type YogaLevel = "debug" | "info" | "warn" | "error";

/**
 * Yoga's log lines, written through our logger (JSON, request id, redaction). Yoga logs an error
 * whenever the error masker replaces one: that repeats what the masker already logged for unexpected
 * errors and adds a stack trace for every client error (wrong password, NOT_FOUND …), so those lines
 * go to debug.
 */
export function yogaLogger(logger: Logger): Record<YogaLevel, (...args: unknown[]) => void> {
  const at =
    (level: "debug" | "info" | "warn") =>
    (first: unknown, ...rest: unknown[]) =>
      logger[level](first, rest.length > 0 ? rest.map(String).join(" ") : undefined);
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("debug") };
}
