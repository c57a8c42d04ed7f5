import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";

let app: TestApp;
let pwaDir: string;
const INLINE_SCRIPT = "document.documentElement.dataset.theme = 'dark';";
const ASSET = `export const greeting = ${JSON.stringify("Grüß Gott ".repeat(500))};\n`;

beforeAll(async () => {
  pwaDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-pwa-"));
  await writeFile(
    path.join(pwaDir, "index.html"),
    `<!doctype html><title>XQT5</title><script>${INLINE_SCRIPT}</script><script src="/assets/app-1234.js"></script>`,
  );
  await writeFile(path.join(pwaDir, "sw.js"), "self.addEventListener('install', () => {});");
  await writeFile(path.join(pwaDir, "registerSW.js"), "navigator.serviceWorker.register('/sw.js');");
  // The PWA build ships precompressed copies of its assets (vite-plugin-compression2).
  await mkdir(path.join(pwaDir, "assets"));
  await writeFile(path.join(pwaDir, "assets/app-1234.js"), ASSET);
  await writeFile(path.join(pwaDir, "assets/app-1234.js.br"), brotliCompressSync(ASSET));
  await writeFile(path.join(pwaDir, "assets/app-1234.js.gz"), gzipSync(ASSET));
  app = await startTestApp({ PWA_DIST: pwaDir, CORS_ORIGINS: "https://ai-hub.example.com" });
});
afterAll(() => app?.close());

const directives = (policy: string | null) =>
  new Map(
    (policy ?? "")
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name = "", ...values]) => [name, values]),
  );

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
    expect((await fetch(`${app.url}/registerSW.js`)).status).toBe(200);
    await rm(path.join(pwaDir, "registerSW.js"));
    const gone = await fetch(`${app.url}/registerSW.js`).then(
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

  it("serves the PWA with the Nginx image's security headers: CSP (no remote images, no framing), nosniff, referrer policy", async () => {
    const page = await fetch(`${app.url}/`);
    const policy = directives(page.headers.get("content-security-policy"));
    expect(policy.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    const inlineHash = `'sha256-${createHash("sha256").update(INLINE_SCRIPT).digest("base64")}'`;
    expect(policy.get("script-src")).toEqual(["'self'", inlineHash]);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    // Plain http: no HSTS (a browser would pin a site without a certificate).
    expect(page.headers.get("strict-transport-security")).toBeNull();
    const worker = directives((await fetch(`${app.url}/sw.js`)).headers.get("content-security-policy"));
    expect(worker.get("connect-src")).toEqual(["'self'"]);
  });

  it("answers a missing hashed asset with 404, not with the app shell cached for a year", async () => {
    for (const missing of ["/assets/gone-0000.js", "/assets/gone-0000"]) {
      const response = await fetch(`${app.url}${missing}`);
      expect(response.status, missing).toBe(404);
      expect(response.headers.get("cache-control"), missing).not.toContain("immutable");
    }
  });

  it("sends HSTS behind a trusted proxy that says the browser came over https", async () => {
    const proxied = await startTestApp({ PWA_DIST: pwaDir, TRUST_PROXY: "1" });
    try {
      const response = await fetch(`${proxied.url}/`, { headers: { "x-forwarded-proto": "https" } });
      expect(response.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    } finally {
      await proxied.close();
    }
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

    // An upload from the PWA's origin: multipart with the bearer token and the CSRF header it demands.
    const upload = await fetch(`${app.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "https://ai-hub.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,x-graphql-csrf",
      },
    });
    expect(upload.headers.get("access-control-allow-origin")).toBe("https://ai-hub.example.com");
    expect(upload.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-graphql-csrf");
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
