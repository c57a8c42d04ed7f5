import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Database } from "../db/database.js";
import type { Logger } from "../observability/logger.js";
import { sendJson } from "./http-replies.js";

/** /healthz: the process answers. */
export function answerHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: "ok" });
}

// A ping waiting this long for a pooled connection, shortly after one succeeded, means "busy", not
// "down": a replica taking all the traffic must not leave the rotation because its pool is in use.
const BUSY_MS = 500;
const RECENT_MS = 10_000;

/**
 * /readyz: the database answers too (a load balancer sends work only then). One ping at a time; when
 * the database answered within the last seconds and the ping is merely slow, the replica stays ready.
 * A failed ping is reported at once.
 */
export function createReadiness(database: Database, logger: Logger) {
  let answeredAt = Number.NEGATIVE_INFINITY;
  let ping: Promise<boolean> | undefined;
  const check = () => {
    ping ??= database
      .ping()
      .then(
        () => {
          answeredAt = Date.now();
          return true;
        },
        (error: unknown) => {
          logger.warn({ err: error }, "readiness check failed");
          return false;
        },
      )
      .finally(() => {
        ping = undefined;
      });
    return ping;
  };

  return async (res: ServerResponse): Promise<void> => {
    const answered = check();
    const ready =
      Date.now() - answeredAt < RECENT_MS
        ? await Promise.race([answered, sleep(BUSY_MS, true, { ref: false })])
        : await answered;
    if (ready) sendJson(res, 200, { status: "ready", database: database.kind });
    else sendJson(res, 503, { status: "unavailable", database: database.kind });
  };
}
