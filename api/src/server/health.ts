import type { ServerResponse } from "node:http";
import type { Database } from "../db/database.js";
import type { Logger } from "../observability/logger.js";
import { sendJson } from "./http-replies.js";

/** /healthz: the process answers. */
export function answerHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: "ok" });
}

/** /readyz: the database answers too (a load balancer sends work only then). */
export function answerReadiness(res: ServerResponse, database: Database, logger: Logger): void {
  database.ping().then(
    () => sendJson(res, 200, { status: "ready", database: database.kind }),
    (error: unknown) => {
      logger.warn({ err: error }, "readiness check failed");
      sendJson(res, 503, { status: "unavailable", database: database.kind });
    },
  );
}
