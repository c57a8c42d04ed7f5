import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../fake-provider/use-fake-provider.js";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { ask, graphqlAt, signUp } from "../support/graphql-at.js";
import { fakeProviderEnv } from "../support/provider-env.js";
import { type FollowedAnswer, followAnswer } from "../support/subscribe.js";
import { createMigratedDatabase, testDbKind } from "../support/test-database.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const JWT_SECRET = randomBytes(32).toString("hex");

const words = (count: number) => Array.from({ length: count }, (_, index) => `Wort${index} ü`).join(" ");

// API processes receive real signals, and need a database every process reaches: Postgres only.
describe.skipIf(testDbKind() !== "postgres")("SIGTERM while answers stream", () => {
  const fake = useFakeProviderServer();
  let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
  const started: ApiProcess[] = [];

  beforeAll(async () => {
    database = await createMigratedDatabase();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(started.splice(0).map((api) => api.stop("SIGKILL")));
  });
  afterAll(() => database?.close());

  const start = async (env: Record<string, string>) => {
    const api = await startApiProcess({
      ...fakeProviderEnv(fake.server),
      DATABASE_URL: database.url!,
      JWT_SECRET,
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
      PWA_DIST: "/nonexistent",
      ...env,
    });
    started.push(api);
    return api;
  };

  /** Follows an answer; `textArrived` resolves with the first delta, so the test can act mid-stream. */
  const followFromFirstDelta = (url: string, token: string, messageId: string) => {
    let arrived!: () => void;
    const textArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const followed: Promise<FollowedAnswer> = followAnswer(url, token, messageId, {
      stopAfter: (events) => {
        if (events.some((event) => event.__typename === "MessageDelta")) arrived();
        return false;
      },
    });
    return { textArrived, followed };
  };

  const savedAnswer = (id: string) => database.owner.message.findUniqueOrThrow({ where: { id } });

  /** Starts an answer of `wordCount` words (50 ms apart) and sends SIGTERM once its first text arrived. */
  const signalMidAnswer = async (api: ApiProcess, wordCount: number, username: string) => {
    const text = words(wordCount);
    fake.server.setScenario({ text, chunking: "words", delayMs: 50 });
    const gql = graphqlAt(api.url);
    const token = await signUp(gql, username);
    const messageId = await ask(gql, token, `Erzähl, ${username}`);
    const { textArrived, followed } = followFromFirstDelta(api.url, token, messageId);
    await textArrived;
    return { text, messageId, followed, signalledAt: Date.now(), exit: api.stop("SIGTERM") };
  };

  it("an answer in progress finishes within SHUTDOWN_GRACE_MS, new work is refused, and the process exits 0", async () => {
    const api = await start({ SHUTDOWN_GRACE_MS: "15000" });
    const { text, messageId, followed, signalledAt, exit } = await signalMidAnswer(
      api,
      40,
      "graceful_finish",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await fetch(`${api.url}/readyz`).then(
      (response) => response.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(refused);

    const result = await followed;
    expect(await exit).toBe(0);
    // About two seconds of answer were left: the process waited for them, not for the whole grace period.
    expect(Date.now() - signalledAt).toBeGreaterThan(1_000);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(result.errors).toEqual([]);
    expect(result.text).toBe(text);
    expect(result.last?.message).toMatchObject({ status: "COMPLETE", content: text });
    expect(await savedAnswer(messageId)).toMatchObject({ status: "complete", content: text });
  });

  it("with SHUTDOWN_DELAY_MS it reports not ready at once but serves every request until the delay is over", async () => {
    const delayMs = 2_000;
    const api = await start({ SHUTDOWN_GRACE_MS: "1000", SHUTDOWN_DELAY_MS: String(delayMs) });
    const status = (path: string, init?: RequestInit) =>
      fetch(`${api.url}${path}`, init).then(
        (response) => response.status,
        () => "refused" as const,
      );
    const typename = () =>
      status("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    expect(await status("/readyz")).toBe(200);
    const signalledAt = Date.now();
    const exit = api.stop("SIGTERM");
    await expect.poll(() => status("/readyz"), { interval: 50 }).toBe(503);
    // Not ready, yet a request that a load balancer sent before it noticed is served.
    expect(await typename()).toBe(200);
    expect(Date.now() - signalledAt).toBeLessThan(delayMs);
    await expect.poll(typename, { interval: 100, timeout: delayMs + 3_000 }).not.toBe(200);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(delayMs);
    expect(await exit).toBe(0);
  });

  it("the title of a chat whose first answer ends during the drain is written and billed before the exit", async () => {
    const api = await start({ SHUTDOWN_GRACE_MS: "15000" });
    const { messageId, followed, exit } = await signalMidAnswer(api, 20, "graceful_title");
    await followed;
    expect(await exit).toBe(0);
    const answer = await savedAnswer(messageId);
    const chat = await database.owner.chat.findUniqueOrThrow({ where: { id: answer.chatId } });
    expect(chat.title).not.toBe("New Conversation");
    expect(await database.owner.tokenUsage.count({ where: { chatId: chat.id, purpose: "title" } })).toBe(1);
  });

  it("sign-ups under way when SIGTERM comes all get an answer: done, or RATE_LIMITED to retry elsewhere", async () => {
    const api = await start({ SHUTDOWN_GRACE_MS: "15000", AUTH_RATE_LIMIT_PER_IP: "1000" });
    const register = (index: number) =>
      fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`,
          variables: {
            input: {
              username: `drain_${index}`,
              email: `drain_${index}@example.com`,
              password: "correct horse battery",
            },
          },
        }),
      }).then(
        async (response) => {
          const body = (await response.json()) as {
            data?: unknown;
            errors?: { extensions?: { code?: string } }[];
          };
          return body.errors ? (body.errors[0]?.extensions?.code ?? "ERROR") : "registered";
        },
        () => "no answer",
      );
    // More sign-ups than a couple of bcrypt threads get through at once: most of them wait in the queue.
    const outcomes = Promise.all(Array.from({ length: 24 }, (_, index) => register(index)));
    // SIGTERM once all 24 are with the server (a loaded machine may take a while to send them): a request
    // still on its way when the server stops listening is one the server never had.
    await until(async () => (await signUpsReceived(api.url)) >= 24);
    const exit = api.stop("SIGTERM");
    const results = await outcomes;
    expect(await exit).toBe(0);
    expect(results.filter((outcome) => outcome !== "registered" && outcome !== "RATE_LIMITED")).toEqual([]);
    expect(results).toContain("registered");
    expect(results).toContain("RATE_LIMITED");
    // Whatever said "registered" is saved.
    const saved = await database.owner.user.count({ where: { username: { startsWith: "drain_" } } });
    expect(saved).toBe(results.filter((outcome) => outcome === "registered").length);
  });

  it("an answer exceeding the grace period is saved as INTERRUPTED and its subscribers get a clean end", async () => {
    const graceMs = 1_500;
    const api = await start({ SHUTDOWN_GRACE_MS: String(graceMs) });
    const { text, messageId, followed, signalledAt, exit } = await signalMidAnswer(
      api,
      300,
      "graceful_interrupt",
    );
    const result = await followed;
    expect(await exit).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(graceMs);
    expect(Date.now() - signalledAt).toBeLessThan(graceMs + 5_000);
    expect(result.errors).toEqual([]);
    expect(result.last?.__typename).toBe("MessageCompleted");
    expect(result.last?.message).toMatchObject({ status: "INTERRUPTED", content: result.text });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text.length).toBeLessThan(text.length);
    expect(text.startsWith(result.text)).toBe(true);
    expect(await savedAnswer(messageId)).toMatchObject({ status: "interrupted", content: result.text });
  });

  it("with Redis, a subscriber of a stopping replica gets a clean end and resumes on another one", async () => {
    const [generating, stopping] = await Promise.all([
      start({ REDIS_URL, SHUTDOWN_GRACE_MS: "10000" }),
      start({ REDIS_URL, SHUTDOWN_GRACE_MS: "10000" }),
    ]);
    const text = words(120);
    fake.server.setScenario({ text, chunking: "words", delayMs: 25 });
    const gql = graphqlAt(generating.url);
    const token = await signUp(gql, "graceful_resume");
    const messageId = await ask(gql, token, "Über zwei Replikas");
    const { textArrived, followed } = followFromFirstDelta(stopping.url, token, messageId);
    await textArrived;

    const signalledAt = Date.now();
    expect(await stopping.stop("SIGTERM")).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    const ended = await followed;
    expect(ended.errors).toEqual([]);
    expect(ended.last?.__typename).toBe("MessageDelta");
    expect(text.startsWith(ended.text)).toBe(true);

    const resumed = await followAnswer(generating.url, token, messageId);
    expect(resumed.errors).toEqual([]);
    expect(resumed.text).toBe(text);
    expect(resumed.last?.message).toMatchObject({ status: "COMPLETE", content: text });
  });
});

/** Sign-ups the server has: answered ones, and every request in progress but the /metrics one asking. */
async function signUpsReceived(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const inProgress = Number(/^xqt5_http_requests_in_progress (\d+)/m.exec(text)?.[1] ?? 0) - 1;
  const answered = [...text.matchAll(/^xqt5_http_requests_total\{[^}]*operation="register"[^}]*\} (\d+)/gm)]
    .map((match) => Number(match[1]))
    .reduce((sum, count) => sum + count, 0);
  return inProgress + answered;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
