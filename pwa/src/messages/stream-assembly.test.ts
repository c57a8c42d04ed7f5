import { describe, expect, it } from "vitest";
import type { MessageFieldsFragment } from "../gql/graphql";
import { applyStreamEvent, type StreamEvent, type StreamState, startStream } from "./stream-assembly";

const delta = (text: string): StreamEvent => ({ __typename: "MessageDelta", messageId: "m1", text });
const completed = (content: string, status: MessageFieldsFragment["status"] = "COMPLETE"): StreamEvent => ({
  __typename: "MessageCompleted",
  message: {
    __typename: "Message",
    id: "m1",
    chatId: "c1",
    role: "ASSISTANT",
    content,
    status,
    model: "openai/gpt-5.1",
    budgetFallbackFrom: null,
    clientMessageId: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    error: null,
    usage: null,
    sources: [],
    attachments: [],
    imagesAsText: false,
  },
});

function run(state: StreamState, events: StreamEvent[], progress = { received: "" }): StreamState {
  return events.reduce((current, event) => applyStreamEvent(current, progress, event), state);
}

describe("stream assembly", () => {
  it("concatenates deltas into the answer", () => {
    const state = run(startStream("c1"), [delta("Hel"), delta("lo, "), delta("world")]);
    expect(state).toMatchObject({ text: "Hello, world", status: "STREAMING" });
  });

  it("joins mid-answer: the first delta carries everything so far", () => {
    const state = run(startStream("c1"), [delta("Hello, wor"), delta("ld")]);
    expect(state.text).toBe("Hello, world");
  });

  it("resubscribes without duplicating or dropping text", () => {
    const first = run(startStream("c1"), [delta("Hello"), delta(", wo")]);
    // The connection died; a new subscription starts again from the whole text so far.
    const resumed = run(first, [delta("Hello, wo"), delta("rld"), delta("!")]);
    expect(resumed.text).toBe("Hello, world!");
  });

  it("keeps the longer text while a new subscription catches up", () => {
    const first = run(startStream("c1"), [delta("Hello, world")]);
    const progress = { received: "" };
    const catchingUp = applyStreamEvent(first, progress, delta("Hel"));
    expect(catchingUp.text).toBe("Hello, world");
    expect(applyStreamEvent(catchingUp, progress, delta("lo, world and more")).text).toBe(
      "Hello, world and more",
    );
  });

  it("joins after the end: one delta with everything, then the final message", () => {
    const state = run(startStream("c1"), [delta("All of it."), completed("All of it.")]);
    expect(state).toMatchObject({ text: "All of it.", status: "COMPLETE" });
  });

  it("takes the final content and status from MessageCompleted (e.g. stopped)", () => {
    const state = run(startStream("c1"), [delta("Partial"), completed("Partial text", "STOPPED")]);
    expect(state).toMatchObject({ text: "Partial text", status: "STOPPED" });
  });

  it("keeps the partial text of a failed answer and records the error", () => {
    const state = run(startStream("c1"), [
      delta("Half"),
      { __typename: "MessageFailed", messageId: "m1", code: "PROVIDER_ERROR", errorMessage: "boom" },
    ]);
    expect(state).toMatchObject({
      text: "Half",
      status: "FAILED",
      error: { code: "PROVIDER_ERROR", message: "boom" },
    });
  });
});
