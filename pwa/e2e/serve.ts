import { startStack } from "../scripts/stack.js";
import { ADMIN } from "./admin.js";

// Playwright's webServer: the real API (serving the fresh build) plus the fake provider, until stopped.
// It registers the admin first, then says it is ready (Playwright waits for that line).
const port = Number(process.env.E2E_PORT);
const stack = await startStack({ port: Number.isInteger(port) && port > 0 ? port : undefined });

const stop = () => {
  stack.stop().then(
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
  console.log(`e2e stack ready at ${stack.url}`);
}
