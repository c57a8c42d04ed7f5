import { createSignal } from "solid-js";
import type { Locks, TabChannel } from "../ui/cross-tab";

// Messages waiting to be sent. Every message goes through here, online or not: it shows at once as
// "pending", is kept on the device (one record per message, so tabs never overwrite each other), and
// carries a clientMessageId so that a send whose answer got lost on the way can be repeated without
// creating a second message. Each chat's messages go out in the order they were written, one at a
// time; chats do not wait for each other. One tab delivers at a time (a lock), and every tab shows the
// messages of every tab (a change is announced on a channel and read again there).

export interface OutboxItem {
  clientMessageId: string;
  chatId: string;
  content: string;
  model?: string | null;
  temperature?: number | null;
  /** Also search the user's document library for this question. */
  useLibrary?: boolean;
  /** Images (document ids) that go with the message. */
  attachmentIds?: string[];
  createdAt: string;
  /** "sending" exists only in the memory of the tab that sends; it is stored as "pending". */
  state: "pending" | "sending" | "failed";
  /** Error code of a refused send. */
  error?: string;
  /** What the refusal said beside its code (e.g. which budget is used up), to explain it. */
  errorDetails?: Record<string, unknown>;
  /** Whose message it is: it waits through an expired session, but is sent only as that user. */
  userId?: string;
  /** Set on the first message of a chat started offline: the chat (id = chatId) is created before it. */
  newChat?: NewChatSettings;
}

export interface NewChatSettings {
  model?: string | null;
  temperature?: number | null;
  assistantId?: string | null;
}

export type SendOutcome =
  | { kind: "sent" }
  | { kind: "offline" }
  | { kind: "later"; afterMs: number }
  | { kind: "refused"; code: string; details?: Record<string, unknown> }
  /** Taken back by whoever wrote it (e.g. into the composer it came from): removed, not sent. */
  | { kind: "withdrawn" };

/** Where waiting messages are kept: one record per message, shared by the tabs of this device. */
export interface OutboxStore {
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  delete(clientMessageIds: readonly string[]): Promise<void>;
  clear(): Promise<void>;
}

/** The device refused to keep a new message (storage full, or not allowed here); it was not queued. */
export class OutboxStorageError extends Error {
  constructor(cause: unknown) {
    super("The message could not be stored on this device", { cause });
    this.name = "OutboxStorageError";
  }
}

export interface OutboxOptions {
  send(item: OutboxItem): Promise<SendOutcome>;
  store: OutboxStore;
  /** Announces this tab's changes to the other tabs and hears theirs; without it, tabs do not hear each other. */
  channel?: TabChannel;
  /** Keeps delivery to one tab at a time; without it, only this tab's own deliveries are kept apart. */
  locks?: Locks;
  /** Messages that another tab sent or removed, e.g. to fetch the chat again here. */
  onRemovedElsewhere?(items: OutboxItem[]): void;
  newId?(): string;
  now?(): Date;
}

export type NewOutboxItem = Pick<
  OutboxItem,
  "chatId" | "content" | "model" | "temperature" | "useLibrary" | "attachmentIds" | "newChat" | "userId"
>;

const DELIVERY_LOCK = "xqt5.outbox.delivery";

function inOrder(a: OutboxItem, b: OutboxItem): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.clientMessageId < b.clientMessageId ? -1 : a.clientMessageId > b.clientMessageId ? 1 : 0;
}

/** As stored: what only the sending tab knows stays out. */
function storable(item: OutboxItem): OutboxItem {
  return item.state === "sending" ? { ...item, state: "pending" } : item;
}

export function createOutbox(options: OutboxOptions) {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  const { store } = options;
  const [items, setItems] = createSignal<OutboxItem[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  /** Taken by enqueue but not yet confirmed stored: shown, not sent. */
  const unsaved = new Map<string, OutboxItem>();
  /** Being sent by this tab. */
  const sending = new Set<string>();
  // Bumped by every change made here (when shown, and again when stored), so that a read of the store
  // that overlapped it is not taken for the truth: it may lack the change.
  let version = 0;
  /** This tab's writes on their way to the store (a read meanwhile is dropped); each is followed by a read. */
  let writing = 0;
  let lastCreatedAt = 0;

  function show(list: readonly OutboxItem[]): void {
    setItems(
      list
        .map((item): OutboxItem => {
          if (sending.has(item.clientMessageId)) return { ...item, state: "sending" };
          return item.state === "sending" ? { ...item, state: "pending" } : item;
        })
        .sort(inOrder),
    );
  }

  function change(next: OutboxItem[]): void {
    version++;
    show(next);
  }

  function announce(): void {
    options.channel?.postMessage("changed");
  }

  /** Writes a change made here to the store; the read that follows shows what every tab has then. */
  async function write(work: () => Promise<void>): Promise<void> {
    writing++;
    try {
      await work();
    } finally {
      writing--;
      version++;
      void reload();
    }
  }

  /** Stores a change made here (already shown); a store that refuses it leaves this tab's view as is. */
  async function persist(work: () => Promise<void>): Promise<void> {
    try {
      await write(work);
      announce();
    } catch {
      // The change holds in this tab's memory. A removal that was not stored brings the message back
      // at the next read, and it is sent again: harmless, thanks to its clientMessageId.
    }
  }

  // Reads run one at a time, and one asked for while another runs follows it: an older read (e.g.
  // from before another tab's change) never lands after a newer one.
  let reading: Promise<void> | null = null;
  let readAgain = false;

  /** Reads what every tab keeps; resolves once a read that began after this call has been shown. */
  function reload(): Promise<void> {
    readAgain = true;
    reading ??= (async () => {
      while (readAgain) {
        readAgain = false;
        await readStore();
      }
      reading = null;
    })();
    return reading;
  }

  async function readStore(): Promise<void> {
    const seen = version;
    let stored: OutboxItem[];
    try {
      stored = await store.all();
    } catch {
      return;
    } finally {
      setLoaded(true);
    }
    // A change of this tab came in meanwhile: read again — once its write has landed, if one is on its way.
    if (seen !== version || writing > 0) {
      if (writing === 0) readAgain = true;
      return;
    }
    const known = new Set(stored.map((item) => item.clientMessageId));
    const removedElsewhere = items().filter(
      (item) => !known.has(item.clientMessageId) && !unsaved.has(item.clientMessageId),
    );
    show([...stored, ...[...unsaved.values()].filter((item) => !known.has(item.clientMessageId))]);
    if (removedElsewhere.length > 0) options.onRemovedElsewhere?.(removedElsewhere);
  }

  const ready = reload();

  // --- delivery -------------------------------------------------------------------------------------

  let running: Promise<void> | null = null;
  /** Chats whose delivery stopped in this run (offline, rate limited): not started again in it... */
  const halted = new Set<string>();
  /** ...unless a flush was asked for meanwhile (the network is back): then each gets one more try. */
  let again = false;
  let wake: (() => void) | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const deliverable = (item: OutboxItem) => item.state === "pending" && !unsaved.has(item.clientMessageId);

  function update(clientMessageId: string, patch: Partial<OutboxItem>): OutboxItem | undefined {
    let updated: OutboxItem | undefined;
    change(
      items().map((item) => {
        if (item.clientMessageId !== clientMessageId) return item;
        updated = { ...item, ...patch };
        return updated;
      }),
    );
    return updated;
  }

  /** Sends one chat's waiting messages in order, until none is left or the chat must wait. */
  async function deliverChat(chatId: string): Promise<void> {
    for (;;) {
      const next = items().find((item) => item.chatId === chatId && deliverable(item));
      if (!next) return;
      const id = next.clientMessageId;
      sending.add(id);
      show(items());
      const outcome = await options.send(next).catch((): SendOutcome => ({ kind: "offline" }));
      sending.delete(id);
      if (outcome.kind === "sent" || outcome.kind === "withdrawn") {
        change(items().filter((item) => item.clientMessageId !== id));
        await persist(() => store.delete([id]));
      } else if (outcome.kind === "refused") {
        // Kept, with its text, until the person retries or discards it: never sent again on its own.
        const failed = update(id, { state: "failed", error: outcome.code, errorDetails: outcome.details });
        if (failed) await persist(() => store.put(storable(failed)));
      } else {
        show(items());
        halted.add(chatId);
        if (outcome.kind === "later") {
          // Rate limited: keep the order and try again when the server allows it.
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => void flush(), outcome.afterMs);
        }
        return;
      }
    }
  }

  /** One delivery per chat with waiting messages, side by side; new messages join while it runs. */
  async function deliverAll(): Promise<void> {
    await ready;
    await reload();
    const chats = new Map<string, Promise<void>>();
    for (;;) {
      for (const item of items()) {
        if (!deliverable(item) || chats.has(item.chatId) || halted.has(item.chatId)) continue;
        const chatId = item.chatId;
        chats.set(
          chatId,
          deliverChat(chatId).finally(() => {
            chats.delete(chatId);
            wake?.();
          }),
        );
      }
      if (chats.size === 0) {
        if (!again) return;
        again = false;
        halted.clear();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  /** Sends what is waiting. Concurrent calls share one run, so nothing is sent twice in parallel. */
  function flush(): Promise<void> {
    if (running) {
      // Called again (the network is back, a message was added): chats that stopped may go on.
      again = true;
      halted.clear();
      wake?.();
      return running;
    }
    const run = () => deliverAll();
    running = (options.locks ? options.locks.request(DELIVERY_LOCK, run) : run()).finally(() => {
      running = null;
      again = false;
      halted.clear();
    });
    return running;
  }

  options.channel?.addEventListener("message", () => {
    void reload().then(() => wake?.());
  });

  return {
    items,
    /** Whether the device's waiting messages have been read (until then, none are shown). */
    loaded,
    ready,
    /**
     * Takes a new message: shown at once, stored on the device, then sendable. Rejects with an
     * OutboxStorageError (and shows nothing) when the device refuses to store it.
     */
    async enqueue(input: NewOutboxItem): Promise<OutboxItem> {
      await ready;
      // Strictly increasing within a tab, so that two messages of one millisecond keep their order.
      lastCreatedAt = Math.max(now().getTime(), lastCreatedAt + 1);
      const item: OutboxItem = {
        ...input,
        clientMessageId: newId(),
        createdAt: new Date(lastCreatedAt).toISOString(),
        state: "pending",
      };
      const id = item.clientMessageId;
      unsaved.set(id, item);
      change([...items(), item]);
      try {
        await write(() => store.put(item));
      } catch (error) {
        change(items().filter((entry) => entry.clientMessageId !== id));
        throw new OutboxStorageError(error);
      } finally {
        unsaved.delete(id);
      }
      announce();
      return item;
    },
    flush,
    async discard(clientMessageId: string): Promise<void> {
      change(items().filter((item) => item.clientMessageId !== clientMessageId));
      await persist(() => store.delete([clientMessageId]));
    },
    async retry(clientMessageId: string): Promise<void> {
      const pending = update(clientMessageId, {
        state: "pending",
        error: undefined,
        errorDetails: undefined,
      });
      if (pending) await persist(() => store.put(storable(pending)));
      return flush();
    },
    async clear(): Promise<void> {
      await ready;
      change([]);
      await persist(() => store.clear());
    },
    /**
     * Drops what other users left waiting (someone else signed in on this device). Items without a
     * user come from a version that emptied the outbox at every sign-out: they are the last user's.
     */
    async keepOnly(userId: string): Promise<void> {
      await ready;
      const mine = (item: OutboxItem) => item.userId === undefined || item.userId === userId;
      const others = items().filter((item) => !mine(item));
      if (others.length === 0) return;
      change(items().filter(mine));
      await persist(() => store.delete(others.map((item) => item.clientMessageId)));
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
