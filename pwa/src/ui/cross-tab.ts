// Exclusive locks by name, shared by every tab of this origin (the Web Locks API), for work that one tab
// at a time must do: refreshing the session, delivering the outbox. A lock is released when its task
// ends, or when its tab goes away.

export interface Locks {
  /** Runs `task` once no other holder of `name` runs; requests are served in order. */
  request<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Locks within this page only, for browsers without navigator.locks: the page's own work stays in
 * order, and what two tabs might do at once must be harmless on its own (the outbox's clientMessageId,
 * the server's grace window for a just-rotated refresh token).
 */
export function createPageLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => {});
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return result;
    },
  };
}

/** The browser's locks across tabs, or this page's own where the browser has none. */
export function deviceLocks(): Locks {
  const manager = globalThis.navigator?.locks;
  if (!manager) return createPageLocks();
  return {
    // The lock manager resolves with what the task resolves with.
    request: <T>(name: string, task: () => Promise<T>) => manager.request(name, task) as Promise<T>,
  };
}

/** What the app needs of a BroadcastChannel: tell the other tabs, hear theirs. */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** A BroadcastChannel to this origin's other tabs, or none where the browser has none. */
export function tabChannel(name: string): TabChannel | undefined {
  return typeof BroadcastChannel === "function" ? new BroadcastChannel(name) : undefined;
}
