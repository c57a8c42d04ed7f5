import { createClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { MESSAGE_STREAM } from "../../test/support/subscribe.js";
import {
  newCredentials,
  REGISTER,
  registerUser,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";

// A company's first morning: everybody signs up or signs in at once, while others already chat.

const BURST = 50;
const PASSWORD = "correct horse battery";
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;

const fake = useFakeProviderServer();
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    ...fakeProviderEnv(fake.server),
    AUTH_RATE_LIMIT_PER_IP: "100000",
    AUTH_RATE_LIMIT_PER_ACCOUNT: "100000",
  });
});
afterAll(() => app?.close());

/** Follows an answer and notes when each delta arrived. */
function timeDeltas(token: string, messageId: string) {
  const arrivals: number[] = [];
  const client = createClient({
    url: `${app.url}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const dispose = client.subscribe<{ messageStream: { __typename: string } }>(
    { query: MESSAGE_STREAM, variables: { messageId } },
    {
      next: (result) => {
        if (result.data?.messageStream.__typename === "MessageDelta") arrivals.push(performance.now());
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    arrivals,
    stop: () => {
      dispose();
      client.dispose();
    },
  };
}

/** The gaps between deltas that arrived within [from, to]. */
function gapsBetween(arrivals: number[], from: number, to: number): number[] {
  const inside = arrivals.filter((time) => time >= from && time <= to);
  return inside.slice(1).map((time, index) => time - (inside[index] as number));
}

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))] ?? 0;

describe("a burst of sign-ups and sign-ins", () => {
  it(`${BURST} registrations and ${BURST} sign-ins at once all succeed while an answer streams on smoothly`, async () => {
    const streamer = await registerUser(app, "streamer");
    // What one hash costs on this machine now: a hash on the event loop would stall the stream that long.
    const hashTimes: number[] = [];
    let passwordHash = "";
    for (let round = 0; round < 3; round += 1) {
      const hashStarted = performance.now();
      passwordHash = await app.app.services.passwords.hash(PASSWORD);
      hashTimes.push(performance.now() - hashStarted);
    }
    const hashMs = percentile(hashTimes, 0.5);
    const existing = Array.from({ length: BURST }, () => newCredentials("returning"));
    await app.database.owner.user.createMany({
      data: existing.map(({ username, email }) => ({
        orgId: DEFAULT_ORGANIZATION_ID,
        username,
        email,
        passwordHash,
      })),
    });

    // A long answer, one word every 10 ms, that outlasts the burst.
    fake.server.setScenario({
      text: Array.from({ length: 6_000 }, (_, index) => `Wort${index}`).join(" "),
      delayMs: 10,
    });
    const chat = await createChat(app, streamer);
    const pair = await sendMessage(app, streamer, { chatId: chat.id, content: "Erzähl" });
    const stream = timeDeltas(streamer.accessToken, pair.assistantMessage.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const started = performance.now();
    const results = await Promise.all([
      ...Array.from({ length: BURST }, () =>
        app.gql<{ register: { accessToken: string } }>(REGISTER, { input: newCredentials("morning") }),
      ),
      ...existing.map(({ username }) =>
        app.gql<{ login: { accessToken: string } }>(LOGIN, {
          input: { login: username, password: PASSWORD },
        }),
      ),
    ]);
    const finished = performance.now();
    stream.stop();
    await app.gql(
      `mutation($id: ID!) { stopGeneration(messageId: $id) { id } }`,
      {
        id: pair.assistantMessage.id,
      },
      { token: streamer.accessToken },
    );

    const failures = results
      .filter((result) => result.errors)
      .map((result) => result.errors?.[0]?.extensions?.code);
    expect(failures).toEqual([]);
    expect(await app.database.owner.user.count({ where: { isAdmin: true } })).toBe(1);

    const before = gapsBetween(stream.arrivals, started - 1_000, started);
    const during = gapsBetween(stream.arrivals, started, finished);
    const figures = {
      hashMs: Math.round(hashMs),
      burstMs: Math.round(finished - started),
      gapBeforeP50: Math.round(percentile(before, 0.5)),
      gapDuringP50: Math.round(percentile(during, 0.5)),
      gapDuringP99: Math.round(percentile(during, 0.99)),
      gapDuringMax: Math.round(Math.max(...during)),
    };
    console.info("sign-up burst:", JSON.stringify(figures));
    // Hashing on the event loop stalls the stream for at least one hash at a time (p99 ≈ 1.9 s measured
    // with bcryptjs); off it, the answer keeps flowing (p99 40–90 ms here against ~330 ms a hash). Compared
    // with a hash measured in the same run, so that a loaded machine slows both sides alike.
    expect(during.length).toBeGreaterThan(50);
    expect(figures.gapDuringP99).toBeLessThan(hashMs);
  }, 240_000);
});
