import type { SoakOptions } from "./options.js";
import type { LoadBalancer, TrafficCounters } from "./traffic.js";

// What the simulated users did and saw, message by message: the soak's side of the comparison with the
// database and the provider's call log.

export const SOAK_MODEL = "openai/gpt-4.1-mini";
/**
 * Tags each user message; the fake provider's call log is matched to answers by it. (No run id in it:
 * the fault plan depends on the prompts, so one seed gives the same faults in every run.)
 */
export const TAG_PATTERN = /\[soak u(\d+) c(\d+) m(\d+)\]/;

export interface SubscriptionRecord {
  label: string;
  startedAt: number;
  deltas: number;
  receivedChars: number;
  ended: "final" | "ended-without-final" | "error" | "dropped" | "gave-up";
  detail?: string;
}

export type FinalEvent =
  | { type: "MessageCompleted"; status: string; content: string }
  | { type: "MessageFailed"; code: string; message: string };

/** What the client saw of one message and its answer. */
export interface AnswerRecord {
  tag: string;
  user: number;
  chat: number;
  message: number;
  chatId: string;
  clientMessageId: string;
  content: string;
  userMessageId: string | null;
  assistantMessageId: string | null;
  /** The replica whose sendMessage answered (it generates the answer unless the send was a repeat). */
  acknowledgedBy: string | null;
  sendAttempts: string[];
  sendStartedAt: number;
  acknowledgedAt: number | null;
  firstDeltaAt: number | null;
  subscriptions: SubscriptionRecord[];
  /** The text shown, assembled by the PWA's rule. */
  text: string;
  /** What the subscription that saw the end received: by the API's contract, the whole content. */
  finalSubscriptionText: string | null;
  final: FinalEvent | null;
  dropped: boolean;
  stopRequested: boolean;
  stopOutcome: string | null;
  gaveUp: boolean;
  divergences: string[];
}

export interface UserRecord {
  index: number;
  username: string;
  signedIn: boolean;
  /** From the first sign-up attempt to the token (null: never). */
  signInMs: number | null;
  signInAttempts: string[];
  chatsCreated: number;
  failures: string[];
}

export interface SoakProgress {
  /** Messages still expected to be sent: the plan, less those of users and chats that could not start. */
  expected: number;
  /** Sends acknowledged so far. */
  sent: number;
  /** Answers acknowledged whose end the client has not seen yet. */
  following: number;
}

export interface UserContext {
  options: SoakOptions;
  runId: string;
  balancer: LoadBalancer;
  counters: TrafficCounters;
  progress: SoakProgress;
  answers: AnswerRecord[];
}
