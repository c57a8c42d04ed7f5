import { createStore } from "solid-js/store";
import type { MessageFieldsFragment } from "../gql/graphql";
import {
  applyStreamEvent,
  isFinished,
  type StreamEvent,
  type StreamState,
  type SubscriptionProgress,
  startStream,
} from "./stream-assembly";

// Answers being written: one live subscription per streaming assistant message.
//
// A subscription that the server ends before the answer's final event (it shuts down, and the answer
// goes on elsewhere) is followed again at once. One that falls silent is restarted by a watchdog —
// silent meaning no bytes at all: the server's keep-alives count, since a model may think for minutes
// before its first word.

export interface StreamHandlers {
  event(event: StreamEvent): void;
  /** The subscription failed: the server's error code, or undefined when the network failed. */
  error(code: string | undefined): void;
  /** The server ended the subscription. */
  complete(): void;
  /** Bytes arrived, events or keep-alives. */
  activity(): void;
}

/** Subscribes to an answer's events; the returned function ends the subscription. */
export type StreamSubscriber = (messageId: string, handlers: StreamHandlers) => () => void;

export interface StreamStoreOptions {
  subscribe: StreamSubscriber;
  /** After the final event: refresh the cached message and chat list. */
  onFinished?(state: StreamState, messageId: string): void;
  /** Before retrying after an UNAUTHENTICATED error. */
  refreshSession?(): Promise<unknown>;
  /** Silence (not a byte, keep-alives included) before the subscription is assumed dead and restarted. */
  watchdogMs?: number;
  retryDelaysMs?: number[];
}

interface LiveSubscription {
  progress: SubscriptionProgress;
  unsubscribe: () => void;
  watchdog?: ReturnType<typeof setTimeout>;
  retry?: ReturnType<typeof setTimeout>;
  attempts: number;
}

export function createStreamStore(options: StreamStoreOptions) {
  const [streams, setStreams] = createStore<Record<string, StreamState>>({});
  const live = new Map<string, LiveSubscription>();
  const idleWaiters = new Set<() => void>();
  const watchdogMs = options.watchdogMs ?? 45_000;
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 2_000, 5_000, 10_000];

  /**
   * Subscribes to a streaming answer once. A finished one is only followed again with `restart`
   * (a regeneration that reuses the message), so a stale cached "streaming" status cannot revive it.
   */
  function follow(messageId: string, chatId: string, initialText = "", restart = false): void {
    if (live.has(messageId)) return;
    const existing = streams[messageId];
    if (existing && isFinished(existing) && !restart) return;
    if (!existing || restart) setStreams(messageId, startStream(chatId, initialText));
    connect(messageId, 0);
  }

  function connect(messageId: string, attempts: number): void {
    const subscription: LiveSubscription = { progress: { received: "" }, unsubscribe: () => {}, attempts };
    live.set(messageId, subscription);
    armWatchdog(messageId, subscription);
    const current = () => live.get(messageId) === subscription;
    subscription.unsubscribe = options.subscribe(messageId, {
      event: (event) => receive(messageId, subscription, event),
      error: (code) => void recover(messageId, subscription, code),
      complete: () => ended(messageId, subscription),
      activity: () => {
        if (current()) armWatchdog(messageId, subscription);
      },
    });
  }

  /**
   * The server ended the stream before the final event: follow the answer again, at once — unless
   * the last resubscription ended the same way without a single event; then wait as after an error.
   */
  function ended(messageId: string, subscription: LiveSubscription): void {
    if (live.get(messageId) !== subscription) return;
    if (subscription.attempts > 0) {
      void recover(messageId, subscription, undefined);
      return;
    }
    disconnect(messageId);
    connect(messageId, 1);
  }

  function receive(messageId: string, subscription: LiveSubscription, event: StreamEvent): void {
    if (live.get(messageId) !== subscription) return;
    subscription.attempts = 0;
    armWatchdog(messageId, subscription);
    const state = streams[messageId];
    if (!state) return;
    const next = applyStreamEvent(state, subscription.progress, event);
    if (next !== state) setStreams(messageId, next);
    if (isFinished(next)) conclude(messageId, next);
  }

  function conclude(messageId: string, state: StreamState): void {
    disconnect(messageId);
    options.onFinished?.(state, messageId);
    notifyIdle();
  }

  async function recover(messageId: string, subscription: LiveSubscription, code: string | undefined) {
    if (live.get(messageId) !== subscription) return;
    disconnect(messageId);
    if (code === "NOT_FOUND" || code === "FORBIDDEN") {
      settle(messageId, { __typename: "MessageFailed", messageId, code, errorMessage: code });
      return;
    }
    if (code === "UNAUTHENTICATED") await options.refreshSession?.();
    const delay = retryDelaysMs[Math.min(subscription.attempts, retryDelaysMs.length - 1)] ?? 1_000;
    const waiting: LiveSubscription = { ...subscription, unsubscribe: () => {} };
    live.set(messageId, waiting);
    waiting.retry = setTimeout(() => {
      if (live.get(messageId) === waiting) connect(messageId, subscription.attempts + 1);
    }, delay);
  }

  function armWatchdog(messageId: string, subscription: LiveSubscription): void {
    clearTimeout(subscription.watchdog);
    subscription.watchdog = setTimeout(() => restart(messageId), watchdogMs);
  }

  function disconnect(messageId: string): void {
    const subscription = live.get(messageId);
    if (!subscription) return;
    live.delete(messageId);
    clearTimeout(subscription.watchdog);
    clearTimeout(subscription.retry);
    subscription.unsubscribe();
  }

  function restart(messageId: string): void {
    const state = streams[messageId];
    if (!state || isFinished(state)) return;
    disconnect(messageId);
    connect(messageId, 0);
  }

  /** Applies a final event that did not come through the subscription. */
  function settle(messageId: string, event: StreamEvent): void {
    const state = streams[messageId];
    if (!state) {
      disconnect(messageId);
      return;
    }
    const next = applyStreamEvent(state, { received: "" }, event);
    setStreams(messageId, next);
    conclude(messageId, next);
  }

  function notifyIdle(): void {
    for (const waiter of [...idleWaiters]) waiter();
  }

  const isChatStreaming = (chatId: string) =>
    Object.values(streams).some((state) => state.chatId === chatId && state.status === "STREAMING");

  return {
    streams,
    follow,
    /** Starts every unfinished subscription again (after the page was hidden or the network came back). */
    resubscribeAll(): void {
      for (const messageId of [...live.keys()]) restart(messageId);
    },
    /** Takes a final message from a mutation (e.g. "stop" acknowledged) without waiting for the stream. */
    complete(message: MessageFieldsFragment): void {
      if (streams[message.id]) settle(message.id, { __typename: "MessageCompleted", message });
    },
    isChatStreaming,
    /** Resolves when no answer of the chat streams any more, or after `timeoutMs` at the latest. */
    whenChatIdle(chatId: string, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
      if (!isChatStreaming(chatId)) return Promise.resolve();
      return new Promise((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = () => {
          idleWaiters.delete(waiter);
          clearTimeout(timer);
          resolve();
        };
        const waiter = () => {
          if (!isChatStreaming(chatId)) done();
        };
        idleWaiters.add(waiter);
        if (Number.isFinite(timeoutMs)) timer = setTimeout(done, timeoutMs);
      });
    },
    dispose(): void {
      for (const messageId of [...live.keys()]) disconnect(messageId);
    },
  };
}

export type StreamStore = ReturnType<typeof createStreamStore>;
