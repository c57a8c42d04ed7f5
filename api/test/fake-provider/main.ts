import { fakeProviderEnv } from "../support/provider-env.js";
import { startFakeProviderServer } from "./server.js";

// Runs the fake provider server for manual and browser tests:
//   npx tsx api/test/fake-provider/main.ts --port 4010
// and prints the environment lines that point the API at it.

function portArgument(argv: string[]): number | undefined {
  const index = argv.indexOf("--port");
  const value = index === -1 ? undefined : argv[index + 1];
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port needs a port number, got "${value}"`);
  return port;
}

const server = await startFakeProviderServer({ port: portArgument(process.argv.slice(2)) });
const lines = Object.entries(fakeProviderEnv(server)).map(([key, value]) => `${key}=${value}`);
console.log(`Fake provider server listening on ${server.url}\n\n${lines.join("\n")}\n`);
console.log(
  "Markers in the last user message: [[fake:stall]] [[fake:error]] [[fake:429]] [[fake:500]] [[fake:slow]] [[fake:long]]",
);

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
