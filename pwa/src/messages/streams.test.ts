import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "./stream-assembly";
import { createStreamStore, type StreamSubscriber } from "./streams";

interface FakeSubscription {
  messageId: string;
  emit: (event: StreamEvent) => void;
  fail: (code?: string) => void;
  /** The server ends the stream. */
  end: () => void;
  /** A keep-alive comment arrives. */
  keepAlive: () => void;
  closed: boolean;
}

function setup(retryDelaysMs = [100]) {
  const subscriptions: FakeSubscription[] = [];
  const subscribe: StreamSubscriber = (messageId, handlers) => {
    const subscription: FakeSubscription = {
      messageId,
      emit: handlers.event,
      fail: handlers.error,
      end: handlers.complete,
      keepAlive: handlers.activity,
      closed: false,
    };
    subscriptions.push(subscription);
    return () => {
      subscription.closed = true;
    };
  };
  const onFinished = vi.fn();
  const store = createRoot(() => createStreamStore({ subscribe, onFinished, retryDelaysMs }));
  return { store, subscriptions, onFinished };
}

const delta = (text: string): StreamEvent => ({ __typename: "MessageDelta", messageId: "m1", text });
const failed: StreamEvent = {
  __typename: "MessageFailed",
  messageId: "m1",
  code: "PROVIDER_ERROR",
  errorMessage: "x",
};

afterEach(() => {
  vi.useRealTimers();
});

describe("stream store", () => {
  it("subscribes once per answer", () => {
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    store.follow("m1", "c1");
    expect(subscriptions).toHaveLength(1);
    expect(store.isChatStreaming("c1")).toBe(true);
  });

  it("resubscribes when the app comes back, ignoring the old connection, without duplicates", () => {
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    subscriptions[0]?.emit(delta("Hello"));
    store.resubscribeAll();
    expect(subscriptions[0]?.closed).toBe(true);
    subscriptions[0]?.emit(delta(" stale"));
    subscriptions[1]?.emit(delta("Hello, again"));
    expect(store.streams.m1?.text).toBe("Hello, again");
  });

  it("retries after a dropped connection", () => {
    vi.useFakeTimers();
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    subscriptions[0]?.emit(delta("Hel"));
    subscriptions[0]?.fail(undefined);
    expect(subscriptions).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(subscriptions).toHaveLength(2);
    subscriptions[1]?.emit(delta("Hello"));
    expect(store.streams.m1?.text).toBe("Hello");
  });

  it("ends on the final event, reports it once and lets the chat's queue go on", async () => {
    const { store, subscriptions, onFinished } = setup();
    store.follow("m1", "c1");
    const idle = store.whenChatIdle("c1");
    subscriptions[0]?.emit(failed);
    await idle;
    expect(subscriptions[0]?.closed).toBe(true);
    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(store.isChatStreaming("c1")).toBe(false);
  });

  it("lets a chat's queue wait for an answer that never ends only as long as the bound", async () => {
    vi.useFakeTimers();
    const { store } = setup();
    store.follow("m1", "c1");
    let waited = false;
    void store.whenChatIdle("c1", 60_000).then(() => (waited = true));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(waited).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waited).toBe(true);
    expect(store.isChatStreaming("c1")).toBe(true);
    store.dispose();
  });

  it("does not revive a finished answer from a stale 'streaming' status, only on restart", () => {
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    subscriptions[0]?.emit(failed);
    store.follow("m1", "c1", "old text");
    expect(subscriptions).toHaveLength(1);
    store.follow("m1", "c1", "", true);
    expect(subscriptions).toHaveLength(2);
    expect(store.streams.m1).toMatchObject({ text: "", status: "STREAMING" });
  });

  it("follows the answer again at once when the server ends the stream before the final event", () => {
    vi.useFakeTimers();
    const { store, subscriptions, onFinished } = setup([1_000]);
    store.follow("m1", "c1");
    subscriptions[0]?.emit(delta("Hello, wo"));
    subscriptions[0]?.end();
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions[0]?.closed).toBe(true);
    // The new subscription starts again from the whole text: no duplicate, no gap.
    subscriptions[1]?.emit(delta("Hello, wo"));
    subscriptions[1]?.emit(delta("rld"));
    subscriptions[1]?.emit({
      __typename: "MessageCompleted",
      message: {
        __typename: "Message",
        id: "m1",
        chatId: "c1",
        role: "ASSISTANT",
        content: "Hello, world",
        status: "COMPLETE",
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
    expect(store.streams.m1).toMatchObject({ text: "Hello, world", status: "COMPLETE" });
    expect(onFinished).toHaveBeenCalledTimes(1);
    subscriptions[1]?.end();
    expect(subscriptions).toHaveLength(2);
  });

  it("backs off when the stream it followed again also ends without a single event", () => {
    vi.useFakeTimers();
    const { store, subscriptions } = setup([1_000]);
    store.follow("m1", "c1");
    subscriptions[0]?.end();
    subscriptions[1]?.end();
    expect(subscriptions).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(subscriptions).toHaveLength(3);
    store.dispose();
  });

  it("lets keep-alives hold the watchdog off while a model thinks for minutes, then restarts a silent stream", () => {
    vi.useFakeTimers();
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    for (let second = 0; second < 5 * 60; second += 12) {
      vi.advanceTimersByTime(12_000);
      subscriptions[0]?.keepAlive();
    }
    expect(subscriptions).toHaveLength(1);
    subscriptions[0]?.emit(delta("Finally"));
    vi.advanceTimersByTime(44_999);
    expect(subscriptions).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions[0]?.closed).toBe(true);
    // The old connection's late bytes change nothing.
    subscriptions[0]?.keepAlive();
    subscriptions[0]?.end();
    expect(subscriptions).toHaveLength(2);
    store.dispose();
  });

  it("gives up on an answer that does not exist", () => {
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    subscriptions[0]?.fail("NOT_FOUND");
    expect(store.streams.m1?.status).toBe("FAILED");
  });
});
