import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { ServerLifecycle } from "./shutdown.js";

// A draining replica lets the requests it took finish, but none of their connections stay open for the
// next request: that one would reach a replica about to stop (and get 503) instead of another.

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  if (server?.listening) await new Promise((resolve) => server?.close(resolve));
});

it("a response in progress when draining begins closes its kept-alive connection", async () => {
  const lifecycle = new ServerLifecycle();
  // The first request is answered at once; the second waits until the test says so.
  let requests = 0;
  let respond!: () => void;
  let handled!: () => void;
  const secondHandled = new Promise<void>((resolve) => {
    handled = resolve;
  });
  server = http.createServer((_req, res) => {
    lifecycle.track(res);
    requests += 1;
    if (requests === 1) return void res.end("at once");
    respond = () => res.end("done");
    handled();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: "127.0.0.1", port, agent }, resolve).on("error", reject),
    );

  const first = await get();
  first.resume();
  expect(first.headers.connection).toBe("keep-alive");
  await once(first, "end");

  const second = get();
  await secondHandled;
  lifecycle.beginDraining();
  respond();
  const response = await second;
  expect(response.headers.connection).toBe("close");
  response.resume();
  await once(response.socket, "close");
  agent.destroy();
});
