import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { App } from "./app.js";

// While closing, keep-alive connections become idle after their last response; they are closed then.
const IDLE_SWEEP_MS = 100;
// An idle kept-alive connection stays open longer than the proxies and clients in front keep theirs
// (Nginx, Traefik and load balancers: 60 s): with Node's 5 s, a client reusing a connection the server
// had just closed got ECONNRESET. Headers must be allowed a little longer than an idle connection.
export const KEEP_ALIVE_MS = 65_000;
const HEADERS_TIMEOUT_MS = KEEP_ALIVE_MS + 1_000;

export interface RunningServer {
  server: Server;
  url: string;
  /** Refuses new connections; open requests (streams) go on. */
  stopAccepting(): void;
  /** Waits up to `waitMs` for open requests to end, then cuts the rest. */
  close(waitMs?: number): Promise<void>;
}

export async function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app.handle);
  // Long-lived SSE responses must not be cut by Node's request timeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  let closed: Promise<void> | null = null;
  const stopAccepting = () => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  };
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    stopAccepting,
    close: async (waitMs = 0) => {
      const allClosed = stopAccepting();
      if (waitMs > 0) {
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        await Promise.race([allClosed, sleep(waitMs)]);
        clearInterval(sweep);
      }
      server.closeAllConnections();
      await allClosed;
    },
  };
}
