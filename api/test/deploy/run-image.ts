import path from "node:path";
import { freePort } from "../support/api-process.js";
import type { Stage } from "./dockerfile.js";
import { type CollectingProcess, spawnCollecting, waitUntilServing } from "./spawn-collecting.js";

export interface RunningImage {
  url: string;
  container: CollectingProcess;
  /** Runs the image's HEALTHCHECK command as Docker would; its exit code. */
  healthcheck(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a built stage's CMD like `docker run` would (its ENV, its WORKDIR), on a free port. */
export async function runImage(
  stage: Stage,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<RunningImage> {
  if (!stage.cmd || !stage.healthcheck) throw new Error(`stage ${stage.name} needs a CMD and a HEALTHCHECK`);
  const port = await freePort();
  const options = {
    cwd: path.join(stage.root, stage.workdir),
    env: { PATH: process.env.PATH ?? "", ...stage.env, HOST: "127.0.0.1", PORT: String(port), ...env },
  };
  const [command, ...args] = stage.cmd as [string, ...string[]];
  const container = spawnCollecting(command, args, options);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/readyz`, container, timeoutMs);
  const [probe, ...probeArgs] = stage.healthcheck as [string, ...string[]];
  return {
    url,
    container,
    healthcheck: () => spawnCollecting(probe, probeArgs, options).exited,
    stop: (signal = "SIGTERM") => {
      if (container.child.exitCode === null) container.child.kill(signal);
      return container.exited;
    },
  };
}
