import { createSignal } from "solid-js";

// Messages waiting to be sent. Every message goes through here, online or not: it shows at once as
// "pending", is sent in the order it was written, one at a time, and carries a clientMessageId so that a
// send whose answer got lost on the way can be repeated without creating a second message.

export interface OutboxItem {
  clientMessageId: string;
  chatId: string;
  content: string;
  model?: string | null;
  temperature?: number | null;
  createdAt: string;
  state: "pending" | "sending" | "failed";
  /** Error code of a refused send. */
  error?: string;
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
  | { kind: "refused"; code: string };

export interface OutboxOptions {
  send(item: OutboxItem): Promise<SendOutcome>;
  load(): OutboxItem[];
  save(items: OutboxItem[]): void;
  newId?(): string;
  now?(): Date;
}

export type NewOutboxItem = Pick<
  OutboxItem,
  "chatId" | "content" | "model" | "temperature" | "newChat" | "userId"
>;

export function createOutbox(options: OutboxOptions) {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  // After a reload nothing is in flight any more: "sending" items are pending again.
  const [items, setItems] = createSignal<OutboxItem[]>(
    options.load().map((item) => (item.state === "sending" ? { ...item, state: "pending" } : item)),
  );
  let running: Promise<void> | null = null;
  let again = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function write(next: OutboxItem[]): void {
    setItems(next);
    options.save(next);
  }

  function update(clientMessageId: string, patch: Partial<OutboxItem>): void {
    write(items().map((item) => (item.clientMessageId === clientMessageId ? { ...item, ...patch } : item)));
  }

  function remove(clientMessageId: string): void {
    write(items().filter((item) => item.clientMessageId !== clientMessageId));
  }

  async function drain(): Promise<void> {
    for (;;) {
      const next = items().find((item) => item.state !== "failed");
      if (!next) return;
      update(next.clientMessageId, { state: "sending" });
      const outcome = await options.send(next).catch((): SendOutcome => ({ kind: "offline" }));
      if (outcome.kind === "sent") {
        remove(next.clientMessageId);
      } else if (outcome.kind === "offline") {
        update(next.clientMessageId, { state: "pending" });
        return;
      } else if (outcome.kind === "later") {
        // Rate limited: keep the order and try again when the server allows it.
        update(next.clientMessageId, { state: "pending" });
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => void flush(), outcome.afterMs);
        return;
      } else {
        update(next.clientMessageId, { state: "failed", error: outcome.code });
      }
    }
  }

  /** Sends what is waiting. Concurrent calls share one run, so nothing is sent twice in parallel. */
  function flush(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drain();
      } while (again && items().some((item) => item.state === "pending"));
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    items,
    enqueue(input: NewOutboxItem): OutboxItem {
      const item: OutboxItem = {
        ...input,
        clientMessageId: newId(),
        createdAt: now().toISOString(),
        state: "pending",
      };
      write([...items(), item]);
      return item;
    },
    flush,
    discard: remove,
    retry(clientMessageId: string): Promise<void> {
      update(clientMessageId, { state: "pending", error: undefined });
      return flush();
    },
    clear(): void {
      write([]);
    },
    /**
     * Drops what other users left waiting (someone else signed in on this device). Items without a
     * user come from a version that emptied the outbox at every sign-out: they are the last user's.
     */
    keepOnly(userId: string): void {
      const mine = (item: OutboxItem) => item.userId === undefined || item.userId === userId;
      if (!items().every(mine)) write(items().filter(mine));
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
