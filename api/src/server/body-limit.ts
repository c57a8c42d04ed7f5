import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http-replies.js";

/**
 * Refuses a request whose declared body is larger than `maxBytes` (MAX_REQUEST_BODY_BYTES) with
 * HTTP 413 before anything reads it. Returns whether it answered.
 */
export function refuseOversizedBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  if (Number(req.headers["content-length"] ?? 0) <= maxBytes) return false;
  sendJson(
    res,
    413,
    {
      errors: [
        {
          message: `The request body is larger than ${maxBytes} bytes`,
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    },
    { connection: "close" },
  );
  return true;
}
