import { describe, expect, it } from "vitest";
import {
  createPendingAttachments,
  MAX_ATTACHMENTS,
  type PendingAttachment,
  type PendingAttachmentsStorage,
} from "./pending-attachments";

const image = (id: string): PendingAttachment => ({
  id,
  filename: `${id}.png`,
  mimeType: "image/png",
  downloadUrl: `/documents/${id}/file`,
});

function memoryStorage(initial: ReturnType<PendingAttachmentsStorage["read"]> = {}) {
  let stored = structuredClone(initial);
  const storage: PendingAttachmentsStorage = {
    read: () => structuredClone(stored),
    write: (value) => {
      stored = structuredClone(value);
    },
  };
  return { storage, stored: () => stored };
}

const ids = (list: readonly PendingAttachment[]) => list.map((attachment) => attachment.id);

describe("pending attachments", () => {
  it("keeps each chat's images apart, each once, in the order they were added", () => {
    const pending = createPendingAttachments(memoryStorage().storage);
    pending.add("chat-1", image("a"));
    pending.add("chat-2", image("b"));
    pending.add("chat-1", image("c"));
    pending.add("chat-1", image("a"));
    expect(ids(pending.of("chat-1"))).toEqual(["a", "c"]);
    expect(ids(pending.of("chat-2"))).toEqual(["b"]);
    expect(pending.of("chat-3")).toEqual([]);
  });

  it("gives the images to the message being sent, and has none pending afterwards", () => {
    const pending = createPendingAttachments(memoryStorage().storage);
    pending.add("chat-1", image("a"));
    pending.add("chat-1", image("b"));
    pending.add("chat-2", image("c"));
    expect(ids(pending.take("chat-1"))).toEqual(["a", "b"]);
    expect(pending.of("chat-1")).toEqual([]);
    expect(pending.take("chat-1")).toEqual([]);
    expect(ids(pending.of("chat-2"))).toEqual(["c"]);
  });

  it("leaves an image out of the message without touching the others", () => {
    const pending = createPendingAttachments(memoryStorage().storage);
    pending.add("chat-1", image("a"));
    pending.add("chat-1", image("b"));
    pending.remove("chat-1", "a");
    expect(ids(pending.of("chat-1"))).toEqual(["b"]);
    pending.remove("chat-1", "unknown");
    expect(ids(pending.of("chat-1"))).toEqual(["b"]);
  });

  it("gives back what a message that was not sent took, before the images added since", () => {
    const pending = createPendingAttachments(memoryStorage().storage);
    pending.add("chat-1", image("a"));
    pending.add("chat-1", image("b"));
    const taken = pending.take("chat-1");
    pending.add("chat-1", image("c"));
    pending.restore("chat-1", taken);
    expect(ids(pending.of("chat-1"))).toEqual(["a", "b", "c"]);
    pending.restore("chat-1", []);
    expect(ids(pending.of("chat-1"))).toEqual(["a", "b", "c"]);
  });

  it("takes no more images than one message may carry", () => {
    const pending = createPendingAttachments(memoryStorage().storage);
    for (let index = 0; index < MAX_ATTACHMENTS; index++) {
      expect(pending.add("chat-1", image(`image-${index}`))).toBe(true);
    }
    expect(pending.add("chat-1", image("one-too-many"))).toBe(false);
    expect(pending.of("chat-1")).toHaveLength(MAX_ATTACHMENTS);
    // One already there is no new one.
    expect(pending.add("chat-1", image("image-0"))).toBe(true);
    expect(pending.add("chat-2", image("elsewhere"))).toBe(true);
  });

  it("survives a reload, and stores nothing for a chat without pending images", () => {
    const { storage, stored } = memoryStorage();
    const before = createPendingAttachments(storage);
    before.add("chat-1", image("a"));
    before.add("chat-2", image("b"));
    before.take("chat-2");
    expect(Object.keys(stored())).toEqual(["chat-1"]);
    const after = createPendingAttachments(storage);
    expect(ids(after.of("chat-1"))).toEqual(["a"]);
  });
});
