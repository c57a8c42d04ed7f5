import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/api-process.js";
import { buildImage, inStage, type Stage } from "./dockerfile.js";
import { type CollectingProcess, spawnCollecting, waitUntilServing } from "./spawn-collecting.js";

const NGINX = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find((candidate) => existsSync(candidate));
const API_BASE = "https://api.xqtfive.example/";
const API_ORIGIN = "https://api.xqtfive.example";
const IMMUTABLE = "public, max-age=31536000, immutable";

// The image's nginx serves /usr/share/nginx/html on port 8080; here the same server block is served by
// this machine's nginx (CI installs nginx-light) from the built stage, on a free port.
describe.skipIf(!NGINX)("pwa/Dockerfile: the build, served with its nginx configuration", () => {
  let image: Stage;
  let removeImage: (() => Promise<void>) | undefined;
  let nginx: CollectingProcess;
  let url: string;
  let html: string;

  beforeAll(async () => {
    ({ image, remove: removeImage } = await buildImage({
      dockerfile: "pwa/Dockerfile",
      buildArgs: { VITE_API_BASE: API_BASE },
      reuseInstalledDependencies: true,
    }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    html = await readFile(inStage(image, "/usr/share/nginx/html/index.html"), "utf8");
    nginx = await startNginx(image, port);
  }, 300_000);

  afterAll(async () => {
    nginx?.child.kill("SIGTERM");
    await nginx?.exited;
    await removeImage?.();
  });

  const get = (pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${pathname}`, { headers });
  const policyOf = (response: Response) =>
    new Map(
      (response.headers.get("content-security-policy") ?? "")
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
  const someAsset = async (extension: string) => {
    const files = await readdir(inStage(image, "/usr/share/nginx/html/assets"));
    // One the build precompressed (files under 1 KB have no .gz copy: nginx compresses those itself).
    const file = files.find((name) => name.endsWith(extension) && files.includes(`${name}.gz`));
    if (!file) throw new Error(`no ${extension} in the build`);
    return `/assets/${file}`;
  };

  it("serves the app shell for every client-side route, never cached", async () => {
    for (const route of ["/", "/index.html", "/chats/5f0c1e2a/settings"]) {
      const response = await get(route);
      expect(response.status, route).toBe(200);
      expect(response.headers.get("content-type"), route).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control"), route).toBe("no-cache");
      expect(await response.text(), route).toBe(html);
    }
  });

  it("caches hashed assets for a year as immutable, gzipped, and 404s a missing one", async () => {
    for (const asset of [await someAsset(".js"), await someAsset(".css")]) {
      const response = await get(asset, { "accept-encoding": "gzip" });
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("cache-control"), asset).toBe(IMMUTABLE);
      expect(response.headers.get("content-encoding"), asset).toBe("gzip");
      // gzip_static: the build's own .gz copy goes out as it is (with its length), not compressed per request.
      const precompressed = await readFile(inStage(image, `/usr/share/nginx/html${asset}.gz`));
      expect(response.headers.get("content-length"), asset).toBe(String(precompressed.length));
    }
    const missing = await get("/assets/index-00000000.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBeNull();
    expect(await missing.text()).not.toBe(html);
  });

  it("never caches the service worker and the manifest", async () => {
    const worker = await get("/sw.js");
    expect(worker.status).toBe(200);
    expect(worker.headers.get("cache-control")).toBe("no-cache");
    // The worker precaches the app's own files, so it may connect to its origin (and the API).
    expect(policyOf(worker).get("connect-src")).toEqual(["'self'", API_ORIGIN]);
    const manifest = await get("/manifest.webmanifest");
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("cache-control")).toBe("no-cache");
    expect(manifest.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
  });

  it("sends the security headers; the CSP lets the page connect only to the API", async () => {
    for (const route of ["/", await someAsset(".js"), "/sw.js", "/no/such/route", "/assets/missing.css"]) {
      const response = await get(route);
      expect(response.headers.get("x-content-type-options"), route).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), route).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("content-security-policy"), route).toBeTruthy();
    }
    const policy = policyOf(await get("/"));
    expect(policy.get("connect-src")).toEqual([API_ORIGIN]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    // index.html's inline script (theme before first paint) runs by its hash, nothing else inline.
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (match) => match[1]!,
    );
    const hashes = inline.map((body) => `'sha256-${createHash("sha256").update(body).digest("base64")}'`);
    expect(policy.get("script-src")).toEqual(["'self'", ...hashes]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    // Answers' remote images are not fetched (prompt-injection exfiltration).
    expect(policy.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
  });

  it("sends HSTS only when the proxy in front says the browser came over https", async () => {
    expect((await get("/")).headers.get("strict-transport-security")).toBeNull();
    const viaHttps = await get("/", { "x-forwarded-proto": "https" });
    expect(viaHttps.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });

  it("answers the image's HEALTHCHECK path and hides build metadata", async () => {
    const probe = new URL(image.healthcheck!.at(-1)!);
    expect(probe.port).toBe("8080");
    expect((await get(probe.pathname)).status).toBe(200);
    expect((await get("/.vite/manifest.json")).status).toBe(404);
  });
});

/** Serves the stage's server block with a main configuration like the image's, on `port`. */
async function startNginx(image: Stage, port: number): Promise<CollectingProcess> {
  const workDir = path.dirname(image.root);
  const serverBlock = await readFile(inStage(image, "/etc/nginx/conf.d/default.conf"), "utf8");
  const root = "root /usr/share/nginx/html;";
  expect(serverBlock.split("listen 8080;")).toHaveLength(2);
  expect(serverBlock.split(root)).toHaveLength(2);
  const local = serverBlock
    .replace("listen 8080;", `listen 127.0.0.1:${port};`)
    .replace(root, `root ${inStage(image, "/usr/share/nginx/html")};`);
  await writeFile(path.join(workDir, "default.conf"), local);
  const temp = (name: string) => `${name}_temp_path ${path.join(workDir, name)};`;
  await writeFile(
    path.join(workDir, "nginx.conf"),
    `daemon off;
pid ${path.join(workDir, "nginx.pid")};
error_log ${path.join(workDir, "error.log")} warn;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  access_log off;
  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n  ")}
  include ${path.join(workDir, "default.conf")};
}
`,
  );
  const nginx = spawnCollecting(NGINX!, [
    "-e",
    path.join(workDir, "error.log"),
    "-c",
    path.join(workDir, "nginx.conf"),
  ]);
  await waitUntilServing(`http://127.0.0.1:${port}/healthz`, nginx, 20_000);
  return nginx;
}
