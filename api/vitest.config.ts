import { defineConfig } from "vitest/config";

// Database tests (*.db.test.ts) run once on PGlite and, when TEST_DATABASE_URL is set,
// once more on real Postgres. Everything else runs once.
const postgresUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          env: { TEST_DB_KIND: "pglite" },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true,
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
