import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http-replies.js";

/** A request whose body has been read already; Yoga takes `body` instead of reading the stream. */
export type ReadRequest = IncomingMessage & { body?: ReadBody };

/**
 * A body read already, as Yoga's request adapter (@whatwg-node/server) takes it without touching every
 * byte: it asks `Object.keys(body)` before using a body, which for a Buffer lists each byte's index — a
 * 20 MB upload then blocked the event loop for seconds (and every streaming answer with it).
 */
export class ReadBody implements AsyncIterable<Uint8Array> {
  constructor(readonly bytes: Buffer) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield this.bytes;
  }
}

/**
 * Reads a request's body, at most `maxBytes` (MAX_REQUEST_BODY_BYTES) of it: a larger one declared
 * by Content-Length is refused before a byte is read, and one that arrives without it (chunked) as soon
 * as it passes the limit — both with HTTP 413 and the connection closed, so nothing more is taken in.
 * Resolves with whether the request may go on (its body then in `req.body`).
 */
export function readBodyWithin(req: ReadRequest, res: ServerResponse, maxBytes: number): Promise<boolean> {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return Promise.resolve(true);
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) {
    refuse(res, maxBytes);
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanUp();
        chunks.length = 0;
        refuse(res, maxBytes);
        resolve(false);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      req.body = new ReadBody(Buffer.concat(chunks, received));
      resolve(true);
    };
    const onError = () => {
      cleanUp();
      resolve(false);
    };
    const cleanUp = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function refuse(res: ServerResponse, maxBytes: number): void {
  if (res.headersSent) return;
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
  // Whatever the client still sends is not read: the connection ends with the reply.
  res.once("finish", () => res.socket?.destroy());
}
