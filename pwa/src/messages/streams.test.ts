import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "./stream-assembly";
import { createStreamStore, type StreamSubscriber } from "./streams";

interface FakeSubscription {
  messageId: string;
  emit: (event: StreamEvent) => void;
  fail: (code?: string) => void;
  closed: boolean;
}

function setup() {
  const subscriptions: FakeSubscription[] = [];
  const subscribe: StreamSubscriber = (messageId, onEvent, onError) => {
    const subscription: FakeSubscription = { messageId, emit: onEvent, fail: onError, closed: false };
    subscriptions.push(subscription);
    return () => {
      subscription.closed = true;
    };
  };
  const onFinished = vi.fn();
  const store = createRoot(() => createStreamStore({ subscribe, onFinished, retryDelaysMs: [100] }));
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

  it("gives up on an answer that does not exist", () => {
    const { store, subscriptions } = setup();
    store.follow("m1", "c1");
    subscriptions[0]?.fail("NOT_FOUND");
    expect(store.streams.m1?.status).toBe("FAILED");
  });
});
