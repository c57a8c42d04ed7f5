import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "../scripts/chromium";

// End-to-end tests against the real API (serving the fresh build in pwa/dist) and the fake provider,
// in Debian's Chromium, at a phone and a desktop size.

const pwaRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The config is evaluated again in every worker; the port chosen here reaches them through the env.
process.env.E2E_PORT ??= execFileSync(process.execPath, [
  "-e",
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
])
  .toString()
  .trim();
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;
// Where the webServer writes what the tests need to know of the stack (the fake provider's address).
process.env.E2E_STACK_FILE ??= path.join(pwaRoot, `test-results/e2e-stack-${process.env.E2E_PORT}.json`);

export default defineConfig({
  testDir: ".",
  outputDir: path.join(pwaRoot, "test-results/playwright"),
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  // The JSON report is read by CI's summary (.ci/summary.mjs): each failed test with its first error line.
  reporter: [["list"], ["json", { outputFile: path.join(pwaRoot, "test-results/playwright.json") }]],
  use: {
    baseURL,
    launchOptions: chromiumLaunchOptions,
    locale: "en-US",
    serviceWorkers: "allow",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "phone",
      use: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    },
    { name: "desktop", use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    command: "npx tsx e2e/serve.ts",
    cwd: pwaRoot,
    // Ready once the admin is registered too (serve.ts), not as soon as the API answers.
    wait: { stdout: /e2e stack ready/ },
    reuseExistingServer: false,
    timeout: 180_000,
    env: { E2E_PORT: process.env.E2E_PORT, E2E_STACK_FILE: process.env.E2E_STACK_FILE },
  },
});
