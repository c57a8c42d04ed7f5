import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { waitForServiceWorker } from "./support";

// A new version reaches installed apps: the service worker finds the new build, the app offers
// "a new version is available — reload", and after the reload the new build runs. The build is served
// from a copy by a plain file server (read on every request), so the test can deploy a "next version".

const builtApp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webmanifest": "application/manifest+json",
};

let root: string;
let server: Server;
let origin: string;

test.beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "xqt5-pwa-update-"));
  await cp(builtApp, root, { recursive: true });
  server = createServer(async (request, response) => {
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
    // No API here: the app shows its sign-in screen, which is enough to see the update offer.
    if (pathname.startsWith("/graphql")) return response.writeHead(503).end();
    const file = path.join(root, pathname === "/" ? "index.html" : pathname);
    try {
      const body = await readFile(file.startsWith(root) ? file : path.join(root, "index.html"));
      response.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      response.end(body);
    } catch {
      response.writeHead(200, { "content-type": TYPES[".html"] });
      response.end(await readFile(path.join(root, "index.html")));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(root, { recursive: true, force: true });
});

// On the first visit the worker takes control after the page loaded; an installed app opens controlled.
for (const visit of ["first visit", "installed app"] as const) {
  test(`a new version is offered, and runs after the reload (${visit})`, async ({ page }) => {
    await page.goto(`${origin}/`);
    await waitForServiceWorker(page);
    if (visit === "installed app") await page.reload();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    const buildMarker = page.locator('meta[name="xqt5-build"]');
    await expect(buildMarker).toHaveCount(0);

    // Deploy the next version: a changed app shell, and a service worker that precaches it.
    const html = await readFile(path.join(root, "index.html"), "utf8");
    await writeFile(
      path.join(root, "index.html"),
      html.replace("</head>", '<meta name="xqt5-build" content="next"></head>'),
    );
    const worker = await readFile(path.join(root, "sw.js"), "utf8");
    const nextWorker = worker.replace(/(url:"index\.html",revision:")[^"]+/, "$1next-build");
    expect(nextWorker).not.toBe(worker);
    await writeFile(path.join(root, "sw.js"), nextWorker);

    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const offer = page.getByText("A new version is available.");
    await expect(offer).toBeVisible();
    // Nothing changes behind the person's back: the running version stays until they choose.
    await expect(buildMarker).toHaveCount(0);

    await page.getByRole("button", { name: "Reload" }).click();
    await expect(buildMarker).toHaveCount(1);
    await expect(offer).toBeHidden();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });
}
