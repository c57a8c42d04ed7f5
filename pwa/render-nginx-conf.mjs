// Renders nginx.conf.template for a built PWA (used by pwa/Dockerfile):
//   VITE_API_BASE=https://api.example.com node pwa/render-nginx-conf.mjs <dist> <output>
// The CSP lets the app connect only to the origin of VITE_API_BASE (same origin when it is empty) and
// run only its own scripts, plus index.html's inline ones by their SHA-256.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

const [dist, output] = process.argv.slice(2);
if (!dist || !output) throw new Error("usage: node render-nginx-conf.mjs <dist> <output>");

const apiBase = process.env.VITE_API_BASE ?? "";
const apiOrigin = apiBase ? new URL(apiBase).origin : "'self'";

const html = await readFile(`${dist}/index.html`, "utf8");
const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((match) => match[1])
  .filter((body) => body.trim());
const hashes = inlineScripts.map((body) => `'sha256-${createHash("sha256").update(body).digest("base64")}'`);

const template = await readFile(new URL("./nginx.conf.template", import.meta.url), "utf8");
await writeFile(
  output,
  template.replaceAll("__API_ORIGIN__", apiOrigin).replaceAll("__SCRIPT_HASHES__", hashes.join(" ")),
);
console.log(
  `nginx configuration written to ${output} (connect-src ${apiOrigin}, ${hashes.length} inline scripts)`,
);
