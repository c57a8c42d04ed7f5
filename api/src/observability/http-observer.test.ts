import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeHttp } from "./http-observer.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./metrics.js";

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const logger = createLogger({ LOG_LEVEL: "info", NODE_ENV: "production" }, destination);
const metrics = createMetrics({ answersInProgress: () => 0 });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server;
let url: string;

beforeAll(async () => {
  // Logs before and after awaits and from a timer, as resolvers and background work do.
  const handler = observeHttp(
    async (req, res) => {
      logger.info({ input: { password: "hunter22", content: "secret words" } }, "handling");
      await pause(Number(new URL(req.url ?? "/", "http://x").searchParams.get("wait") ?? 0));
      setTimeout(() => logger.warn("later, from a timer"), 1);
      res.end("ok");
    },
    { logger, metrics },
  );
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const linesOf = (reqId: string) => lines.filter((line) => line.reqId === reqId);

describe("observeHttp", () => {
  it("puts the request id on every line written for a request, also for concurrent ones", async () => {
    const [slow, fast] = await Promise.all([fetch(`${url}/a?wait=60&token=abc`), fetch(`${url}/b?wait=5`)]);
    await pause(20);
    const slowId = slow.headers.get("x-request-id")!;
    const fastId = fast.headers.get("x-request-id")!;
    expect(slowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fastId).not.toBe(slowId);
    for (const id of [slowId, fastId]) {
      // The timer may fire after the response has ended; its line still belongs to the request.
      expect(
        linesOf(id)
          .map((line) => line.msg)
          .sort(),
      ).toEqual(["handling", "later, from a timer", "request completed"]);
    }
    const completed = linesOf(slowId).find((line) => line.msg === "request completed");
    expect(completed).toMatchObject({ level: 30, method: "GET", path: "/a", status: 200 });
    expect(JSON.stringify(lines)).not.toMatch(/token=abc|hunter22|secret words/);
    expect(linesOf(slowId)[0]).toMatchObject({ input: { password: "[redacted]", content: "[redacted]" } });
  });

  it("keeps a proxy's request id when it looks like one, and replaces anything else", async () => {
    const kept = await fetch(`${url}/c`, { headers: { "x-request-id": "traefik-7f3a9c21" } });
    expect(kept.headers.get("x-request-id")).toBe("traefik-7f3a9c21");
    const replaced = await fetch(`${url}/c`, { headers: { "x-request-id": "no spaces allowed" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await pause(20);
    expect(linesOf("traefik-7f3a9c21").length).toBeGreaterThan(0);
  });

  it("counts requests by route when no GraphQL operation ran", async () => {
    await fetch(`${url}/assets/x.js`);
    await pause(20);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/xqt5_http_requests_total\{type="http",operation="static",status="200"\} [1-9]/);
  });
});
