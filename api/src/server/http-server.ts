import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "./app.js";

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const server = createServer(app.handle);
  // Long-lived SSE responses must not be cut by Node's request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
