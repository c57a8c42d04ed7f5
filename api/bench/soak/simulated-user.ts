import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { seededRandom } from "../../test/fake-provider/sse-format.js";
import { follow } from "./answer-follower.js";
import { type AnswerRecord, SOAK_MODEL, type UserContext, type UserRecord } from "./records.js";
import { type GraphqlOutcome, graphqlRequest, type Slot, type Target } from "./traffic.js";

// One simulated user: registers (or signs in), opens chats and sends messages one after the other,
// each with a clientMessageId, and follows every answer over graphql-sse. It behaves like a real
// client: a send whose response was lost or that a draining replica refused is sent again, on the
// other replica, with the same clientMessageId; answers are followed by answer-follower.ts.

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const CREATE_CHAT = `mutation($input: CreateChatInput) { createChat(input: $input) { id } }`;
const SEND = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { userMessage { id } assistantMessage { id } } }`;

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
