import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, fakeAdapter, testRequest } from "../../test/fake-provider/adapters.js";
import { openSignal, useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createOpenAiAdapter } from "./openai.js";
import { PROVIDER_IDS } from "./types.js";

// PROVIDER_IDLE_TIMEOUT_MS: silence on the connection ends the call; a slow provider that keeps
// sending does not.

const fake = useFakeProviderServer();
const IDLE_MS = 400;

// A server that accepts the connection and never answers.
let mute: Server;
let mutePort: number;
const sockets = new Set<Socket>();
beforeAll(async () => {
  mute = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
  mutePort = (mute.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => mute.close(resolve));
});

describe("the provider idle timeout", () => {
  for (const provider of PROVIDER_IDS) {
    it(`${provider}: a stream that stalls mid-answer fails with PROVIDER_TIMEOUT after the partial text`, async () => {
      const started = Date.now();
      let text = "";
      let failure: unknown = null;
      try {
        const stream = fakeAdapter(fake.server, provider).stream(
          testRequest(provider, {
            messages: [{ role: "user", content: "Und dann? [[fake:stall]]" }],
            idleTimeoutMs: IDLE_MS,
          }),
          openSignal(),
        );
        for await (const event of stream) if (event.type === "delta") text += event.text;
      } catch (error) {
        failure = error;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(failure).toMatchObject({ code: "PROVIDER_TIMEOUT", provider });
      expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
      // The connection is released: the provider sees the client go.
      await expect.poll(() => fake.server.activeStreamCount()).toBe(0);
    });
  }

  it("a provider that never answers at all fails with PROVIDER_TIMEOUT too", async () => {
    const adapter = createOpenAiAdapter({ apiKey: "k", baseUrl: `http://127.0.0.1:${mutePort}/v1` });
    await expect(
      collect(adapter.stream(testRequest("openai", { idleTimeoutMs: IDLE_MS }), openSignal())),
    ).rejects.toMatchObject({ code: "PROVIDER_TIMEOUT" });
  });

  it("a slow provider that keeps sending is not cut, however long the whole answer takes", async () => {
    fake.server.setScenario({ text: "eins zwei drei vier fünf sechs sieben acht", delayMs: IDLE_MS / 2 });
    const result = await collect(
      fakeAdapter(fake.server, "anthropic").stream(
        testRequest("anthropic", { idleTimeoutMs: IDLE_MS }),
        openSignal(),
      ),
    );
    expect(result.text).toBe("eins zwei drei vier fünf sechs sieben acht");
  });
});
