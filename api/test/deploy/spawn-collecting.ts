import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

export interface CollectingProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The exit code (null after a signal). */
  exited: Promise<number | null>;
}

/** Spawns a process and keeps what it writes, for assertions and for failure messages. */
export function spawnCollecting(
  command: string,
  args: string[],
  options: SpawnOptions & { onOutput?: (chunk: string) => void } = {},
): CollectingProcess {
  const { onOutput, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  const collect = (chunk: Buffer) => {
    chunks.push(String(chunk));
    onOutput?.(String(chunk));
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => chunks.join(""), exited };
}

/** Polls `url` until it answers 2xx; fails early when the process exits. */
export async function waitUntilServing(
  url: string,
  server: CollectingProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await fetch(url).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (server.child.exitCode !== null || Date.now() > deadline) {
      server.child.kill("SIGKILL");
      throw new Error(`${url} was not served (exit ${server.child.exitCode}):\n${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
