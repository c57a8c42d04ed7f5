import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The real API on a throwaway embedded database, with every provider pointed at the fake provider
// server. Used by the e2e tests (through e2e/serve.ts) and by the bench.

const pwaRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(pwaRoot, "..");
const tsx = path.join(repoRoot, "node_modules/.bin/tsx");

export interface Stack {
  url: string;
  /** The variables that point the API at the fake provider (its base URLs and its one API key). */
  providerEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before ${pattern}:\n${output}`));
    });
  });
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API at ${url} did not become ready`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}

export async function startStack(
  options: { port?: number; pwaDist?: string; log?: boolean } = {},
): Promise<Stack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-pwa-e2e-"));
  const provider = spawn(tsx, [path.join(repoRoot, "api/test/fake-provider/main.ts"), "--port", "0"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const banner = await waitForOutput(provider, /OLLAMA_BASE_URL=\S+/, 30_000);
  const providerEnv = Object.fromEntries(
    banner
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]]),
  );

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const api = spawn(tsx, [path.join(repoRoot, "api/src/main.ts")], {
    cwd: path.join(repoRoot, "api"),
    stdio: ["ignore", options.log ? "inherit" : "pipe", options.log ? "inherit" : "pipe"],
    env: {
      ...process.env,
      ...providerEnv,
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      PWA_DIST: options.pwaDist ?? path.join(pwaRoot, "dist"),
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      AUTH_RATE_LIMIT_PER_IP: "100000",
      AUTH_RATE_LIMIT_PER_ACCOUNT: "100000",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
    },
  });
  let apiOutput = "";
  api.stdout?.on("data", (chunk: Buffer) => {
    apiOutput += chunk.toString();
  });
  api.stderr?.on("data", (chunk: Buffer) => {
    apiOutput += chunk.toString();
  });
  try {
    await waitForReady(url, 120_000);
  } catch (error) {
    await Promise.all([stopProcess(api), stopProcess(provider)]);
    throw new Error(`${(error as Error).message}\n${apiOutput}`);
  }

  return {
    url,
    providerEnv,
    async stop() {
      await Promise.all([stopProcess(api), stopProcess(provider)]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
