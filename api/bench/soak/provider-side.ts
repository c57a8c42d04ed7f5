// The soak's provider side, in a process of its own (the APIs and the simulated users do not share its
// event loop): the fake provider with seeded faults and a realistic pause between tokens. Prints the
// variables that point an API at it, then READY.
//
// Configured by the soak through the environment:
//   SOAK_FAULTS       JSON FaultOptions ({ rate, seed, kinds, retryAfterSeconds, stallMs })
//   SOAK_TOKEN_DELAY_MS
// Control (on SOAK_CONTROL_URL): GET /calls → { calls, counts, activeStreams }; GET /active → { activeStreams }.
import { createServer } from "node:http";
import type { FaultOptions } from "../../test/fake-provider/faults.js";
import { startFakeProviderServer } from "../../test/fake-provider/server.js";
import { announceEnv } from "../../test/support/env-handshake.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";

const faults = JSON.parse(process.env.SOAK_FAULTS ?? "{}") as FaultOptions;
const fake = await startFakeProviderServer({ faults });
fake.setScenario({ chunking: "words", delayMs: Number(process.env.SOAK_TOKEN_DELAY_MS ?? 60) });

const control = createServer((request, response) => {
  const body =
    request.url === "/calls"
      ? { calls: fake.calls, counts: fake.callCounts(), activeStreams: fake.activeStreamCount() }
      : request.url === "/active"
        ? { activeStreams: fake.activeStreamCount() }
        : null;
  if (!body) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
});
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
const controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;

const env = { ...fakeProviderEnv(fake), SOAK_CONTROL_URL: controlUrl };
announceEnv(env);

const stop = () => {
  control.close();
  void fake.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
