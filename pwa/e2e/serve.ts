import { startStack } from "../scripts/stack.js";

// Playwright's webServer: the real API (serving the fresh build) plus the fake provider, until stopped.
const port = Number(process.env.E2E_PORT);
const stack = await startStack({ port: Number.isInteger(port) && port > 0 ? port : undefined });
console.log(`e2e stack ready at ${stack.url}`);

const stop = () => {
  stack.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
