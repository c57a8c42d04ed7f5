import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DelayingProxy, startDelayingProxy } from "../../test/support/delaying-proxy.js";
import { RedisServer } from "../../test/support/redis-server.js";
import type { AnswerEvent } from "./answer-stream-bus.js";
import { followAnswer } from "./follow-answer.js";
import { RedisAnswerStreamBus } from "./redis-answer-stream-bus.js";

// Against a redis-server of the test's own, which it stops and starts like an operator would.

let redis: RedisServer;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});
afterAll(() => redis?.stop());

async function newBus(url = redis.url): Promise<RedisAnswerStreamBus> {
  const bus = new RedisAnswerStreamBus(url);
  opened.push(bus);
  return bus;
}

/** A plain connection, as another replica's would be. */
function directConnection(): Redis {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  opened.push({ close: async () => connection.disconnect() });
  return connection;
}

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
};

const wholeText = (events: { type: string; text?: string }[]) =>
  events.map((event) => (event.type === "delta" ? event.text : "")).join("");

describe("RedisAnswerStreamBus", () => {
  it("a second local subscriber is listening once its subscribe resolves", async () => {
    // Commands of this bus reach Redis 300 ms late, so its SUBSCRIBE is still under way.
    const proxy: DelayingProxy = await startDelayingProxy(redis.port);
    opened.push(proxy);
    const bus = await newBus(`redis://127.0.0.1:${proxy.port}`);
    const messageId = randomUUID();
    proxy.setDelay(300);
    const first: AnswerEvent[] = [];
    const second: AnswerEvent[] = [];
    const firstListening = bus.subscribe(messageId, (event) => first.push(event));
    await bus.subscribe(messageId, (event) => second.push(event));
    await directConnection().publish(
      `xqt5:answer:${messageId}`,
      JSON.stringify({ type: "delta", offset: 0, text: "hallo" }),
    );
    await firstListening;
    await until(() => first.length === 1);
    expect(second).toEqual([{ type: "delta", offset: 0, text: "hallo" }]);
  });

  it("a subscribe while Redis is away does not fail: it listens once Redis is back, and resyncs", async () => {
    const bus = await newBus();
    // The bus has reached Redis before Redis goes away (its subscriber is connected once a SUBSCRIBE
    // is done): a reconnect. (Stopped at once, Redis was gone before the bus's connections were set
    // up in some runs: the two tests below take those cases on purpose.)
    await bus.subscribe(randomUUID(), () => {});
    const messageId = randomUUID();
    await redis.stop();
    const events: AnswerEvent[] = [];
    await bus.subscribe(messageId, (event) => events.push(event));
    await redis.launch();
    await until(() => events.some((event) => event.type === "resync"));
    await directConnection().publish(`xqt5:answer:${messageId}`, JSON.stringify({ type: "end" }));
    await until(() => events.some((event) => event.type === "end"));
    // A later subscriber of the same answer listens too (nothing left half-done behind).
    const later: AnswerEvent[] = [];
    await bus.subscribe(messageId, (event) => later.push(event));
    await directConnection().publish(`xqt5:answer:${messageId}`, JSON.stringify({ type: "end" }));
    await until(() => later.some((event) => event.type === "end"));
  });

  it("a bus that has never reached Redis: a subscribe meanwhile listens once Redis is up, and resyncs", async () => {
    // A replica that starts while Redis is away: its subscriber's first connect comes after the
    // SUBSCRIBE failed.
    await redis.stop();
    const bus = await newBus();
    const messageId = randomUUID();
    const events: AnswerEvent[] = [];
    await bus.subscribe(messageId, (event) => events.push(event));
    await redis.launch();
    await until(() => events.some((event) => event.type === "resync"));
    await directConnection().publish(`xqt5:answer:${messageId}`, JSON.stringify({ type: "end" }));
    await until(() => events.some((event) => event.type === "end"));
  });

  it("a bus whose connection Redis took but dropped before answering reconnects once Redis is back", async () => {
    // Redis goes away just after accepting the bus's connections, as a stopping Redis may: on its
    // port, a server that closes the bus's two connections unanswered, then stops listening.
    await redis.stop();
    let accepted = 0;
    const dying = createServer((socket) => {
      socket.destroy();
      if (++accepted === 2) dying.close();
    });
    await new Promise<void>((resolve) => dying.listen(redis.port, "127.0.0.1", resolve));
    const bus = await newBus();
    const messageId = randomUUID();
    const events: AnswerEvent[] = [];
    await bus.subscribe(messageId, (event) => events.push(event));
    await until(() => !dying.listening);
    await redis.launch();
    await until(() => events.some((event) => event.type === "resync"));
    await directConnection().publish(`xqt5:answer:${messageId}`, JSON.stringify({ type: "end" }));
    await until(() => events.some((event) => event.type === "end"));
  });

  it("keeps a long answer's beginning: every write renews the key's lifetime", async () => {
    const bus = await newBus();
    const messageId = randomUUID();
    bus.open(messageId);
    bus.append(messageId, "Anfang ");
    const direct = directConnection();
    await until(async () => (await bus.snapshot(messageId))?.content === "Anfang ");
    // As if the answer had been going for almost the key's whole lifetime.
    await direct.expire(`xqt5:answer:${messageId}:content`, 1);
    bus.append(messageId, "und mehr");
    await until(async () => (await bus.snapshot(messageId))?.content === "Anfang und mehr");
    await sleep(1_500);
    expect(await bus.snapshot(messageId)).toEqual({ content: "Anfang und mehr", ended: false });
  });

  it("a Redis restart mid-answer loses nothing: the generator goes on, subscribers on another replica catch up", async () => {
    const generating = await newBus();
    const following = await newBus();
    const messageId = randomUUID();
    const parts = Array.from({ length: 30 }, (_, index) => `Teil${index} `);
    generating.open(messageId);
    const received: { type: string; text?: string }[] = [];
    let generated = false;
    const controller = new AbortController();
    const followed = (async () => {
      for await (const event of followAnswer({
        bus: following,
        messageId,
        idleCheckMs: 500,
        signal: controller.signal,
        // The database: streaming until the generator has ended (then with the whole text).
        load: async () => ({
          message: "saved",
          content: generated ? parts.join("") : "",
          streaming: !generated,
        }),
      })) {
        received.push(event);
      }
    })();
    for (const part of parts.slice(0, 10)) generating.append(messageId, part);
    await until(() => wholeText(received) === parts.slice(0, 10).join(""));

    await redis.stop();
    // The generator keeps writing while Redis is away; nothing reaches anyone, nothing fails.
    for (const part of parts.slice(10, 20)) generating.append(messageId, part);
    await sleep(300);
    await redis.launch();
    for (const part of parts.slice(20)) generating.append(messageId, part);
    await until(() => wholeText(received) === parts.join(""), 15_000);
    expect((await generating.snapshot(messageId))?.content).toBe(parts.join(""));

    generated = true;
    await generating.end(messageId);
    await followed;
    controller.abort();
    expect(wholeText(received)).toBe(parts.join(""));
    expect(received.at(-1)).toEqual({ type: "final", message: "saved" });
  }, 30_000);
});
