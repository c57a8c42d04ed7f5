import type { MessageFieldsFragment, MessageStatus, MessageStreamSubscription } from "../gql/graphql";

// How the answer text is put together from messageStream events.
//
// Every subscription starts from the beginning: a subscriber that joins mid-answer receives everything
// so far in its first delta. So each subscription accumulates its own text, and the shown text is
// replaced by it once it has caught up — a resubscription neither duplicates nor drops a word.

export type StreamEvent = MessageStreamSubscription["messageStream"];

export interface StreamState {
  chatId: string;
  text: string;
  status: MessageStatus;
  error?: { code: string; message: string };
  message?: MessageFieldsFragment;
}

/** What one subscription has received so far. */
export interface SubscriptionProgress {
  received: string;
}

export function startStream(chatId: string, text = ""): StreamState {
  return { chatId, text, status: "STREAMING" };
}

export function applyStreamEvent(
  state: StreamState,
  progress: SubscriptionProgress,
  event: StreamEvent,
): StreamState {
  switch (event.__typename) {
    case "MessageDelta": {
      progress.received += event.text;
      // Until a new subscription has caught up, keep showing the longer text of the previous one.
      return progress.received.length >= state.text.length ? { ...state, text: progress.received } : state;
    }
    case "MessageCompleted":
      return { ...state, text: event.message.content, status: event.message.status, message: event.message };
    case "MessageFailed":
      return { ...state, status: "FAILED", error: { code: event.code, message: event.errorMessage } };
  }
}

export function isFinished(state: StreamState): boolean {
  return state.status !== "STREAMING";
}
