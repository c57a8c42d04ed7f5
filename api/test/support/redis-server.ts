import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./api-process.js";

export interface RedisServerOptions {
  /** Keep data across restarts (append-only file in `dataDir`); default: keep nothing, like the CI Redis. */
  persistIn?: string;
}

/** Every redis-server started here, so that none outlives the process (also when it fails). */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
});

/**
 * A redis-server of a test's own (never the machine's shared one), on a free port, that can be
 * stopped and started again on the same port — a Redis restart as a deployment sees it.
 */
export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const redis = new RedisServer(await freePort(), options);
    await redis.launch();
    return redis;
  }

  /** Stops Redis, waits `downMs`, starts it again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    await sleep(downMs);
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  }

  async launch(): Promise<void> {
    const persistence = this.options.persistIn
      ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", this.options.persistIn]
      : ["--save", "", "--appendonly", "no"];
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", ...persistence],
      {
        stdio: "ignore",
      },
    );
    this.child = child;
    running.add(child);
    child.once("exit", () => running.delete(child));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("redis-server did not answer PING within 10 s");
      await sleep(50);
    }
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
