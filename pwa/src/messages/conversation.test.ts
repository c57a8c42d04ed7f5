import { describe, expect, it } from "vitest";
import type { OutboxItem } from "../offline/outbox";
import { type ChatMessage, lastMessageOf, mergeConversation } from "./conversation";

let clock = 0;
function message(id: string, role: ChatMessage["role"], patch: Partial<ChatMessage> = {}): ChatMessage {
  clock += 1000;
  return {
    __typename: "Message",
    id,
    chatId: "c1",
    role,
    content: id,
    status: "COMPLETE",
    model: null,
    budgetFallbackFrom: null,
    clientMessageId: null,
    createdAt: new Date(clock).toISOString(),
    error: null,
    usage: null,
    sources: [],
    attachments: [],
    imagesAsText: false,
    ...patch,
  };
}
const pending = (clientMessageId: string): OutboxItem => ({
  clientMessageId,
  chatId: "c1",
  content: `pending ${clientMessageId}`,
  createdAt: new Date().toISOString(),
  state: "pending",
});
const ids = (shown: ReturnType<typeof mergeConversation>) => shown.map((entry) => entry.key);

describe("conversation", () => {
  const u1 = message("u1", "USER");
  const a1 = message("a1", "ASSISTANT");
  const u2 = message("u2", "USER", { clientMessageId: "client-2" });
  const a2 = message("a2", "ASSISTANT", { status: "STREAMING" });

  it("puts older pages, the newest page and this session's messages in order, each once", () => {
    const shown = mergeConversation({ older: [u1, a1], latest: [a1, u2], recent: [u2, a2], pending: [] });
    expect(ids(shown)).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("shows outbox messages after the conversation until the server has them", () => {
    const waiting = mergeConversation({
      older: [],
      latest: [u1, a1],
      recent: [],
      pending: [pending("client-2")],
    });
    expect(ids(waiting)).toEqual(["u1", "a1", "pending:client-2"]);
    const delivered = mergeConversation({
      older: [],
      latest: [u1, a1],
      recent: [u2, a2],
      pending: [pending("client-2")],
    });
    expect(ids(delivered)).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("never lets a stale 'streaming' copy replace a finished message", () => {
    const finished = { ...a2, status: "COMPLETE" as const, content: "done" };
    const shown = mergeConversation({ older: [], latest: [finished], recent: [a2], pending: [] });
    expect(shown[0]).toMatchObject({ kind: "message", message: { status: "COMPLETE", content: "done" } });
  });

  it("drops messages replaced by a regeneration", () => {
    const shown = mergeConversation({
      older: [],
      latest: [u1, a1],
      recent: [],
      pending: [],
      hidden: new Set(["a1"]),
    });
    expect(ids(shown)).toEqual(["u1"]);
  });

  it("finds the last message of a role", () => {
    const shown = mergeConversation({ older: [], latest: [u1, a1, u2], recent: [], pending: [] });
    expect(lastMessageOf(shown, "ASSISTANT")?.id).toBe("a1");
    expect(lastMessageOf(shown, "USER")?.id).toBe("u2");
  });
});
