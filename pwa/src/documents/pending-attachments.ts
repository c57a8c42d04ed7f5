import { createSignal } from "solid-js";
import type { DocumentFieldsFragment } from "../gql/graphql";
import { readJson, writeJson } from "../ui/storage";

// Images uploaded in a chat's composer since its last message: they go with the next message of that
// chat (as its attachmentIds), then the set is empty. Kept per chat, in this tab (a reload keeps them).
// Small and static: the composer takes them with every message.

/** What a pending image shows: its thumbnail and name. */
export type PendingAttachment = Pick<DocumentFieldsFragment, "id" | "filename" | "mimeType" | "downloadUrl">;

/** The most images the API takes with one message. */
export const MAX_ATTACHMENTS = 10;

type ByChat = Record<string, readonly PendingAttachment[]>;

export interface PendingAttachmentsStorage {
  read(): ByChat;
  write(value: ByChat): void;
}

const STORAGE_KEY = "xqt5.pendingAttachments";

const tabStorage: PendingAttachmentsStorage = {
  read: () => readJson<ByChat>(STORAGE_KEY, {}, "session"),
  write: (value) => writeJson(STORAGE_KEY, value, "session"),
};

export function createPendingAttachments(storage: PendingAttachmentsStorage = tabStorage) {
  const [byChat, setByChat] = createSignal<ByChat>(storage.read());

  const save = (chatId: string, attachments: readonly PendingAttachment[]) => {
    const next = { ...byChat() };
    if (attachments.length > 0) next[chatId] = attachments;
    else delete next[chatId];
    setByChat(next);
    storage.write(next);
  };

  const of = (chatId: string): readonly PendingAttachment[] => byChat()[chatId] ?? [];

  return {
    of,
    /** Adds an image (once); answers false when the next message already takes as many as it can. */
    add(chatId: string, attachment: PendingAttachment): boolean {
      const current = of(chatId);
      if (current.some((known) => known.id === attachment.id)) return true;
      if (current.length >= MAX_ATTACHMENTS) return false;
      save(chatId, [...current, attachment]);
      return true;
    },
    /** Not to be sent with the message after all: the document itself stays in the chat. */
    remove(chatId: string, id: string): void {
      save(
        chatId,
        of(chatId).filter((attachment) => attachment.id !== id),
      );
    },
    /** The images for the message being sent now; the chat has none pending afterwards. */
    take(chatId: string): readonly PendingAttachment[] {
      const taken = of(chatId);
      if (taken.length > 0) save(chatId, []);
      return taken;
    },
    /** Gives back what `take` took, when the message was not sent after all (before any added since). */
    restore(chatId: string, attachments: readonly PendingAttachment[]): void {
      if (attachments.length === 0) return;
      const restored = new Set(attachments.map((attachment) => attachment.id));
      const since = of(chatId).filter((attachment) => !restored.has(attachment.id));
      save(chatId, [...attachments, ...since].slice(0, MAX_ATTACHMENTS));
    },
  };
}

export type PendingAttachments = ReturnType<typeof createPendingAttachments>;

export const pendingAttachments = createPendingAttachments();
