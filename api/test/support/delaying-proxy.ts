import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface DelayingProxy {
  port: number;
  /** Bytes from the client to the target wait this long (0: pass at once). */
  setDelay(milliseconds: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy to 127.0.0.1:`targetPort` that can hold the client's bytes back for a while: a slow
 * network between one client and its server, so that a race a fast loopback hides becomes certain.
 */
export async function startDelayingProxy(targetPort: number): Promise<DelayingProxy> {
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const target = connect(targetPort, "127.0.0.1");
    // Bytes keep their order however the delay changes: each waits behind the one before.
    let queue = Promise.resolve();
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        target.destroy();
      });
    }
    client.on("data", (chunk) => {
      const due = Date.now() + delayMs;
      queue = queue
        .then(() => (due > Date.now() ? sleep(due - Date.now()) : undefined))
        .then(() => {
          target.write(chunk);
        });
    });
    target.on("data", (chunk) => client.write(chunk));
    client.on("end", () => target.end());
    target.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setDelay: (milliseconds) => {
      delayMs = milliseconds;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
