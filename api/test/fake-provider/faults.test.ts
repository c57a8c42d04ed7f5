import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/providers/types.js";
import { collect, collectFailure, fakeAdapter, testRequest } from "./adapters.js";
import type { FaultOptions } from "./faults.js";
import { type FakeProviderServer, startFakeProviderServer } from "./server.js";
import { openSignal } from "./use-fake-provider.js";

const started: FakeProviderServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function serverWith(faults: FaultOptions) {
  const server = await startFakeProviderServer({ faults });
  started.push(server);
  return server;
}

const ask = (server: FakeProviderServer, question: string) =>
  fakeAdapter(server, "openai").stream(
    testRequest("openai", { messages: [{ role: "user", content: question }] }),
    openSignal(),
  );

describe("fake provider fault injection", () => {
  it("without faults, logs nothing and changes nothing", async () => {
    const server = await startFakeProviderServer();
    started.push(server);
    const result = await collect(ask(server, "Hallo"));
    expect(result.text).toContain("Grüße 👋");
    expect(server.calls).toEqual([]);
    expect(server.callCounts()).toMatchObject({ calls: 0, callsWithTokens: 0 });
  });

  it("cuts the connection after some text, without the end marker, and logs what went out", async () => {
    const server = await serverWith({ rate: 1, kinds: ["cut"], seed: 7 });
    const { error, collected } = await collectFailure(ask(server, "Schneide mich ab"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("PROVIDER_UNAVAILABLE");
    const [call] = server.calls;
    expect(call).toMatchObject({ fault: "cut", outcome: "cut", attempt: 0 });
    expect(call?.piecesSent).toBeGreaterThan(0);
    expect(call?.textSent).toBe(collected.text);
    expect(server.callCounts()).toMatchObject({ calls: 1, callsWithTokens: 1, byFault: { cut: 1 } });
  });

  it("answers 429 with retry-after and 500 before any token", async () => {
    const limited = await serverWith({ rate: 1, kinds: ["429"], seed: 1, retryAfterSeconds: 2 });
    const { error } = await collectFailure(ask(limited, "Zu viele"));
    expect(error).toMatchObject({ code: "PROVIDER_RATE_LIMITED", retryAfterSeconds: 2 });
    const broken = await serverWith({ rate: 1, kinds: ["500"], seed: 1 });
    expect((await collectFailure(ask(broken, "Kaputt"))).error).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
    });
    expect([...limited.calls, ...broken.calls]).toMatchObject([
      { fault: "429", outcome: "refused", piecesSent: 0 },
      { fault: "500", outcome: "refused", piecesSent: 0 },
    ]);
  });

  it("stalls after some text for stallMs, then drops the connection", async () => {
    const server = await serverWith({ rate: 1, kinds: ["stall"], seed: 3, stallMs: 150 });
    const startedAt = Date.now();
    const { collected } = await collectFailure(ask(server, "Warte"));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(server.calls[0]).toMatchObject({ fault: "stall", outcome: "stalled", textSent: collected.text });
    expect(collected.text.length).toBeGreaterThan(0);
  });

  it("draws the same plan from the same seed in any order, and anew for each retry of a prompt", async () => {
    const questions = Array.from({ length: 40 }, (_, index) => `Frage ${index}`);
    const plan = async (order: string[]) => {
      const server = await serverWith({ rate: 0.5, kinds: ["429", "500"], seed: 42 });
      for (const question of order) await collect(ask(server, question)).catch(() => {});
      return Object.fromEntries(server.calls.map((call) => [call.lastUserText, call.fault]));
    };
    const forward = await plan(questions);
    expect(await plan([...questions].reverse())).toEqual(forward);
    const faults = Object.values(forward).filter(Boolean).length;
    expect(faults).toBeGreaterThan(5);
    expect(faults).toBeLessThan(35);

    const server = await serverWith({ rate: 0.5, kinds: ["500"], seed: 42 });
    const attempts = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      attempts.push(
        await collect(ask(server, "Immer dieselbe Frage")).then(
          () => "ok",
          () => "fault",
        ),
      );
    }
    expect(new Set(attempts)).toEqual(new Set(["ok", "fault"]));
    expect(server.calls.map((call) => call.attempt)).toEqual([...Array(12).keys()]);
  });
});
