import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";

let app: TestApp;
let pwaDir: string;
const ASSET = `export const greeting = ${JSON.stringify("Grüß Gott ".repeat(500))};\n`;

beforeAll(async () => {
  pwaDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-pwa-"));
  await writeFile(path.join(pwaDir, "index.html"), "<!doctype html><title>XQT5</title>");
  await writeFile(path.join(pwaDir, "sw.js"), "self.addEventListener('install', () => {});");
  // The PWA build ships precompressed copies of its assets (vite-plugin-compression2).
  await mkdir(path.join(pwaDir, "assets"));
  await writeFile(path.join(pwaDir, "assets/app-1234.js"), ASSET);
  await writeFile(path.join(pwaDir, "assets/app-1234.js.br"), brotliCompressSync(ASSET));
  await writeFile(path.join(pwaDir, "assets/app-1234.js.gz"), gzipSync(ASSET));
  app = await startTestApp({ PWA_DIST: pwaDir, CORS_ORIGINS: "https://ai-hub.example.com" });
});
afterAll(() => app?.close());

describe("HTTP server", () => {
  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  it("answers /readyz with 503 when the database is gone", async () => {
    const other = await startTestApp();
    await other.database.close();
    const ready = await fetch(`${other.url}/readyz`);
    expect(ready.status).toBe(503);
    await other.close().catch(() => {});
  });

  it("answers { __typename } at /graphql", async () => {
    const result = await app.gql(`{ __typename }`);
    expect(result.data).toEqual({ __typename: "Query" });
  });

  it("serves the PWA with an SPA fallback", async () => {
    for (const route of ["/", "/chats/123"]) {
      const response = await fetch(`${app.url}${route}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<title>XQT5</title>");
    }
  });

  it("survives a file of the build vanishing under it (a rebuild while it runs): that request fails, nothing else", async () => {
    expect((await fetch(`${app.url}/sw.js`)).status).toBe(200);
    await rm(path.join(pwaDir, "sw.js"));
    const gone = await fetch(`${app.url}/sw.js`).then(
      (response) =>
        response.text().then(
          () => "answered",
          () => "cut",
        ),
      () => "cut",
    );
    expect(gone).toBe("cut");
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/`)).text()).toContain("XQT5");
  });

  it("sends the build's precompressed assets to clients that accept them, as immutable", async () => {
    for (const [accept, encoding] of [
      ["br, gzip", "br"],
      ["gzip", "gzip"],
      ["identity", null],
    ] as const) {
      const response = await fetch(`${app.url}/assets/app-1234.js`, {
        headers: { "accept-encoding": accept },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-encoding"), accept).toBe(encoding);
      expect(response.headers.get("content-type")).toMatch(/javascript/);
      expect(response.headers.get("cache-control")).toContain("immutable");
      expect(await response.text()).toBe(ASSET);
    }
  });

  it("allows exactly CORS_ORIGINS, with credentials", async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/graphql`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight("https://ai-hub.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ai-hub.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await preflight("https://evil.example.com");
    expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example.com");
  });

  it("answers unauthenticated requests for protected fields with UNAUTHENTICATED", async () => {
    const result = await app.gql(`{ me { id } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("never lets a database error reach the client through authentication", async () => {
    // A malformed session id makes the database itself fail; nothing of that may reach the client.
    const token = (
      await app.app.services.signer.signAccess({ userId: "x", sessionId: "not-a-uuid", tokenVersion: 0 })
    ).token;
    const result = await app.gql(`{ me { id } }`, {}, { token });
    const body = JSON.stringify(result.errors);
    expect(body).not.toMatch(/uuid|syntax|stack|prisma|select/i);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
