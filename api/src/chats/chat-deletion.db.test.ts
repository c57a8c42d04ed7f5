import { describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage } from "../../test/support/chat-client.js";
import { registerUser } from "../../test/support/test-app.js";
import { useTwoReplicas } from "../../test/support/two-replicas.js";

// Two replicas over one database and one Redis: the chat is deleted on one while its answer is
// being generated on the other.

const fake = useFakeProviderServer();
// The answer is generated on the first replica, the chat deleted on the second.
const replicas = useTwoReplicas(() => fake.server);

describe("deleting a chat while its answer is generated on another replica", () => {
  it("stops the answer there, records what it cost, then deletes the chat", async () => {
    const user = await registerUser(replicas.first, "deleter");
    const chat = await createChat(replicas.first, user);
    fake.server.setScenario({
      text: Array.from({ length: 2_000 }, (_, index) => `w${index}`).join(" "),
      delayMs: 5,
    });
    const pair = await sendMessage(replicas.first, user, { chatId: chat.id, content: "Lange Antwort" });
    const deadline = Date.now() + 10_000;
    while (
      !(await replicas.first.database.owner.message.findFirst({
        where: { id: pair.assistantMessage.id, content: { not: "" } },
      }))
    ) {
      if (Date.now() > deadline) throw new Error("the answer never started");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const deleted = await replicas.second.gql(
      `mutation($id: ID!) { deleteChat(id: $id) }`,
      { id: chat.id },
      { token: user.accessToken },
    );
    expect(deleted.errors, JSON.stringify(deleted.errors)).toBeUndefined();
    expect(await replicas.first.database.owner.chat.findUnique({ where: { id: chat.id } })).toBeNull();
    // The generating replica stopped calling the provider and billed the partial answer.
    expect(replicas.first.app.services.generator.activeCount).toBe(0);
    expect(fake.server.activeStreamCount()).toBe(0);
    const usage = await replicas.first.database.owner.tokenUsage.findMany({
      where: { userId: user.user.id, purpose: "chat" },
    });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ chatId: null, messageId: null });
    expect(usage[0]?.completionTokens).toBeGreaterThan(0);
  }, 30_000);

  it("a stop that meets the deletion answers NOT_FOUND (the answer is gone), never INTERNAL", async () => {
    const user = await registerUser(replicas.first, "stopper");
    fake.server.setScenario({
      text: Array.from({ length: 2_000 }, (_, index) => `w${index}`).join(" "),
      delayMs: 5,
    });
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const chat = await createChat(replicas.first, user);
      const pair = await sendMessage(replicas.first, user, { chatId: chat.id, content: "Lang" });
      // The stop waits for the answer to settle; the deletion stops it too and removes the chat meanwhile.
      const [stopped] = await Promise.all([
        replicas.first.gql<{ stopGeneration: { status: string } }>(
          `mutation($id: ID!) { stopGeneration(messageId: $id) { status } }`,
          { id: pair.assistantMessage.id },
          {
            token: user.accessToken,
          },
        ),
        replicas.second.gql(
          `mutation($id: ID!) { deleteChat(id: $id) }`,
          { id: chat.id },
          { token: user.accessToken },
        ),
      ]);
      outcomes.push(String(stopped.errors?.[0]?.extensions?.code ?? stopped.data?.stopGeneration.status));
    }
    expect(outcomes.filter((outcome) => outcome !== "STOPPED" && outcome !== "NOT_FOUND")).toEqual([]);
  }, 30_000);
});
