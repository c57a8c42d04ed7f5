import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

// A helper process (the benchmarks' provider side) tells its parent where it listens: KEY=value lines,
// then READY, on stdout.

const API_ROOT = path.resolve(import.meta.dirname, "../..");

/** In the helper process: announces `env` to the parent. */
export function announceEnv(env: Record<string, string>): void {
  console.log(
    `${Object.entries(env)
      .map(([key, value]) => `${key}=${value}`)
      .join("\n")}\nREADY`,
  );
}

/** Starts `script` (relative to api/) with tsx and waits for the variables it announces. */
export async function startAnnouncingProcess(
  script: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: API_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("READY")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const announced = Object.fromEntries(
    output
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]]),
  ) as Record<string, string>;
  return { child, env: announced };
}
