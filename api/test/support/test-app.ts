import { randomBytes } from "node:crypto";
import { type AppConfig, loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/observability/logger.js";
import { readProviderSettings } from "../../src/providers/settings.js";
import { KeyRing } from "../../src/security/secret-box.js";
import type { App } from "../../src/server/app.js";
import { listen } from "../../src/server/http-server.js";
import { type AssembleOptions, assembleApp } from "../../src/server/start.js";
import { createMigratedDatabase, type TestDatabase } from "./test-database.js";

export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }[];
}

export interface TestApp {
  url: string;
  app: App;
  config: AppConfig;
  database: TestDatabase;
  /** POSTs a GraphQL operation over real HTTP. */
  gql<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<Data> & { response: Response }>;
  close(): Promise<void>;
}

/**
 * Starts the real API on a random port over a fresh migrated test database. `env` holds the
 * variables a deployment would set (also provider keys and base URLs).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    database?: TestDatabase;
    /** Timings of answer leases, followers and final saves (see AssembleOptions). */
    timings?: Pick<AssembleOptions, "answerLease" | "followIdleCheckMs" | "finalSaveDelaysMs">;
  } = {},
): Promise<TestApp> {
  // A database handed in belongs to the caller, who closes it.
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createMigratedDatabase());
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    PWA_DIST: "/nonexistent",
    // Tests send far more than people do; the limits have tests of their own.
    RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
    RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE: "100000",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
    ...env,
  });
  const app = await assembleApp({
    config,
    database,
    logger: createLogger(config),
    providerSettings: readProviderSettings(env),
    // Replicas of one deployment share JWT_SECRET; otherwise each test app has its own.
    jwtSecret: env.JWT_SECRET ? undefined : randomBytes(32),
    keyRing: env.ENCRYPTION_KEY ? undefined : KeyRing.fromSecrets(randomBytes(32).toString("base64url")),
    providerRetry: { baseDelayMs: 10, maxDelayMs: 1_500 },
    ...options.timings,
  });
  const running = await listen(app, 0, "127.0.0.1");
  return {
    url: running.url,
    app,
    config,
    database,
    async gql(query, variables, options = {}) {
      const response = await fetch(`${running.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { ...(await response.json()), response };
    },
    async close() {
      await running.close();
      await app.services.close();
      if (ownsDatabase) await database.close();
    },
  };
}

let counter = 0;
/** Distinct, valid credentials for a new account. */
export function newCredentials(label = "user") {
  counter += 1;
  const suffix = `${counter}${randomBytes(3).toString("hex")}`;
  return {
    username: `${label}_${suffix}`,
    email: `${label}.${suffix}@example.com`,
    password: "correct horse battery",
  };
}

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id username email isAdmin } }
  }
`;

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; email: string; isAdmin: boolean };
}

/** Registers a new account and returns its tokens. */
export async function registerUser(app: TestApp, label = "user"): Promise<SignedIn & { password: string }> {
  const credentials = newCredentials(label);
  const result = await app.gql<{ register: SignedIn }>(REGISTER, { input: credentials });
  if (!result.data?.register) throw new Error(`register failed: ${JSON.stringify(result.errors)}`);
  return { ...result.data.register, password: credentials.password };
}
