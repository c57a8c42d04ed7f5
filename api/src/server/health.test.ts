import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import type { Database } from "../db/database.js";
import { createLogger } from "../observability/logger.js";
import { createReadiness } from "./health.js";

// A replica taking all the traffic (the other one is being redeployed) has every pooled connection in
// use: its readiness ping waits. That is busy, not down — leaving the rotation would leave none.

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  if (server?.listening) await new Promise((resolve) => server?.close(resolve));
});

/** Serves /readyz over a database whose next pings the test decides. */
async function serveReadiness(ping: () => Promise<void>) {
  const database = { kind: "postgres", ping } as unknown as Database;
  const answerReadiness = createReadiness(database, createLogger({ LOG_LEVEL: "silent", NODE_ENV: "test" }));
  server = http.createServer((_req, res) => void answerReadiness(res));
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return async () => {
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: response.status, ms: Date.now() - started };
  };
}

it("stays ready while the pool is busy, shortly after the database answered", async () => {
  let busy = false;
  const readyz = await serveReadiness(() =>
    busy ? new Promise<void>((resolve) => setTimeout(resolve, 5_000)) : Promise.resolve(),
  );
  expect((await readyz()).status).toBe(200);
  busy = true;
  const whileBusy = await readyz();
  expect(whileBusy.status).toBe(200);
  expect(whileBusy.ms).toBeLessThan(2_000);
});

it("reports a database that refuses at once, busy or not", async () => {
  let refuse = false;
  const readyz = await serveReadiness(() =>
    refuse ? Promise.reject(new Error("connection refused")) : Promise.resolve(),
  );
  expect((await readyz()).status).toBe(200);
  refuse = true;
  expect((await readyz()).status).toBe(503);
});

it("waits for the first answer of the database before it says ready", async () => {
  let answer!: () => void;
  const readyz = await serveReadiness(
    () =>
      new Promise<void>((resolve) => {
        answer = resolve;
      }),
  );
  const first = readyz();
  await new Promise((resolve) => setTimeout(resolve, 800));
  answer();
  const result = await first;
  expect(result.status).toBe(200);
  expect(result.ms).toBeGreaterThanOrEqual(700);
});
