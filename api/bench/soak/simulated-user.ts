import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "graphql-sse";
import { seededRandom } from "../../test/fake-provider/sse-format.js";
import { MESSAGE_STREAM, type StreamEventResult } from "../../test/support/subscribe.js";
import type { SoakOptions } from "./options.js";
import {
  type GraphqlOutcome,
  graphqlRequest,
  type LoadBalancer,
  type Slot,
  type Target,
  type TrafficCounters,
} from "./traffic.js";

// One simulated user: registers (or signs in), opens chats and sends messages one after the other,
// each with a clientMessageId, and follows every answer over graphql-sse. It behaves like a real
// client: a send whose response was lost or that a draining replica refused is sent again, on the
// other replica, with the same clientMessageId; a stream that ends without MessageCompleted or
// MessageFailed, or breaks, is subscribed again (on either replica) and — since every subscription
// starts from the whole text — the text of the newest subscription is kept once it has caught up
// (pwa/src/messages/stream-assembly.ts).

export const SOAK_MODEL = "openai/gpt-4.1-mini";
/**
 * Tags each user message; the fake provider's call log is matched to answers by it. (No run id in it:
 * the fault plan depends on the prompts, so one seed gives the same faults in every run.)
 */
export const TAG_PATTERN = /\[soak u(\d+) c(\d+) m(\d+)\]/;

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const CREATE_CHAT = `mutation($input: CreateChatInput) { createChat(input: $input) { id } }`;
const SEND = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { userMessage { id } assistantMessage { id } } }`;
const STOP = `mutation($id: ID!) { stopGeneration(messageId: $id) { status } }`;

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

export async function runUser(context: UserContext, index: number): Promise<UserRecord> {
  const { options, runId } = context;
  const random = seededRandom(options.seed * 1_000_003 + index + 1);
  const user: UserRecord = {
    index,
    username: `soak_${runId}_${index}`,
    signedIn: false,
    signInMs: null,
    signInAttempts: [],
    chatsCreated: 0,
    failures: [],
  };
  await sleep(random() * options.rampMs);
  const signInStarted = Date.now();
  const token = await signIn(context, user, random);
  if (!token) {
    context.progress.expected -= options.chatsPerUser * options.messagesPerChat;
    return user;
  }
  user.signedIn = true;
  user.signInMs = Date.now() - signInStarted;
  for (let chat = 0; chat < options.chatsPerUser; chat++) {
    const chatId = await createChat(context, user, token, random);
    if (!chatId) {
      context.progress.expected -= options.messagesPerChat;
      continue;
    }
    user.chatsCreated += 1;
    for (let message = 0; message < options.messagesPerChat; message++) {
      const tag = `[soak u${index} c${chat} m${message}]`;
      const record = newRecord(tag, index, chat, message, chatId);
      context.answers.push(record);
      await sendAndFollow(context, record, token, random);
      await sleep(random() * options.thinkMs);
    }
  }
  return user;
}

function newRecord(tag: string, user: number, chat: number, message: number, chatId: string): AnswerRecord {
  return {
    tag,
    user,
    chat,
    message,
    chatId,
    clientMessageId: randomUUID(),
    content: `${tag} Frage ${message + 1}: Wie wird das Wetter in Köln? 🌦️`,
    userMessageId: null,
    assistantMessageId: null,
    acknowledgedBy: null,
    sendAttempts: [],
    sendStartedAt: 0,
    acknowledgedAt: null,
    firstDeltaAt: null,
    subscriptions: [],
    text: "",
    finalSubscriptionText: null,
    final: null,
    dropped: false,
    stopRequested: false,
    stopOutcome: null,
    gaveUp: false,
    divergences: [],
  };
}

/**
 * Calls `attempt` on a replica until it gives data or `deadline` passes: a refused or unavailable
 * replica is avoided for the next try, a rate limit is waited out, other errors back off.
 * `fatal` codes end the retries at once.
 */
async function withRetries<Data>(
  context: UserContext,
  random: () => number,
  log: string[],
  deadline: number,
  attempt: (target: Target, tryNumber: number) => Promise<GraphqlOutcome<Data>>,
  fatal: (code: string) => boolean = () => false,
): Promise<{ data: Data; target: Target } | { failed: string }> {
  let avoid: Slot | undefined;
  for (let tryNumber = 0; ; tryNumber++) {
    if (Date.now() > deadline) return { failed: `gave up after ${tryNumber} attempts` };
    const target = context.balancer.pick(avoid);
    const outcome = await attempt(target, tryNumber);
    if (outcome.kind === "data") {
      log.push(`${target.label}: ok`);
      return { data: outcome.data, target };
    }
    avoid = target.slot;
    if (outcome.kind === "aborted") {
      log.push(`${target.label}: response lost (client timeout)`);
      continue;
    }
    if (outcome.kind === "unavailable") {
      log.push(`${target.label}: unavailable (${outcome.reason})`);
      await sleep(100 + random() * 200);
      continue;
    }
    log.push(`${target.label}: ${outcome.code} ${outcome.message}`);
    if (fatal(outcome.code)) return { failed: `${outcome.code}: ${outcome.message}` };
    if (outcome.code === "RATE_LIMITED") await sleep((outcome.retryAfter ?? 1) * 1000);
    else await sleep(Math.min(2_000, 200 * 2 ** tryNumber) * (0.5 + random() * 0.5));
  }
}

async function signIn(context: UserContext, user: UserRecord, random: () => number): Promise<string | null> {
  const password = "soak password 🔑 lang genug";
  const input = { username: user.username, email: `${user.username}@example.com`, password };
  const deadline = Date.now() + context.options.signInTimeoutMs;
  let registered = false;
  const result = await withRetries<{ register?: { accessToken: string }; login?: { accessToken: string } }>(
    context,
    random,
    user.signInAttempts,
    deadline,
    async (target) => {
      // Once the account exists (an earlier attempt went through, its answer lost), sign in instead.
      const outcome = registered
        ? await graphqlRequest<{ login: { accessToken: string } }>(context.counters, target, "login", LOGIN, {
            input: { login: user.username, password },
          })
        : await graphqlRequest<{ register: { accessToken: string } }>(
            context.counters,
            target,
            "register",
            REGISTER,
            { input },
          );
      if (outcome.kind === "error" && outcome.code === "CONFLICT") registered = true;
      return outcome;
    },
  );
  if ("failed" in result) {
    user.failures.push(`sign-in: ${result.failed}`);
    return null;
  }
  return result.data.register?.accessToken ?? result.data.login?.accessToken ?? null;
}

async function createChat(
  context: UserContext,
  user: UserRecord,
  token: string,
  random: () => number,
): Promise<string | null> {
  // The chat's id is made here: createChat with an id is idempotent, so retrying is safe.
  const id = randomUUID();
  const log: string[] = [];
  const result = await withRetries<{ createChat: { id: string } }>(
    context,
    random,
    log,
    Date.now() + context.options.answerTimeoutMs,
    (target) =>
      graphqlRequest(
        context.counters,
        target,
        "createChat",
        CREATE_CHAT,
        { input: { id, model: SOAK_MODEL } },
        { token },
      ),
    (code) => code === "UNAUTHENTICATED" || code === "BAD_USER_INPUT",
  );
  if ("failed" in result) {
    user.failures.push(`createChat: ${result.failed} (${log.join("; ")})`);
    return null;
  }
  return result.data.createChat.id;
}

async function sendAndFollow(
  context: UserContext,
  record: AnswerRecord,
  token: string,
  random: () => number,
) {
  const { options, counters } = context;
  const sendDeadline = Date.now() + options.answerTimeoutMs;
  const loseFirstResponse = random() < options.lostResponseRate;
  record.sendStartedAt = Date.now();
  const result = await withRetries<{
    sendMessage: { userMessage: { id: string }; assistantMessage: { id: string } };
  }>(
    context,
    random,
    record.sendAttempts,
    sendDeadline,
    (target, tryNumber) => {
      const lost = loseFirstResponse && tryNumber === 0;
      // A client that stops waiting a few ms in: the request has (most likely) reached the server.
      const signal = lost ? AbortSignal.timeout(5 + Math.floor(random() * 45)) : undefined;
      return graphqlRequest(
        counters,
        target,
        "sendMessage",
        SEND,
        {
          input: { chatId: record.chatId, content: record.content, clientMessageId: record.clientMessageId },
        },
        { token, signal },
      );
    },
    (code) => code === "UNAUTHENTICATED" || code === "BAD_USER_INPUT" || code === "NOT_FOUND",
  );
  if ("failed" in result) {
    record.sendAttempts.push(`not sent: ${result.failed}`);
    return;
  }
  record.acknowledgedAt = Date.now();
  record.acknowledgedBy = result.target.label;
  record.userMessageId = result.data.sendMessage.userMessage.id;
  record.assistantMessageId = result.data.sendMessage.assistantMessage.id;
  context.progress.sent += 1;
  context.progress.following += 1;
  try {
    // The answer has answerTimeoutMs from its acknowledgement (a slow send does not shorten it).
    await follow(context, record, token, random, Date.now() + options.answerTimeoutMs);
  } finally {
    context.progress.following -= 1;
  }
}

interface FollowPlan {
  /** Drop the stream after this many deltas of the first subscription (null: never). */
  dropAfter: number | null;
  /** Stop the answer after this many deltas (null: never). */
  stopAfter: number | null;
}

async function follow(
  context: UserContext,
  record: AnswerRecord,
  token: string,
  random: () => number,
  deadline: number,
) {
  const { options } = context;
  const plan: FollowPlan = {
    dropAfter: random() < options.dropRate ? 1 + Math.floor(random() * 5) : null,
    stopAfter: random() < options.stopRate ? 2 + Math.floor(random() * 5) : null,
  };
  let next: Target = context.balancer.pick();
  let deltasSeen = 0;
  while (!record.final) {
    if (Date.now() > deadline) {
      record.gaveUp = true;
      return;
    }
    const ending = await subscribeOnce(context, record, token, next, deadline, (deltasInThisSubscription) => {
      deltasSeen += 1;
      if (plan.stopAfter !== null && deltasSeen >= plan.stopAfter && !record.stopRequested) {
        record.stopRequested = true;
        void stopAnswer(context, record, token);
      }
      const drop = plan.dropAfter !== null && !record.dropped && deltasInThisSubscription >= plan.dropAfter;
      if (drop) record.dropped = true;
      return drop;
    });
    if (ending === "final") return;
    if (ending === "gave-up") {
      record.gaveUp = true;
      return;
    }
    if (ending === "dropped") {
      await sleep(random() * 300);
      // Some come back on the other replica, the others wherever the balancer sends them.
      next = random() < 0.5 ? context.balancer.pick(next.slot) : context.balancer.pick();
    } else if (ending === "ended-without-final") {
      next = context.balancer.pick(next.slot);
    } else {
      await sleep(200 + random() * 300);
      next = context.balancer.pick(next.slot);
    }
  }
}

/**
 * One subscription to the answer, until it ends. `onDelta` is told how many deltas this subscription
 * has had and answers whether to drop the stream now (a client losing its connection).
 */
function subscribeOnce(
  context: UserContext,
  record: AnswerRecord,
  token: string,
  target: Target,
  deadline: number,
  onDelta: (deltasInThisSubscription: number) => boolean,
): Promise<SubscriptionRecord["ended"]> {
  const subscription: SubscriptionRecord = {
    label: target.label,
    startedAt: Date.now(),
    deltas: 0,
    receivedChars: 0,
    ended: "error",
  };
  record.subscriptions.push(subscription);
  const client = createClient({
    url: `${target.url}/graphql/stream`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    fetchFn: context.counters.countingFetch(target),
  });
  let received = "";
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: SubscriptionRecord["ended"], detail?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.ended = ended;
      if (detail) subscription.detail = detail;
      subscription.receivedChars = received.length;
      dispose();
      client.dispose();
      resolve(ended);
    };
    const timer = setTimeout(() => finish("gave-up"), Math.max(0, deadline - Date.now()));
    const dispose = client.subscribe<{ messageStream: StreamEventResult }>(
      { query: MESSAGE_STREAM, variables: { messageId: record.assistantMessageId } },
      {
        next: (result) => {
          if (done) return;
          const first = result.errors?.[0] as
            | { message?: string; extensions?: { code?: string } }
            | undefined;
          if (first) {
            const code = first.extensions?.code ?? "UNKNOWN";
            context.counters.countGraphqlError({
              at: Date.now(),
              label: target.label,
              operation: "messageStream",
              code,
              message: first.message ?? "",
            });
            return finish("error", `${code}: ${first.message}`);
          }
          const event = result.data?.messageStream;
          if (!event) return;
          if (event.__typename === "MessageDelta") {
            const text = event.text ?? "";
            subscription.deltas += 1;
            received += text;
            if (text && record.firstDeltaAt === null) record.firstDeltaAt = Date.now();
            assemble(record, subscription, received);
            if (onDelta(subscription.deltas)) finish("dropped");
          } else {
            record.final =
              event.__typename === "MessageCompleted"
                ? {
                    type: event.__typename,
                    status: event.message?.status ?? "",
                    content: event.message?.content ?? "",
                  }
                : { type: "MessageFailed", code: event.code ?? "", message: event.errorMessage ?? "" };
            record.finalSubscriptionText = received;
            finish("final");
          }
        },
        error: (error) => finish("error", error instanceof Error ? error.message : describe(error)),
        complete: () => finish(record.final ? "final" : "ended-without-final"),
      },
    );
  });
}

/** The PWA's rule: until a new subscription has caught up, the longer text of the previous one stays. */
function assemble(record: AnswerRecord, subscription: SubscriptionRecord, received: string) {
  const shown = record.text;
  const consistent =
    received.length >= shown.length ? received.startsWith(shown) : shown.startsWith(received);
  if (!consistent && record.divergences.length < 3) {
    let at = 0;
    while (at < shown.length && at < received.length && shown[at] === received[at]) at++;
    record.divergences.push(
      `subscription ${record.subscriptions.length} on ${subscription.label} diverged at char ${at}: ` +
        `shown …${JSON.stringify(shown.slice(Math.max(0, at - 20), at + 30))} vs received …${JSON.stringify(received.slice(Math.max(0, at - 20), at + 30))}`,
    );
  }
  if (received.length >= shown.length) record.text = received;
}

async function stopAnswer(context: UserContext, record: AnswerRecord, token: string) {
  const target = context.balancer.pick();
  const outcome = await graphqlRequest<{ stopGeneration: { status: string } }>(
    context.counters,
    target,
    "stopGeneration",
    STOP,
    { id: record.assistantMessageId },
    { token },
  );
  record.stopOutcome =
    outcome.kind === "data"
      ? `${target.label}: ${outcome.data.stopGeneration.status}`
      : `${target.label}: ${outcome.kind === "error" ? outcome.code : outcome.kind}`;
}

function describe(error: unknown): string {
  if (error instanceof Response || (typeof error === "object" && error !== null && "status" in error)) {
    return `HTTP ${(error as { status: number }).status}`;
  }
  try {
    return JSON.stringify(error).slice(0, 200);
  } catch {
    return String(error);
  }
}
