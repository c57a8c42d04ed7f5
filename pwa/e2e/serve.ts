import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startStack } from "../scripts/stack.js";
import { ADMIN } from "./admin.js";

// Playwright's webServer: the real API (serving the fresh build) plus the fake provider, until stopped.
// It registers the admin first and writes the fake provider's variables to E2E_STACK_FILE (for specs
// that configure a provider as an admin would: e2e/stack-info.ts), then says it is ready (Playwright
// waits for that line).
const port = Number(process.env.E2E_PORT);
const stack = await startStack({ port: Number.isInteger(port) && port > 0 ? port : undefined });

const stackFile = process.env.E2E_STACK_FILE;

const stop = () => {
  Promise.all([stack.stop(), stackFile ? rm(stackFile, { force: true }) : undefined]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

const registered = await fetch(`${stack.url}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    query: "mutation ($input: RegisterInput!) { register(input: $input) { user { isAdmin } } }",
    variables: { input: { username: ADMIN.username, email: ADMIN.email, password: ADMIN.password } },
  }),
}).then((response) => response.json() as Promise<{ data?: { register: { user: { isAdmin: boolean } } } }>);
if (!registered.data?.register.user.isAdmin) {
  console.error(`the e2e admin could not be registered: ${JSON.stringify(registered)}`);
  stop();
} else {
  if (stackFile) {
    await mkdir(path.dirname(stackFile), { recursive: true });
    await writeFile(stackFile, JSON.stringify({ url: stack.url, providerEnv: stack.providerEnv }));
  }
  console.log(`e2e stack ready at ${stack.url}`);
}
