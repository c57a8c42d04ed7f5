import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigratedDatabase } from "../../test/support/test-database.js";
import { loadConfig } from "../config/env.js";
import { createLogger } from "../observability/logger.js";
import { readProviderSettings } from "../providers/settings.js";
import { assembleApp } from "../server/start.js";

let database: Awaited<ReturnType<typeof createMigratedDatabase>>;

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(() => database?.close());

async function streamingAnswer(updatedAt = new Date()) {
  const prisma = database.prisma;
  const user = await prisma.user.create({
    data: {
      username: `crash_${randomBytes(3).toString("hex")}`,
      email: `${randomBytes(4).toString("hex")}@example.com`,
      passwordHash: "x",
    },
  });
  const chat = await prisma.chat.create({ data: { userId: user.id } });
  const question = await prisma.message.create({ data: { chatId: chat.id, role: "user", content: "Frage" } });
  return prisma.message.create({
    data: {
      chatId: chat.id,
      role: "assistant",
      content: "Halb fertig",
      status: "streaming",
      replyToId: question.id,
      updatedAt,
    },
  });
}

describe("crash recovery", () => {
  it("a starting API turns answers left STREAMING into INTERRUPTED, keeping their saved text", async () => {
    const orphan = await streamingAnswer();
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", PWA_DIST: "/nonexistent" });
    const app = await assembleApp({
      config,
      database,
      logger: createLogger(config),
      providerSettings: readProviderSettings({}),
      jwtSecret: randomBytes(32),
    });
    await app.services.close();
    const after = await database.prisma.message.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(after).toMatchObject({ status: "interrupted", content: "Halb fertig" });
  });
});
