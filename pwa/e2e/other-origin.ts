import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A small HTTP server of a test's own, on another port than the app: another origin (http://127.0.0.1:<port>,
// same site as the app) or, as http://localhost:<port>, another site. It records every request it gets.

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface OtherOrigin {
  port: number;
  /** http://127.0.0.1:<port>: the app's site (127.0.0.1), another origin. */
  sameSite: string;
  /** http://localhost:<port>: another site than the app's 127.0.0.1. */
  crossSite: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startOtherOrigin(
  respond: (path: string, response: ServerResponse) => void = (_path, response) => {
    response.writeHead(404).end();
  },
): Promise<OtherOrigin> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push({ method: request.method ?? "GET", path, headers: request.headers });
    respond(path, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    sameSite: `http://127.0.0.1:${port}`,
    crossSite: `http://localhost:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
