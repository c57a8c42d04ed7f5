import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { FakeProviderServer } from "../fake-provider/server.js";
import { fakeProviderEnv } from "./provider-env.js";
import { RedisServer } from "./redis-server.js";
import { startTestApp, type TestApp } from "./test-app.js";
import { createMigratedDatabase } from "./test-database.js";

export interface TwoReplicas {
  readonly first: TestApp;
  readonly second: TestApp;
}

/**
 * Two API replicas over one database and one Redis of their own (started for the file, stopped after
 * it), talking to the fake provider: what a deployment with two api containers is.
 */
export function useTwoReplicas(provider: () => FakeProviderServer): TwoReplicas {
  let redis: RedisServer | undefined;
  let database: Awaited<ReturnType<typeof createMigratedDatabase>> | undefined;
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    database = await createMigratedDatabase();
    const env = {
      ...fakeProviderEnv(provider()),
      REDIS_URL: redis.url,
      JWT_SECRET: randomBytes(32).toString("hex"),
    };
    first = await startTestApp(env, { database });
    second = await startTestApp(env, { database });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.close();
    await redis?.stop();
  });

  const started = (app: TestApp | undefined) => {
    if (!app) throw new Error("the replicas start in beforeAll");
    return app;
  };
  return {
    get first() {
      return started(first);
    },
    get second() {
      return started(second);
    },
  };
}
