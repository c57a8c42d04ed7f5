import { afterEach, describe, expect, it, vi } from "vitest";
import { createOutbox, type OutboxItem, type SendOutcome } from "./outbox";

function setup(initial: OutboxItem[] = []) {
  let online = false;
  const sent: string[] = [];
  const saved: OutboxItem[][] = [];
  let counter = 0;
  const send = vi.fn(async (item: OutboxItem): Promise<SendOutcome> => {
    await Promise.resolve();
    if (!online) return { kind: "offline" };
    if (item.content.includes("refuse")) return { kind: "refused", code: "BAD_USER_INPUT" };
    sent.push(item.content);
    return { kind: "sent" };
  });
  const outbox = createOutbox({
    send,
    load: () => initial,
    save: (items) => saved.push(items),
    newId: () => `id-${++counter}`,
  });
  return { outbox, send, sent, saved, goOnline: () => (online = true) };
}

const item = (content: string, state: OutboxItem["state"] = "pending"): OutboxItem => ({
  clientMessageId: content,
  chatId: "chat",
  content,
  createdAt: "2026-01-01T00:00:00.000Z",
  state,
});

// A failing test must not leave fake timers behind for the next one.
afterEach(() => {
  vi.useRealTimers();
});

describe("outbox", () => {
  it("keeps only the signed-in user's waiting messages when someone else signs in", async () => {
    const { outbox, sent, goOnline } = setup([
      { ...item("ada's"), userId: "ada" },
      { ...item("bob's"), userId: "bob" },
      item("from an older version"),
    ]);
    outbox.keepOnly("ada");
    expect(outbox.items().map((entry) => entry.content)).toEqual(["ada's", "from an older version"]);
    goOnline();
    await outbox.flush();
    expect(sent).toEqual(["ada's", "from an older version"]);
  });

  it("keeps messages written offline as pending, in order, and persists them", async () => {
    const { outbox, sent, saved } = setup();
    outbox.enqueue({ chatId: "chat", content: "first" });
    outbox.enqueue({ chatId: "chat", content: "second" });
    await outbox.flush();
    expect(sent).toEqual([]);
    expect(outbox.items().map((entry) => [entry.content, entry.state])).toEqual([
      ["first", "pending"],
      ["second", "pending"],
    ]);
    expect(saved.at(-1)?.map((entry) => entry.content)).toEqual(["first", "second"]);
  });

  it("sends everything in order, exactly once, however often flush is called", async () => {
    const { outbox, sent, send, goOnline } = setup();
    for (const content of ["one", "two", "three"]) outbox.enqueue({ chatId: "chat", content });
    await outbox.flush();
    goOnline();
    send.mockClear();
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
    expect(sent).toEqual(["one", "two", "three"]);
    expect(send).toHaveBeenCalledTimes(3);
    expect(outbox.items()).toEqual([]);
    await outbox.flush();
    expect(sent).toEqual(["one", "two", "three"]);
  });

  it("sends a message added while a flush runs in the same run, after the earlier ones", async () => {
    const { outbox, sent, goOnline } = setup();
    goOnline();
    outbox.enqueue({ chatId: "chat", content: "early" });
    const running = outbox.flush();
    outbox.enqueue({ chatId: "chat", content: "late" });
    void outbox.flush();
    await running;
    expect(sent).toEqual(["early", "late"]);
  });

  it("gives every message its own clientMessageId, kept across retries", async () => {
    const { outbox, send, goOnline } = setup();
    const queued = outbox.enqueue({ chatId: "chat", content: "hello" });
    await outbox.flush();
    goOnline();
    await outbox.flush();
    const ids = send.mock.calls.map(([call]) => call.clientMessageId);
    expect(ids).toEqual([queued.clientMessageId, queued.clientMessageId]);
  });

  it("marks a refused message as failed and goes on with the next", async () => {
    const { outbox, sent, goOnline } = setup();
    goOnline();
    outbox.enqueue({ chatId: "chat", content: "please refuse" });
    outbox.enqueue({ chatId: "chat", content: "fine" });
    await outbox.flush();
    expect(sent).toEqual(["fine"]);
    expect(outbox.items()).toMatchObject([
      { content: "please refuse", state: "failed", error: "BAD_USER_INPUT" },
    ]);
  });

  it("waits as long as the server asks when it is rate limited, keeping the order", async () => {
    vi.useFakeTimers();
    const outcomes: SendOutcome[] = [{ kind: "later", afterMs: 5_000 }, { kind: "sent" }, { kind: "sent" }];
    const sent: string[] = [];
    const outbox = createOutbox({
      send: async (entry) => {
        const outcome = outcomes.shift() ?? { kind: "sent" };
        if (outcome.kind === "sent") sent.push(entry.content);
        return outcome;
      },
      load: () => [],
      save: () => {},
    });
    outbox.enqueue({ chatId: "chat", content: "a" });
    outbox.enqueue({ chatId: "chat", content: "b" });
    await outbox.flush();
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual(["a", "b"]);
  });

  it("treats a message that was being sent when the page closed as pending again", () => {
    const { outbox } = setup([item("interrupted", "sending"), item("waiting")]);
    expect(outbox.items().map((entry) => entry.state)).toEqual(["pending", "pending"]);
  });

  it("treats a send that throws (network gone) as offline and keeps the message", async () => {
    const outbox = createOutbox({
      send: () => Promise.reject(new TypeError("Failed to fetch")),
      load: () => [],
      save: () => {},
    });
    outbox.enqueue({ chatId: "chat", content: "kept" });
    await outbox.flush();
    expect(outbox.items()).toMatchObject([{ content: "kept", state: "pending" }]);
  });
});
