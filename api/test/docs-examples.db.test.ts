import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "./fake-provider/use-fake-provider.js";
import { fakeProviderEnv } from "./support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "./support/test-app.js";

// docs/api.md shows the example scripts verbatim; here they must match their files and run green
// against a real API, so the documentation cannot rot.

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const ANSWER = "Ich bin der XQT5-Assistent. Grüße 👋";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn & { password: string };

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  user = await registerUser(app, "docs");
});
afterAll(() => app?.close());

const exampleEnv = () => ({
  ...process.env,
  API: app.url,
  LOGIN: user.user.username,
  PASSWORD: user.password,
});

describe("docs/api.md", () => {
  it("shows every example file verbatim", async () => {
    const doc = await readFile(path.join(ROOT, "docs/api.md"), "utf8");
    const examples = [...doc.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
    expect(examples.map((match) => match[1])).toEqual([
      "docs/examples/quickstart.sh",
      "docs/examples/stream-answer.ts",
    ]);
    for (const [, file, shown] of examples) {
      expect(shown, file).toBe(await readFile(path.join(ROOT, file!), "utf8"));
    }
  });

  it("the curl example creates a chat, streams the answer and reads usage", async () => {
    fake.server.setScenario({ text: ANSWER, chunking: "random-bytes" });
    const { stdout } = await run("bash", [path.join(ROOT, "docs/examples/quickstart.sh")], {
      env: exampleEnv(),
      timeout: 60_000,
    });
    expect(stdout).toContain(ANSWER);
    expect(stdout).toMatch(/"requests": [1-9]/);
    expect(stdout).toMatch(/"costUsd": /);
  });

  it("the TypeScript example streams the answer with graphql-sse and reads usage", async () => {
    fake.server.setScenario({ text: ANSWER, chunking: "words" });
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "docs/examples/stream-answer.ts")],
      {
        env: exampleEnv(),
        cwd: ROOT,
        timeout: 60_000,
      },
    );
    expect(stdout).toContain(`${ANSWER}\n[COMPLETE]`);
    expect(stdout).toMatch(/This month: [1-9]\d* requests, \$\d/);
  });
});
