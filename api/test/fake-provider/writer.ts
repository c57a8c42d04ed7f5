import type { ServerResponse } from "node:http";
import { setImmediate, setTimeout } from "node:timers/promises";
import type { Scenario } from "./types.js";

// Writes an SSE body the way the scenario asks: one write per event, random byte cuts (also inside UTF-8
// characters and inside "\r\n\r\n"), or everything at once; paced; optionally left open (a stall).

export interface WriteOptions {
  chunking: Scenario["chunking"];
  delayMs: number;
  random: () => number;
  /** Leave the response open after the last write, until the client goes away. */
  keepOpen: boolean;
  /** With keepOpen: destroy the connection after this many ms of silence instead of waiting for the client. */
  keepOpenMs?: number;
  /** Destroy the connection after the last write (and one more pause) instead of ending the response. */
  cut?: boolean;
  /** Called after each write with the number of bytes written. */
  onWrite?: (bytes: number) => void;
}

export async function writeStream(
  response: ServerResponse,
  frames: string[],
  options: WriteOptions,
): Promise<void> {
  let closed = false;
  const clientGone = new Promise<void>((resolve) => {
    response.once("close", () => {
      closed = true;
      resolve();
    });
  });
  const writes = splitWrites(frames, options);
  for (const [index, bytes] of writes.entries()) {
    // Yielding between writes keeps them separate chunks on the wire even with delayMs 0.
    if (index > 0)
      await Promise.race([options.delayMs > 0 ? setTimeout(options.delayMs) : setImmediate(), clientGone]);
    if (closed) return;
    response.write(bytes);
    options.onWrite?.(bytes.length);
  }
  if (options.cut) {
    // A pause first, so the bytes written before reach the client before the connection breaks.
    await Promise.race([setTimeout(Math.max(options.delayMs, 10)), clientGone]);
    response.destroy();
  } else if (options.keepOpen && options.keepOpenMs !== undefined) {
    await Promise.race([setTimeout(options.keepOpenMs), clientGone]);
    response.destroy();
  } else if (options.keepOpen) await clientGone;
  else response.end();
}

function splitWrites(frames: string[], options: WriteOptions): Buffer[] {
  if (options.chunking === "words") return frames.map((frame) => Buffer.from(frame, "utf8"));
  const body = Buffer.from(frames.join(""), "utf8");
  if (options.chunking === "single") return [body];
  const writes: Buffer[] = [];
  for (let offset = 0; offset < body.length; ) {
    const size = 1 + Math.floor(options.random() * 12);
    writes.push(body.subarray(offset, offset + size));
    offset += size;
  }
  return writes;
}
