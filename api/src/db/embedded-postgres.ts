import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.js";

// The embedded database (PGlite: Postgres compiled to WebAssembly, in this process), set up for one
// small server rather than for Postgres's defaults:
// - shared_buffers: Postgres's default of 128 MB is memory this process holds from the first queries
//   on; 16 MB keeps an idle API with the embedded database at about 250 MB instead of 380 MB. Pages
//   that do not fit are read again from the data folder, which the operating system caches anyway.
// - A new data folder is created (initdb) by a short-lived child process: initdb's WebAssembly memory
//   (about 450 MB) would otherwise stay with the server for as long as it runs.

/** How many megabytes of table and index pages the embedded database keeps in its own cache. */
export const DEFAULT_SHARED_BUFFERS_MB = 16;

export interface EmbeddedPostgresOptions {
  sharedBuffersMb?: number;
}

export async function openEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedPostgresOptions = {},
): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialiseInChildProcess(dataDir);
  const sharedBuffers = options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB;
  return PGlite.create({
    dataDir,
    extensions: PGLITE_EXTENSIONS,
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}MB`],
  });
}

/** Runs embedded-postgres-init in a process of its own (under tsx when this file is TypeScript). */
async function initialiseInChildProcess(dataDir: string): Promise<void> {
  const typescript = import.meta.url.endsWith(".ts");
  const script = path.join(import.meta.dirname, `embedded-postgres-init.${typescript ? "ts" : "js"}`);
  const child = spawn(process.execPath, [...(typescript ? ["--import", "tsx"] : []), script, dataDir], {
    cwd: import.meta.dirname,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) {
    throw new Error(
      `The embedded database could not be created in ${dataDir} (exit ${code}): ${errors.trim()}`,
    );
  }
}
