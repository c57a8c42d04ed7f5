import { type IDBPDatabase, type IDBPObjectStore, openDB } from "idb";
import { readJson, removeKey } from "../ui/storage";
import type { OutboxItem, OutboxStore } from "./outbox";

// The outbox on this device: IndexedDB, one record per message (keyed by its clientMessageId), so that
// tabs add and remove their own messages without overwriting each other's. A write counts once its
// transaction has committed: a refusal (quota, private mode) reaches the caller.

const DATABASE = "xqt5-outbox";
const MESSAGES = "messages";
/** Where earlier versions kept the whole outbox, as one JSON array in localStorage. */
const LEGACY_KEY = "xqt5.outbox";

type WritableMessages = IDBPObjectStore<unknown, [typeof MESSAGES], typeof MESSAGES, "readwrite">;

export function openOutboxStore(): OutboxStore {
  let database: Promise<IDBPDatabase> | undefined;

  function open(): Promise<IDBPDatabase> {
    database ??= openDB(DATABASE, 1, {
      upgrade(db) {
        db.createObjectStore(MESSAGES, { keyPath: "clientMessageId" });
      },
      // A newer version of the app in another tab wants to upgrade: let it, and open again later.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase).close();
        database = undefined;
      },
    }).then(
      async (db) => {
        await adoptLegacyOutbox(db);
        return db;
      },
      (error: unknown) => {
        database = undefined;
        throw error;
      },
    );
    return database;
  }

  async function write(work: (store: WritableMessages) => Promise<unknown>[]): Promise<void> {
    const db = await open();
    const transaction = db.transaction(MESSAGES, "readwrite");
    await Promise.all([...work(transaction.store), transaction.done]);
  }

  return {
    all: async () => (await open()).getAll(MESSAGES) as Promise<OutboxItem[]>,
    put: (item) => write((store) => [store.put(item)]),
    delete: (ids) => write((store) => ids.map((id) => store.delete(id))),
    clear: () => write((store) => [store.clear()]),
  };
}

/** Moves what an earlier version left in localStorage into the database, once. */
async function adoptLegacyOutbox(db: IDBPDatabase): Promise<void> {
  const legacy = readJson<unknown>(LEGACY_KEY, null);
  if (legacy === null) return;
  const items = (Array.isArray(legacy) ? legacy : []).filter(
    (item): item is OutboxItem =>
      typeof item?.clientMessageId === "string" && typeof item.chatId === "string",
  );
  try {
    const transaction = db.transaction(MESSAGES, "readwrite");
    // Two tabs adopting at once write the same records under the same keys: no message twice.
    await Promise.all([
      ...items.map((item) =>
        transaction.store.put({ ...item, state: item.state === "failed" ? "failed" : "pending" }),
      ),
      transaction.done,
    ]);
    removeKey(LEGACY_KEY);
  } catch {
    // Not stored: the old key stays, to be adopted at the next start.
  }
}
