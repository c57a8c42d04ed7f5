import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// graphql-js ships CJS (main) and ESM (module) builds. Node loads the CJS one for our dependencies
// (Pothos, Yoga); Vite would pick the ESM one for our own files: two copies, "another realm" errors.
const graphqlMain = createRequire(import.meta.url).resolve("graphql");

// Database tests (*.db.test.ts) run once on PGlite and, when TEST_DATABASE_URL is set,
// once more on real Postgres. Everything else runs once.
const postgresUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        extends: true as const,
        test: {
          name: "pglite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          env: { TEST_DB_KIND: "pglite" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["src/**/*.db.test.ts", "test/**/*.db.test.ts"],
                env: { TEST_DB_KIND: "postgres" },
              },
            },
          ]
        : []),
    ],
  },
});
