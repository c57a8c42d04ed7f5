import { afterEach, describe, expect, it, vi } from "vitest";
import { createPageLocks, type Locks } from "../ui/cross-tab";
import {
  createOutbox,
  type OutboxItem,
  type OutboxOptions,
  OutboxStorageError,
  type OutboxStore,
  type SendOutcome,
} from "./outbox";

/** The device's storage: one record per message, shared by every "tab" of a test. */
function memoryStore(initial: OutboxItem[] = []) {
  const records = new Map(initial.map((item) => [item.clientMessageId, structuredClone(item)]));
  const store: OutboxStore = {
    all: async () => [...records.values()].map((item) => structuredClone(item)),
    put: async (item) => {
      records.set(item.clientMessageId, structuredClone(item));
    },
    delete: async (ids) => {
      for (const id of ids) records.delete(id);
    },
    clear: async () => records.clear(),
  };
  return { store, records };
}

const channels: BroadcastChannel[] = [];
let channelCount = 0;
/** A fresh channel name per test, so that tests do not hear each other. */
const nextChannelName = () => `outbox-test-${++channelCount}`;
function channel(name: string): BroadcastChannel {
  const opened = new BroadcastChannel(name);
  channels.push(opened);
  return opened;
}

/** A server that is reachable or not, refuses what asks to be refused, and records what it got. */
function fakeServer() {
  let online = false;
  const sent: string[] = [];
  const send = vi.fn(async (item: OutboxItem): Promise<SendOutcome> => {
    await Promise.resolve();
    if (!online) return { kind: "offline" };
    if (item.content.includes("refuse")) return { kind: "refused", code: "BAD_USER_INPUT" };
    sent.push(item.content);
    return { kind: "sent" };
  });
  return { send, sent, goOnline: () => (online = true) };
}

let counter = 0;
function tab(options: Partial<OutboxOptions> & Pick<OutboxOptions, "send" | "store">) {
  return createOutbox({ newId: () => `id-${++counter}`, ...options });
}

function setup(initial: OutboxItem[] = []) {
  const server = fakeServer();
  const { store, records } = memoryStore(initial);
  const outbox = tab({ send: server.send, store });
  return { outbox, records, ...server };
}

const item = (content: string, state: OutboxItem["state"] = "pending"): OutboxItem => ({
  clientMessageId: content,
  chatId: "chat",
  content,
  createdAt: "2026-01-01T00:00:00.000Z",
  state,
});

const contents = (items: readonly OutboxItem[]) => items.map((entry) => entry.content);

// A failing test must not leave fake timers (or open channels) behind for the next one.
afterEach(() => {
  vi.useRealTimers();
  for (const opened of channels.splice(0)) opened.close();
});

describe("outbox", () => {
  it("keeps only the signed-in user's waiting messages when someone else signs in", async () => {
    const { outbox, sent, goOnline, records } = setup([
      { ...item("ada's"), userId: "ada" },
      { ...item("bob's"), userId: "bob", createdAt: "2026-01-01T00:00:01.000Z" },
      { ...item("from an older version"), createdAt: "2026-01-01T00:00:02.000Z" },
    ]);
    await outbox.keepOnly("ada");
    expect(contents(outbox.items())).toEqual(["ada's", "from an older version"]);
    expect([...records.keys()].sort()).toEqual(["ada's", "from an older version"]);
    goOnline();
    await outbox.flush();
    expect(sent).toEqual(["ada's", "from an older version"]);
  });

  it("keeps messages written offline as pending, in order, and stores each on the device", async () => {
    const { outbox, sent, records } = setup();
    await outbox.enqueue({ chatId: "chat", content: "first" });
    await outbox.enqueue({ chatId: "chat", content: "second" });
    await outbox.flush();
    expect(sent).toEqual([]);
    expect(outbox.items().map((entry) => [entry.content, entry.state])).toEqual([
      ["first", "pending"],
      ["second", "pending"],
    ]);
    expect(contents([...records.values()])).toEqual(["first", "second"]);
  });

  it("keeps the order of messages written within one millisecond", async () => {
    const { store } = memoryStore();
    let descending = 100;
    const outbox = tab({
      send: fakeServer().send,
      store,
      now: () => new Date("2026-01-01T00:00:00Z"),
      // Ids that sort the other way round than they were made.
      newId: () => `id-${--descending}`,
    });
    for (const content of ["a", "b", "c", "d"]) await outbox.enqueue({ chatId: "chat", content });
    const reopened = tab({ send: fakeServer().send, store });
    await reopened.ready;
    expect(contents(reopened.items())).toEqual(["a", "b", "c", "d"]);
  });

  it("sends everything in order, exactly once, however often flush is called", async () => {
    const { outbox, sent, send, goOnline, records } = setup();
    for (const content of ["one", "two", "three"]) await outbox.enqueue({ chatId: "chat", content });
    await outbox.flush();
    goOnline();
    send.mockClear();
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
    expect(sent).toEqual(["one", "two", "three"]);
    expect(send).toHaveBeenCalledTimes(3);
    expect(outbox.items()).toEqual([]);
    expect(records.size).toBe(0);
    await outbox.flush();
    expect(sent).toEqual(["one", "two", "three"]);
  });

  it("sends a message added while a flush runs in the same run, after the earlier ones", async () => {
    const { outbox, sent, goOnline } = setup();
    goOnline();
    await outbox.enqueue({ chatId: "chat", content: "early" });
    const running = outbox.flush();
    await outbox.enqueue({ chatId: "chat", content: "late" });
    void outbox.flush();
    await running;
    expect(sent).toEqual(["early", "late"]);
  });

  it("tries once more when asked to while a send was on its way that then found no network", async () => {
    let online = false;
    let answer!: () => void;
    const sent: string[] = [];
    const outbox = tab({
      store: memoryStore().store,
      send: async (entry) => {
        if (!online) {
          await new Promise<void>((resolve) => (answer = resolve));
          return { kind: "offline" };
        }
        sent.push(entry.content);
        return { kind: "sent" };
      },
    });
    await outbox.enqueue({ chatId: "chat", content: "hello" });
    const running = outbox.flush();
    await vi.waitFor(() => expect(answer).toBeDefined());
    // The network is back (and says so) before the first attempt has failed.
    online = true;
    void outbox.flush();
    answer();
    await running;
    expect(sent).toEqual(["hello"]);
  });

  it("gives every message its own clientMessageId, kept across retries", async () => {
    const { outbox, send, goOnline } = setup();
    const queued = await outbox.enqueue({ chatId: "chat", content: "hello" });
    await outbox.flush();
    goOnline();
    await outbox.flush();
    const ids = send.mock.calls.map(([call]) => call.clientMessageId);
    expect(ids).toEqual([queued.clientMessageId, queued.clientMessageId]);
  });

  it("marks a refused message as failed and goes on with the next", async () => {
    const { outbox, sent, goOnline, records } = setup();
    goOnline();
    await outbox.enqueue({ chatId: "chat", content: "please refuse" });
    await outbox.enqueue({ chatId: "chat", content: "fine" });
    await outbox.flush();
    expect(sent).toEqual(["fine"]);
    expect(outbox.items()).toMatchObject([
      { content: "please refuse", state: "failed", error: "BAD_USER_INPUT" },
    ]);
    expect([...records.values()]).toMatchObject([{ content: "please refuse", state: "failed" }]);
  });

  it("waits as long as the server asks when it is rate limited, keeping the order", async () => {
    vi.useFakeTimers();
    const outcomes: SendOutcome[] = [{ kind: "later", afterMs: 5_000 }, { kind: "sent" }, { kind: "sent" }];
    const sent: string[] = [];
    const outbox = tab({
      send: async (entry) => {
        const outcome = outcomes.shift() ?? { kind: "sent" };
        if (outcome.kind === "sent") sent.push(entry.content);
        return outcome;
      },
      store: memoryStore().store,
    });
    await outbox.enqueue({ chatId: "chat", content: "a" });
    await outbox.enqueue({ chatId: "chat", content: "b" });
    await outbox.flush();
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual(["a", "b"]);
  });

  it("keeps the images of a message written offline, and sends them with it from another tab", async () => {
    const { store } = memoryStore();
    const writer = tab({ send: fakeServer().send, store });
    await writer.enqueue({ chatId: "chat", content: "what is in it?", attachmentIds: ["img-1", "img-2"] });
    await writer.flush();
    const server = fakeServer();
    const reader = tab({ send: server.send, store });
    await reader.ready;
    server.goOnline();
    await reader.flush();
    expect(server.send).toHaveBeenCalledWith(
      expect.objectContaining({ content: "what is in it?", attachmentIds: ["img-1", "img-2"] }),
    );
  });

  it("treats a message that was being sent when the page closed as pending again", async () => {
    const { outbox } = setup([
      item("interrupted", "sending"),
      { ...item("waiting"), createdAt: "2026-01-02" },
    ]);
    await outbox.ready;
    expect(outbox.items().map((entry) => entry.state)).toEqual(["pending", "pending"]);
  });

  it("treats a send that throws (network gone) as offline and keeps the message", async () => {
    const outbox = tab({
      send: () => Promise.reject(new TypeError("Failed to fetch")),
      store: memoryStore().store,
    });
    await outbox.enqueue({ chatId: "chat", content: "kept" });
    await outbox.flush();
    expect(outbox.items()).toMatchObject([{ content: "kept", state: "pending" }]);
  });

  it("does not let a chat that waits for its previous answer hold the other chats", async () => {
    const released: Array<() => void> = [];
    const sent: string[] = [];
    const outbox = tab({
      store: memoryStore().store,
      send: async (entry) => {
        // The first message of "busy" waits (for a previous answer that does not end).
        if (entry.content === "busy 1") await new Promise<void>((resolve) => released.push(resolve));
        sent.push(entry.content);
        return { kind: "sent" };
      },
    });
    await outbox.enqueue({ chatId: "busy", content: "busy 1" });
    await outbox.enqueue({ chatId: "busy", content: "busy 2" });
    await outbox.enqueue({ chatId: "other", content: "other 1" });
    await outbox.enqueue({ chatId: "other", content: "other 2" });
    const flushed = outbox.flush();
    await vi.waitFor(() => expect(sent).toEqual(["other 1", "other 2"]));
    expect(contents(outbox.items())).toEqual(["busy 1", "busy 2"]);
    expect(outbox.items()[0]?.state).toBe("sending");
    released.forEach((release) => void release());
    await flushed;
    expect(sent).toEqual(["other 1", "other 2", "busy 1", "busy 2"]);
  });

  it("tells when the device refuses to store a message, and does not keep it", async () => {
    const { store } = memoryStore();
    const full: OutboxStore = {
      ...store,
      put: () => Promise.reject(new DOMException("full", "QuotaExceededError")),
    };
    const server = fakeServer();
    server.goOnline();
    const outbox = tab({ send: server.send, store: full });
    await expect(outbox.enqueue({ chatId: "chat", content: "typed" })).rejects.toBeInstanceOf(
      OutboxStorageError,
    );
    expect(outbox.items()).toEqual([]);
    await outbox.flush();
    expect(server.send).not.toHaveBeenCalled();
  });
});

/**
 * Storage whose reads and writes wait until the test lets them finish, in the order it chooses, as
 * IndexedDB's may under load. A read returns the records as they were when it began.
 */
function heldStore(records = new Map<string, OutboxItem>()) {
  const heldReads: Array<() => void> = [];
  const heldWrites: Array<() => void> = [];
  let holding = { reads: false, writes: false };
  const wait = (queue: Array<() => void>) => new Promise<void>((resolve) => queue.push(resolve));
  const store: OutboxStore = {
    all: async () => {
      const snapshot = [...records.values()].map((entry) => structuredClone(entry));
      if (holding.reads) await wait(heldReads);
      return snapshot;
    },
    put: async (entry) => {
      if (holding.writes) await wait(heldWrites);
      records.set(entry.clientMessageId, structuredClone(entry));
    },
    delete: async (ids) => {
      if (holding.writes) await wait(heldWrites);
      for (const id of ids) records.delete(id);
    },
    clear: async () => records.clear(),
  };
  return {
    store,
    records,
    heldReads,
    heldWrites,
    hold: (what: Partial<typeof holding>) => {
      holding = { ...holding, ...what };
    },
    /** Lets everything held finish, the newest first, and stops holding. */
    releaseNewestFirst: () => {
      holding = { reads: false, writes: false };
      for (const queue of [heldWrites, heldReads]) {
        for (const release of queue.splice(0).reverse()) release();
      }
    },
  };
}

/** Lets the tabs' channels and promises run until nothing moves any more. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("outbox across tabs", () => {
  /** Two tabs of one browser: one storage, one lock manager, one channel name. */
  function twoTabs(locks: Locks | undefined = createPageLocks()) {
    const server = fakeServer();
    const sentByChat: Record<string, string[]> = {};
    const send = vi.fn(async (entry: OutboxItem) => {
      const outcome = await server.send(entry);
      if (outcome.kind === "sent")
        sentByChat[entry.chatId] = [...(sentByChat[entry.chatId] ?? []), entry.content];
      return outcome;
    });
    const { store, records } = memoryStore();
    const name = nextChannelName();
    const removedInB = vi.fn();
    const first = tab({ send, store, locks, channel: channel(name) });
    const second = tab({ send, store, locks, channel: channel(name), onRemovedElsewhere: removedInB });
    return { first, second, send, sentByChat, records, removedInB, goOnline: server.goOnline };
  }

  it("keeps every message of both tabs, shows them in both, and sends each exactly once", async () => {
    const { first, second, send, sentByChat, records, goOnline } = twoTabs();
    await first.enqueue({ chatId: "a", content: "a1 (first tab)" });
    await second.enqueue({ chatId: "a", content: "a2 (second tab)" });
    await first.enqueue({ chatId: "b", content: "b1 (first tab)" });
    await second.enqueue({ chatId: "b", content: "b2 (second tab)" });
    await first.enqueue({ chatId: "a", content: "a3 (first tab)" });
    const everything = [
      "a1 (first tab)",
      "a2 (second tab)",
      "b1 (first tab)",
      "b2 (second tab)",
      "a3 (first tab)",
    ];
    expect(records.size).toBe(5);
    await vi.waitFor(() => {
      expect(contents(first.items())).toEqual(everything);
      expect(contents(second.items())).toEqual(everything);
    });
    await Promise.all([first.flush(), second.flush()]);
    expect(records.size).toBe(5);

    goOnline();
    send.mockClear();
    await Promise.all([first.flush(), second.flush(), first.flush(), second.flush()]);
    expect(sentByChat).toEqual({
      a: ["a1 (first tab)", "a2 (second tab)", "a3 (first tab)"],
      b: ["b1 (first tab)", "b2 (second tab)"],
    });
    expect(send).toHaveBeenCalledTimes(5);
    expect(records.size).toBe(0);
    await vi.waitFor(() => {
      expect(first.items()).toEqual([]);
      expect(second.items()).toEqual([]);
    });
  });

  it("lets the other tab know which of its messages were sent elsewhere", async () => {
    const { first, second, removedInB, goOnline } = twoTabs();
    await second.enqueue({ chatId: "a", content: "written in the second tab" });
    await vi.waitFor(() => expect(contents(first.items())).toEqual(["written in the second tab"]));
    goOnline();
    await first.flush();
    await vi.waitFor(() =>
      expect(removedInB).toHaveBeenCalledWith([expect.objectContaining({ chatId: "a" })]),
    );
  });
  it("keeps showing a message whose storing finished while a read of the device was on its way", async () => {
    const { store, records, heldReads, heldWrites, hold, releaseNewestFirst } = heldStore();
    const send = vi.fn(async (): Promise<SendOutcome> => ({ kind: "offline" }));
    const outbox = tab({ send, store });
    await outbox.ready;
    hold({ reads: true, writes: true });
    const written = outbox.enqueue({ chatId: "a", content: "written offline" });
    // A delivery starts and reads the device before the message has landed there.
    const delivery = outbox.flush();
    await vi.waitFor(() => expect(heldReads.length + heldWrites.length).toBe(2));
    for (const release of heldWrites.splice(0)) release();
    await written;
    releaseNewestFirst();
    await delivery;
    await settle();
    expect(records.size).toBe(1);
    expect(contents(outbox.items())).toEqual(["written offline"]);
  });

  it("does not let an older read of the device land after a newer one", async () => {
    const records = new Map<string, OutboxItem>();
    const first = heldStore(records);
    const second = heldStore(records);
    const name = nextChannelName();
    const offline = async (): Promise<SendOutcome> => ({ kind: "offline" });
    const firstTab = tab({ send: offline, store: first.store, channel: channel(name) });
    const secondTab = tab({ send: offline, store: second.store, channel: channel(name) });
    await Promise.all([firstTab.ready, secondTab.ready]);
    // The first tab reads the device (a delivery starting); its read is slow...
    first.hold({ reads: true });
    const delivery = firstTab.flush();
    await vi.waitFor(() => expect(first.heldReads.length).toBe(1));
    // ...and meanwhile the second tab stores a message and says so; the first tab reads again.
    await secondTab.enqueue({ chatId: "a", content: "from the second tab" });
    await settle();
    first.releaseNewestFirst();
    await delivery;
    await settle();
    expect(contents(firstTab.items())).toEqual(["from the second tab"]);
    expect(contents(secondTab.items())).toEqual(["from the second tab"]);
  });
});

describe("outbox and budgets", () => {
  const budgetRefusal = { code: "BUDGET_EXCEEDED", scope: "USER", period: "MONTH", targetName: "anna" };

  it("keeps a message a budget refused, with its text and why, and does not send it again by itself", async () => {
    const send = vi.fn(
      async (): Promise<SendOutcome> => ({
        kind: "refused",
        code: "BUDGET_EXCEEDED",
        details: budgetRefusal,
      }),
    );
    const { store, records } = memoryStore();
    const outbox = tab({ send, store });
    await outbox.enqueue({ chatId: "chat", content: "held" });
    await outbox.flush();
    await outbox.flush();
    expect(send).toHaveBeenCalledTimes(1);
    const [held] = outbox.items();
    expect(held).toMatchObject({ content: "held", state: "failed", error: "BUDGET_EXCEEDED" });
    expect(held?.errorDetails).toEqual(budgetRefusal);
    // On the device too: another tab (or the next start) shows it held.
    const stored = [...records.values()][0];
    expect(stored).toMatchObject({ state: "failed", error: "BUDGET_EXCEEDED", errorDetails: budgetRefusal });
    const reopened = tab({ send, store });
    await reopened.ready;
    expect(reopened.items()[0]).toMatchObject({ content: "held", state: "failed" });

    // Retried by hand (the budget has room again): sent, and the refusal is forgotten.
    send.mockResolvedValueOnce({ kind: "sent" });
    await outbox.retry(held?.clientMessageId ?? "");
    expect(send).toHaveBeenCalledTimes(2);
    expect(outbox.items()).toEqual([]);
    expect(records.size).toBe(0);
  });

  it("forgets the refusal when a held message is retried, until the next answer", async () => {
    let refuse = true;
    const send = vi.fn(
      async (): Promise<SendOutcome> =>
        refuse ? { kind: "refused", code: "BUDGET_EXCEEDED", details: budgetRefusal } : { kind: "offline" },
    );
    const outbox = tab({ send, store: memoryStore().store });
    const queued = await outbox.enqueue({ chatId: "chat", content: "again" });
    await outbox.flush();
    refuse = false;
    await outbox.retry(queued.clientMessageId);
    expect(outbox.items()[0]).toMatchObject({ state: "pending", error: undefined, errorDetails: undefined });
  });

  it("removes a message its writer took back, without sending it, and goes on with the next", async () => {
    const { store, records } = memoryStore();
    const sent: string[] = [];
    const send = vi.fn(async (entry: OutboxItem): Promise<SendOutcome> => {
      if (entry.content === "taken back") return { kind: "withdrawn" };
      sent.push(entry.content);
      return { kind: "sent" };
    });
    const outbox = tab({ send, store });
    await outbox.enqueue({ chatId: "chat", content: "taken back" });
    await outbox.enqueue({ chatId: "chat", content: "next" });
    await outbox.flush();
    expect(sent).toEqual(["next"]);
    expect(outbox.items()).toEqual([]);
    expect(records.size).toBe(0);
  });
});
