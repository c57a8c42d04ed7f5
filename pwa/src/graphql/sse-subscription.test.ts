import { describe, expect, it, vi } from "vitest";
import { MessageStreamSubscription } from "../messages/operations";
import { createSseSubscriber } from "./sse-subscription";

/** A server's event stream that the test writes into, served to graphql-sse's real client. */
function eventStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(started) {
      controller = started;
    },
  });
  const requests: { body: unknown; signal?: AbortSignal | null }[] = [];
  const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ body: JSON.parse(String(init?.body)), signal: init?.signal });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  });
  return {
    fetch,
    requests,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    next: (payload: unknown) =>
      controller.enqueue(encoder.encode(`event: next\ndata: ${JSON.stringify(payload)}\n\n`)),
    complete: () => controller.enqueue(encoder.encode("event: complete\ndata:\n\n")),
  };
}

function handlers() {
  const heard: string[] = [];
  return {
    heard,
    next: vi.fn((data: unknown) => heard.push(`next ${JSON.stringify(data)}`)),
    error: vi.fn((code: string | undefined) => heard.push(`error ${code}`)),
    complete: vi.fn(() => heard.push("complete")),
    activity: vi.fn(),
  };
}

const delta = { messageStream: { __typename: "MessageDelta", messageId: "m1", text: "Hi" } };

describe("subscriptions over graphql-sse", () => {
  it("reports keep-alives as activity, events as data, and the server's end of the stream", async () => {
    const stream = eventStream();
    const subscribe = createSseSubscriber({
      url: "/graphql/stream",
      headers: async () => ({}),
      fetch: stream.fetch,
    });
    const heard = handlers();
    subscribe(MessageStreamSubscription, { messageId: "m1" }, heard);
    // The response itself counts as activity; then every chunk does, a keep-alive comment too.
    await vi.waitFor(() => expect(heard.activity).toHaveBeenCalled());
    const before = heard.activity.mock.calls.length;
    stream.write(":\n\n");
    await vi.waitFor(() => expect(heard.activity.mock.calls.length).toBeGreaterThan(before));
    expect(heard.heard).toEqual([]);

    stream.next({ data: delta });
    stream.complete();
    await vi.waitFor(() => expect(heard.heard).toEqual([`next ${JSON.stringify(delta)}`, "complete"]));
    expect(heard.error).not.toHaveBeenCalled();
  });

  it("ends with the server's error code, and nothing after it", async () => {
    const stream = eventStream();
    const subscribe = createSseSubscriber({
      url: "/graphql/stream",
      headers: async () => ({}),
      fetch: stream.fetch,
    });
    const heard = handlers();
    subscribe(MessageStreamSubscription, { messageId: "m1" }, heard);
    await vi.waitFor(() => expect(stream.fetch).toHaveBeenCalled());
    // One chunk, so that graphql-sse has handed on both before the test looks.
    const failed = { data: null, errors: [{ message: "expired", extensions: { code: "UNAUTHENTICATED" } }] };
    stream.write(`event: next\ndata: ${JSON.stringify(failed)}\n\nevent: complete\ndata:\n\n`);
    await vi.waitFor(() => expect(heard.heard).toEqual(["error UNAUTHENTICATED"]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard.complete).not.toHaveBeenCalled();
  });

  it("reports a connection that cannot be made as a network failure", async () => {
    const subscribe = createSseSubscriber({
      url: "/graphql/stream",
      headers: async () => ({}),
      fetch: () => Promise.reject(new TypeError("Failed to fetch")),
    });
    const heard = handlers();
    subscribe(MessageStreamSubscription, { messageId: "m1" }, heard);
    await vi.waitFor(() => expect(heard.heard).toEqual(["error undefined"]));
  });

  it("stops the request and hears nothing more once unsubscribed", async () => {
    const stream = eventStream();
    const subscribe = createSseSubscriber({
      url: "/graphql/stream",
      headers: async () => ({}),
      fetch: stream.fetch,
    });
    const heard = handlers();
    const unsubscribe = subscribe(MessageStreamSubscription, { messageId: "m1" }, heard);
    await vi.waitFor(() => expect(stream.fetch).toHaveBeenCalled());
    unsubscribe();
    expect(stream.requests[0]?.signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard.heard).toEqual([]);
  });

  it("sends the operation's text, or only its persisted hash", async () => {
    for (const persisted of [false, true]) {
      const stream = eventStream();
      const subscribe = createSseSubscriber({
        url: "/graphql/stream",
        headers: async () => ({ authorization: "Bearer token" }),
        fetch: stream.fetch,
        persisted,
      });
      const unsubscribe = subscribe(MessageStreamSubscription, { messageId: "m1" }, handlers());
      await vi.waitFor(() => expect(stream.fetch).toHaveBeenCalled());
      const body = stream.requests[0]?.body as { query: string; variables: unknown; extensions?: unknown };
      expect(body.variables).toEqual({ messageId: "m1" });
      if (persisted) {
        expect(body.query).toBe("");
        expect(body.extensions).toEqual({
          persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
        });
      } else {
        expect(body.query).toContain("subscription MessageStream");
      }
      unsubscribe();
    }
  });
});
