import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, startTestApp } from "../../test/support/test-app.js";
import { createMigratedDatabase } from "../../test/support/test-database.js";
import { loadConfig } from "../config/env.js";
import { createLogger } from "../observability/logger.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { createProviderRegistry } from "../providers/registry.js";
import { readProviderSettings } from "../providers/settings.js";
import { assembleApp } from "../server/start.js";
import { InMemoryAnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { AnswerRecovery } from "./answer-recovery.js";

const fake = useFakeProviderServer();
let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
const logger = createLogger({ NODE_ENV: "test", LOG_LEVEL: "silent" });

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(() => database?.close());

// Leases short enough to run out within a test.
const lease = { durationMs: 800, renewEveryMs: 150, sweepEveryMs: 100 };
const startWithShortLeases = () =>
  startTestApp(fakeProviderEnv(fake.server), {
    database,
    timings: { answerLease: lease, followIdleCheckMs: 200 },
  });

async function streamingAnswer() {
  // Rows as an earlier process left them (written as the owner: no request is around).
  const prisma = database.owner;
  const orgId = DEFAULT_ORGANIZATION_ID;
  const user = await prisma.user.create({
    data: {
      orgId,
      username: `crash_${randomBytes(3).toString("hex")}`,
      email: `${randomBytes(4).toString("hex")}@example.com`,
      passwordHash: "x",
    },
  });
  const chat = await prisma.chat.create({ data: { orgId, userId: user.id } });
  const owner = { orgId, userId: user.id, chatId: chat.id };
  const question = await prisma.message.create({ data: { ...owner, role: "user", content: "Frage" } });
  return prisma.message.create({
    data: {
      ...owner,
      role: "assistant",
      content: "Halb fertig",
      status: "streaming",
      replyToId: question.id,
      leaseExpiresAt: new Date(Date.now() + 60_000),
    },
  });
}

/** Recovery as another replica runs it (configured like every replica): it generates nothing itself. */
const otherReplica = (registry = createProviderRegistry(readProviderSettings({}))) =>
  new AnswerRecovery({
    prisma: database.prisma,
    bus: new InMemoryAnswerStreamBus(),
    logger,
    models: { priced: async (_orgId, modelId) => registry.resolve(modelId).model },
    generatedHere: () => [],
    sweepEveryMs: 100,
  });

describe("recovery of answers without a generator", () => {
  it("a starting API alone turns every answer left STREAMING into INTERRUPTED, keeping its saved text", async () => {
    const orphan = await streamingAnswer();
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", PWA_DIST: "/nonexistent" });
    const app = await assembleApp({
      config,
      database,
      logger,
      providerSettings: readProviderSettings({}),
      jwtSecret: randomBytes(32),
    });
    await app.services.close();
    const after = await database.owner.message.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(after).toMatchObject({ status: "interrupted", content: "Halb fertig", leaseExpiresAt: null });
  });

  it("renews the leases of everyone's answers, not only of the person whose answer started the renewals", async () => {
    const app = await startWithShortLeases();
    try {
      const answers: string[] = [];
      for (const name of ["first", "second", "third"]) {
        const user = await registerUser(app, `lease_${name}`);
        const chat = await createChat(app, user);
        const pair = await sendMessage(app, user, { chatId: chat.id, content: "Denk nach [[fake:stall]]" });
        answers.push(pair.assistantMessage.id);
      }
      // Several lease lengths: only renewals keep them.
      const recovery = otherReplica(await app.app.services.providers.registryFor(DEFAULT_ORGANIZATION_ID));
      for (let round = 0; round < 6; round++) {
        await sleep(300);
        expect(await recovery.interruptAbandoned()).toBe(0);
      }
      const rows = await database.owner.message.findMany({ where: { id: { in: answers } } });
      expect(rows.map((row) => row.status)).toEqual(["streaming", "streaming", "streaming"]);
    } finally {
      await app.close();
    }
  }, 30_000);

  it("never takes a live answer of another replica, however long it is silent; once its lease runs out, it does", async () => {
    const app = await startWithShortLeases();
    try {
      const user = await registerUser(app, "thinker");
      const chat = await createChat(app, user);
      // A model that writes a little, then thinks in silence (the connection stays open).
      const pair = await sendMessage(app, user, { chatId: chat.id, content: "Denk nach [[fake:stall]]" });
      await sleep(1_200);
      // Silent for ten minutes, as far as its last save goes: the old rule took that for a crash.
      await database.owner.message.update({
        where: { id: pair.assistantMessage.id },
        data: { updatedAt: new Date(Date.now() - 10 * 60_000) },
      });
      const recovery = otherReplica(await app.app.services.providers.registryFor(DEFAULT_ORGANIZATION_ID));
      expect(await recovery.recoverAtStart(false)).toBe(0);
      for (let round = 0; round < 10; round++) {
        expect(await recovery.interruptAbandoned()).toBe(0);
        await sleep(200);
      }
      const alive = await database.owner.message.findUniqueOrThrow({
        where: { id: pair.assistantMessage.id },
      });
      expect(alive.status).toBe("streaming");

      // Its process dies: the lease is no longer renewed, and nothing is saved any more.
      const follower = followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
      app.app.services.generator.close();
      await sleep(lease.durationMs + 200);
      expect(await recovery.interruptAbandoned()).toBe(1);
      const settled = await database.owner.message.findUniqueOrThrow({
        where: { id: pair.assistantMessage.id },
      });
      expect(settled.status).toBe("interrupted");
      // The call it had made is billed (an estimate: its process died before recording it), once.
      const usage = await database.owner.tokenUsage.findMany({ where: { messageId: settled.id } });
      expect(usage).toHaveLength(1);
      expect(usage[0]).toMatchObject({ purpose: "chat", userId: user.user.id });
      expect(usage[0]?.completionTokens).toBeGreaterThan(0);
      expect(await recovery.interruptAbandoned([settled.id])).toBe(0);
      expect(await database.owner.tokenUsage.count({ where: { messageId: settled.id } })).toBe(1);
      // Whoever follows it hears the end (here on the dead replica's own bus, which recovery did not reach).
      expect((await follower).last).toMatchObject({
        __typename: "MessageCompleted",
        message: { status: "INTERRUPTED" },
      });
    } finally {
      await app.close();
    }
  }, 30_000);
});
