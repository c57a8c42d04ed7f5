import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../src/db/migrations.js";
import { useFakeProviderServer } from "../fake-provider/use-fake-provider.js";
import { ask, graphqlAt, signUp } from "../support/graphql-at.js";
import { fakeProviderEnv } from "../support/provider-env.js";
import { followAnswer } from "../support/subscribe.js";
import { createEmptyRawDatabase, type RawTestDatabase, testDbKind } from "../support/test-database.js";
import { buildImage, inStage, type Stage } from "./dockerfile.js";
import { sampleSum } from "./prometheus-text.js";
import { type RunningImage, runImage } from "./run-image.js";
import { spawnCollecting } from "./spawn-collecting.js";

const JWT_SECRET = randomBytes(32).toString("hex");
const ENCRYPTION_KEY = randomBytes(32).toString("hex");
const METRICS_TOKEN = randomBytes(16).toString("hex");
const PASSWORD = "production password 4711";
const QUESTION = "Wie spät ist es in Köln?";
const ANSWER = "Es ist genau halb zwölf in Köln — Grüße aus dem Container 🐳";
const DEV_ONLY = ["vitest", "pino-pretty", "@biomejs/biome", "vite", "@graphql-codegen/cli", "yaml", "tsx"];

interface LogLine {
  msg: string;
  reqId?: string;
  operation?: string;
}

// The install from the lock takes about a minute; it runs once, in beforeAll.
describe.skipIf(testDbKind() !== "postgres")(
  "the API image (api/Dockerfile), built and run without Docker",
  () => {
    const fake = useFakeProviderServer();
    let image: Stage;
    let removeImage: (() => Promise<void>) | undefined;
    let database: RawTestDatabase;
    let api: RunningImage;

    beforeAll(async () => {
      ({ image, remove: removeImage } = await buildImage({ dockerfile: "api/Dockerfile" }));
      // Empty: the image must migrate it at start.
      database = await createEmptyRawDatabase();
      api = await runImage(image, {
        ...fakeProviderEnv(fake.server),
        DATABASE_URL: database.url!,
        JWT_SECRET,
        ENCRYPTION_KEY,
        METRICS_TOKEN,
        DATA_DIR: inStage(image, "/home/node/data"),
      });
    }, 600_000);

    afterAll(async () => {
      await api?.stop("SIGKILL");
      await database?.close();
      await removeImage?.();
    });

    it("holds compiled JavaScript and production dependencies only, and runs as a non-root user", () => {
      const inApp = (file: string) => existsSync(inStage(image, `/app/${file}`));
      expect(image.user).not.toMatch(/^(root|0)(:|$)/);
      expect(image.env.NODE_ENV).toBe("production");
      // The container runs what was compiled at build time; no TypeScript at run time.
      expect(image.cmd).toEqual(["node", "--enable-source-maps", "dist/main.js"]);
      expect(inApp("api/dist/main.js")).toBe(true);
      expect(inApp("api/dist/main.js.map")).toBe(true);
      expect(inApp("api/dist/generated/prisma/client.js")).toBe(true);
      expect(inApp("api/src")).toBe(false);
      expect(inApp("supabase/migrations")).toBe(true);
      for (const runtime of [
        "pino",
        "prom-client",
        "@prisma/adapter-pg",
        "graphql-yoga",
        "@electric-sql/pglite",
      ]) {
        expect(inApp(`node_modules/${runtime}/package.json`), runtime).toBe(true);
      }
      for (const devOnly of DEV_ONLY)
        expect(inApp(`node_modules/${devOnly}/package.json`), devOnly).toBe(false);
      expect(inApp("api/test")).toBe(false);
    });

    it("migrated the empty database at start and passes its own HEALTHCHECK", async () => {
      expect(await api.healthcheck()).toBe(0);
      const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith(".sql"));
      const rows = await database.sql.query<{ version: string }>(
        "select version from supabase_migrations.schema_migrations",
      );
      expect(rows).toHaveLength(files.length);
      expect(api.container.output()).toContain('"msg":"applied migration');
    });

    it("signs in and streams an answer", async () => {
      fake.server.setScenario({ text: ANSWER, chunking: "words", delayMs: 5 });
      const gql = graphqlAt(api.url);
      await signUp(gql, "operator", PASSWORD);
      const { login } = await gql<{ login: { accessToken: string } }>(
        `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
        { input: { login: "operator", password: PASSWORD } },
      );
      const messageId = await ask(gql, login.accessToken, QUESTION);
      const followed = await followAnswer(api.url, login.accessToken, messageId);
      expect(followed.errors).toEqual([]);
      expect(followed.text).toBe(ANSWER);
      expect(followed.last?.message).toMatchObject({ status: "COMPLETE", content: ANSWER });
    });

    it("serves /metrics behind its token with the answer's series", async () => {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
      const response = await fetch(`${api.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const text = await response.text();
      const openaiCompletion = { provider: "openai", kind: "completion" };
      expect(sampleSum(text, "xqt5_answers_total", { status: "complete" })).toBe(1);
      expect(sampleSum(text, "xqt5_tokens_relayed_total", openaiCompletion)).toBeGreaterThan(0);
      expect(sampleSum(text, "xqt5_provider_first_token_seconds_count", { provider: "openai" })).toBe(1);
      expect(sampleSum(text, "xqt5_open_streams")).toBe(0);
      expect(sampleSum(text, "xqt5_http_requests_total", { type: "mutation", operation: "login" })).toBe(1);
      expect(text).toMatch(/^# TYPE xqt5_errors_total counter$/m);
    });

    it("runs the PWA's operations by their hash (PERSISTED_OPERATIONS_ONLY finds its list)", async () => {
      const file = inStage(image, "/app/pwa/src/gql/persisted-documents.json");
      const documents = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
      const [hash, query] =
        Object.entries(documents).find(([, document]) => document.includes("mutation Login(")) ?? [];
      expect(query).toBeDefined();
      const response = await fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          variables: { input: { login: "operator", password: PASSWORD } },
          extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
        }),
      });
      const result = (await response.json()) as {
        data?: { login: { accessToken: string } };
        errors?: unknown;
      };
      expect(result.errors).toBeUndefined();
      expect(result.data?.login.accessToken).toEqual(expect.any(String));
    });

    it("`npm run db:migrate` works in the image and finds nothing left to apply", async () => {
      const migrate = spawnCollecting("npm", ["run", "db:migrate"], {
        cwd: inStage(image, "."),
        env: {
          PATH: process.env.PATH ?? "",
          ...image.env,
          DATABASE_URL: database.url!,
          JWT_SECRET,
          ENCRYPTION_KEY,
        },
      });
      expect(await migrate.exited).toBe(0);
      expect(migrate.output()).toContain("database (postgres) is up to date");
      expect(migrate.output()).not.toContain("applied migration");
    });

    it("logs JSON lines with request ids and without secrets or contents, and exits 0 on SIGTERM", async () => {
      expect(await api.stop("SIGTERM")).toBe(0);
      const output = api.container.output();
      const lines = output
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine);
      const requests = lines.filter((line) => line.msg === "request completed");
      expect(requests.map((line) => line.operation)).toEqual(
        expect.arrayContaining(["mutation login", "mutation sendMessage", "subscription messageStream"]),
      );
      for (const line of requests) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
      // Everything between start-up and shutdown was written while handling some request.
      const serving = lines.slice(
        lines.findIndex((line) => line.msg.includes("listening on")) + 1,
        lines.findIndex((line) => line.msg === "shutting down"),
      );
      for (const line of serving) expect(line, output).toHaveProperty("reqId");
      for (const secret of [
        PASSWORD,
        JWT_SECRET,
        ENCRYPTION_KEY,
        METRICS_TOKEN,
        QUESTION,
        ANSWER,
        "Bearer ",
        "eyJ",
      ]) {
        expect(output).not.toContain(secret);
      }
      expect(lines.at(-1)?.msg).toBe("shut down");
    });
  },
);
