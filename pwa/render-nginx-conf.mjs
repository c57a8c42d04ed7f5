// Renders nginx.conf.template for a built PWA (used by pwa/Dockerfile; tsx loads the shared policy):
//   VITE_API_BASE=https://api.example.com node --import tsx pwa/render-nginx-conf.mjs <dist> <output>
// The CSP and the other security headers are the API's own (api/src/server/pwa-security-headers.ts):
// the app connects only to the origin of VITE_API_BASE (same origin when it is empty) and runs only its
// own scripts, plus index.html's inline ones by their SHA-256.
import { readFile, writeFile } from "node:fs/promises";
import {
  inlineScriptHashes,
  PWA_SECURITY_HEADERS,
  pageContentSecurityPolicy,
  STRICT_TRANSPORT_SECURITY,
  workerContentSecurityPolicy,
} from "../api/src/server/pwa-security-headers.ts";

const [dist, output] = process.argv.slice(2);
if (!dist || !output) throw new Error("usage: node --import tsx render-nginx-conf.mjs <dist> <output>");

const apiBase = process.env.VITE_API_BASE ?? "";
const apiOrigin = apiBase ? new URL(apiBase).origin : "'self'";
const scriptHashes = inlineScriptHashes(await readFile(`${dist}/index.html`, "utf8"));

const headerLines = Object.entries(PWA_SECURITY_HEADERS)
  .map(([name, value]) => `    add_header ${name} "${value}" always;`)
  .join("\n");
const template = await readFile(new URL("./nginx.conf.template", import.meta.url), "utf8");
await writeFile(
  output,
  template
    .replaceAll("__PAGE_CSP__", pageContentSecurityPolicy({ apiOrigin, scriptHashes }))
    .replaceAll("__WORKER_CSP__", workerContentSecurityPolicy({ apiOrigin }))
    .replaceAll("__SECURITY_HEADERS__", headerLines.trimStart())
    .replaceAll("__HSTS__", STRICT_TRANSPORT_SECURITY),
);
console.log(
  `nginx configuration written to ${output} (connect-src ${apiOrigin}, ${scriptHashes.length} inline scripts)`,
);
