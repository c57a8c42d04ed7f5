import { once } from "node:events";
import http from "node:http";
import { afterEach, expect, it } from "vitest";
import type { App } from "./app.js";
import { KEEP_ALIVE_MS, listen, type RunningServer } from "./http-server.js";

// A client or proxy that reuses an idle connection must find it open: the server keeps it longer than
// they keep theirs, and says so, so that a client that honours the hint never writes to a closed socket.

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
});

const app = {
  handle: (_req: http.IncomingMessage, res: http.ServerResponse) => res.end("ok"),
} as unknown as App;

it("keeps an idle connection open longer than the proxies in front keep theirs, and announces it", async () => {
  running = await listen(app, 0, "127.0.0.1");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${running?.url}/`, { agent }, resolve).on("error", reject),
    );
  const first = await get();
  first.resume();
  await once(first, "end");
  expect(first.headers["keep-alive"]).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
  expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000);
  // The same connection answers the next request.
  const socket = first.socket;
  const second = await get();
  second.resume();
  await once(second, "end");
  expect(second.socket).toBe(socket);
  agent.destroy();
});
