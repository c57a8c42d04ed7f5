import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

// The size budget: JS + CSS needed for the first screen (the entry chunk, everything it imports
// statically, and their CSS) must stay at or under 100 KB gzip. Lazy chunks are listed, not counted.

const BUDGET_BYTES = 100 * 1000;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const manifest = JSON.parse(await readFile(path.join(dist, ".vite/manifest.json"), "utf8")) as Record<
  string,
  ManifestChunk
>;

function staticClosure(keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return seen;
}

function filesOf(keys: Iterable<string>): Set<string> {
  const files = new Set<string>();
  for (const key of keys) {
    const chunk = manifest[key];
    if (!chunk) continue;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
  }
  return files;
}

async function gzipSize(file: string): Promise<{ raw: number; gzip: number }> {
  const content = await readFile(path.join(dist, file));
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

const entries = Object.entries(manifest)
  .filter(([, chunk]) => chunk.isEntry)
  .map(([key]) => key);
const firstScreenKeys = staticClosure(entries);
const firstScreen = filesOf(firstScreenKeys);
// Everything reachable through dynamic imports, at any depth.
const lazyKeys = new Set<string>();
const pending = [...firstScreenKeys].flatMap((key) => manifest[key]?.dynamicImports ?? []);
for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
  if (lazyKeys.has(key) || firstScreenKeys.has(key)) continue;
  lazyKeys.add(key);
  pending.push(...(manifest[key]?.imports ?? []), ...(manifest[key]?.dynamicImports ?? []));
}
const lazy = [...filesOf(lazyKeys)].filter((file) => !firstScreen.has(file));

let total = 0;
console.log("First screen (JS + CSS, gzip):");
for (const file of [...firstScreen].sort()) {
  const size = await gzipSize(file);
  total += size.gzip;
  console.log(`  ${file.padEnd(48)} ${kb(size.raw).padStart(10)} raw  ${kb(size.gzip).padStart(9)} gzip`);
}
console.log(
  `  ${"total".padEnd(48)} ${"".padStart(14)} ${kb(total).padStart(9)} gzip (budget ${kb(BUDGET_BYTES)})`,
);
console.log("\nLazy chunks (loaded on demand, not counted):");
for (const file of lazy.sort()) {
  const size = await gzipSize(file);
  console.log(`  ${file.padEnd(48)} ${kb(size.raw).padStart(10)} raw  ${kb(size.gzip).padStart(9)} gzip`);
}

if (total > BUDGET_BYTES) {
  console.error(`\nOver budget: ${kb(total)} > ${kb(BUDGET_BYTES)} gzip for the first screen.`);
  process.exit(1);
}
console.log(`\nWithin budget: ${kb(total)} ≤ ${kb(BUDGET_BYTES)} gzip.`);
