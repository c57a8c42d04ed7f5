import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readMigrationFiles } from "../../src/db/migrations.js";
import { startApiProcess } from "../support/api-process.js";
import { createEmptyRawDatabase, testDbKind } from "../support/test-database.js";

const appliedBy = (output: string) =>
  [...output.matchAll(/"msg":"applied migration ([^"]+)"/g)].map((match) => match[1]);

describe.skipIf(testDbKind() !== "postgres")(
  "two API processes starting together against an empty database",
  () => {
    it("migrate it exactly once: one applies everything, the other waits for its lock and applies nothing", async () => {
      const database = await createEmptyRawDatabase();
      try {
        // production: info-level JSON lines, where each applied migration is logged.
        const env = {
          DATABASE_URL: database.url!,
          JWT_SECRET: randomBytes(32).toString("hex"),
          ENCRYPTION_KEY: randomBytes(32).toString("hex"),
          NODE_ENV: "production",
          PWA_DIST: "/nonexistent",
        };
        const replicas = await Promise.all([startApiProcess(env), startApiProcess(env)]);
        const files = (await readMigrationFiles()).map((migration) => migration.file);
        const applied = replicas.map((replica) => appliedBy(replica.output()));
        expect(applied.flat().sort()).toEqual([...files].sort());
        expect(applied.map((list) => list.length).sort((a, b) => a - b)).toEqual([0, files.length]);

        const history = await database.sql.query<{ version: string }>(
          "select version from supabase_migrations.schema_migrations",
        );
        expect(history).toHaveLength(files.length);
        for (const replica of replicas) expect(await replica.stop("SIGTERM")).toBe(0);
      } finally {
        await database.close();
      }
    }, 120_000);
  },
);
