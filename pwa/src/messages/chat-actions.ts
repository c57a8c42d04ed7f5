import type { CombinedError } from "@urql/core";
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { session } from "../auth/session";
import { type BudgetRefusal, budgetRefusalFrom, budgetRefusalOf } from "../budgets/budget-state";
import { MyBudgetsQuery } from "../budgets/operations";
import { CreateChatMutation } from "../chats/operations";
import { client, subscribe } from "../graphql/client";
import { errorCode, isNetworkFailure } from "../graphql/errors";
import { refreshNotifications } from "../notifications/notification-poll";
import {
  createOutbox,
  type NewOutboxItem,
  type OutboxItem,
  OutboxStorageError,
  type SendOutcome,
} from "../offline/outbox";
import { openOutboxStore } from "../offline/outbox-store";
import { deviceLocks, tabChannel } from "../ui/cross-tab";
import { startOfMonth } from "../ui/format";
import { whenIdle } from "../ui/when-idle";
import { UsageQuery } from "../usage/operations";
import type { ChatMessage } from "./conversation";
import {
  ChatQuery,
  EditMessageMutation,
  MessageStreamSubscription,
  RegenerateMessageMutation,
  SendMessageMutation,
  StopGenerationMutation,
} from "./operations";
import { createStreamStore } from "./streams";

// What a chat does: send (through the outbox), stream answers, stop, regenerate, edit.

/** Why a chat action did not happen: an error code, and for BUDGET_EXCEEDED which budget and until when. */
export interface ChatActionError {
  code: string;
  budget?: BudgetRefusal;
}

function actionError(error: CombinedError | undefined): ChatActionError {
  return { code: errorCode(error) ?? "UNKNOWN", budget: budgetRefusalOf(error) };
}

/** The newest page, what a chat opens with: enough to fill a tall screen, small enough to render at once. */
export const MESSAGE_PAGE_SIZE = 16;
/** Each earlier page, loaded when the reader scrolls up to it (or asks for it). */
export const OLDER_PAGE_SIZE = 40;
const PREFETCHED_RECENT_CHATS = 3;
const TITLE_DELAY_MS = 3_000;
/** How long a composer waits to hear how its message's first delivery went; then it stays in the outbox. */
const TAKE_BACK_MS = 10_000;
/** How long a queued message waits for the previous answer of its chat before it is sent anyway. */
const PREVIOUS_ANSWER_WAIT_MS = 60_000;

/** Messages returned by this session's mutations, until the chat's query has them too. */
const [recentMessages, setRecentMessages] = createStore<Record<string, ChatMessage[]>>({});
/** Messages replaced by a regeneration or an edit. */
const [hiddenMessages, setHiddenMessages] = createSignal<ReadonlySet<string>>(new Set());

/**
 * Chats whose last turn is being replaced (a regeneration or an edit on its way): until the new answer
 * streams, the turn must not change again — an edit sent before the regeneration's answer arrived
 * would hide the wrong answer and leave two on screen.
 */
const [changingChats, setChangingChats] = createStore<Record<string, number>>({});

export { hiddenMessages, recentMessages };

export const isChatChanging = (chatId: string): boolean => (changingChats[chatId] ?? 0) > 0;

async function whileChanging<T>(chatId: string, change: () => Promise<T>): Promise<T> {
  setChangingChats(chatId, (count) => (count ?? 0) + 1);
  try {
    return await change();
  } finally {
    setChangingChats(chatId, (count) => (count ?? 1) - 1);
  }
}

function remember(...messages: ChatMessage[]): void {
  for (const message of messages) {
    const list = recentMessages[message.chatId] ?? [];
    setRecentMessages(message.chatId, [...list.filter((known) => known.id !== message.id), message]);
  }
}

function hide(...ids: (string | undefined)[]): void {
  const next = new Set(hiddenMessages());
  for (const id of ids) if (id) next.add(id);
  setHiddenMessages(next);
}

/** Fetches the newest page again so the cache (and offline reading) holds the final text and title. */
export function refreshChat(chatId: string): void {
  void client
    .query(ChatQuery, { id: chatId, last: MESSAGE_PAGE_SIZE }, { requestPolicy: "network-only" })
    .toPromise();
}

const prefetched = new Set<string>();

/**
 * Loads a chat's newest page into the cache before it is opened: on intent (pointer or focus on its
 * link) and, when idle, for the most recent chats — which also makes them readable offline.
 */
export function prefetchChat(chatId: string): void {
  if (prefetched.has(chatId) || globalThis.navigator?.onLine === false) return;
  prefetched.add(chatId);
  void client
    .query(ChatQuery, { id: chatId, last: MESSAGE_PAGE_SIZE }, { requestPolicy: "cache-first" })
    .toPromise();
}

export function prefetchRecentChats(chatIds: readonly string[]): void {
  whenIdle(() => {
    for (const chatId of chatIds.slice(0, PREFETCHED_RECENT_CHATS)) prefetchChat(chatId);
  });
}

export const streams = createStreamStore({
  subscribe: (messageId, handlers) =>
    subscribe(
      MessageStreamSubscription,
      { messageId },
      {
        next: (data) => handlers.event(data.messageStream),
        error: handlers.error,
        complete: handlers.complete,
        activity: handlers.activity,
      },
    ),
  onFinished: (state) => {
    refreshChat(state.chatId);
    void client.query(UsageQuery, { from: startOfMonth() }, { requestPolicy: "network-only" }).toPromise();
    void client.query(MyBudgetsQuery, {}, { requestPolicy: "network-only" }).toPromise();
    // An answer may have crossed a budget's alert threshold.
    refreshNotifications();
    // A new chat's title is written in the background after its first answer: look again shortly.
    setTimeout(() => refreshChat(state.chatId), TITLE_DELAY_MS);
  },
  refreshSession: () => session.refresh(),
});

/** Outcome of a request that did not succeed, for the outbox. */
function failure(error: CombinedError | undefined): SendOutcome {
  if (isNetworkFailure(error)) return { kind: "offline" };
  const code = errorCode(error) ?? "UNKNOWN";
  // The session ended (and could not be renewed): the message waits for the next sign-in.
  if (code === "UNAUTHENTICATED") return { kind: "offline" };
  if (code === "RATE_LIMITED") {
    const seconds = Number(error?.graphQLErrors[0]?.extensions?.retryAfter ?? 10);
    return { kind: "later", afterMs: seconds * 1_000 };
  }
  // Which budget is used up, kept with the message so that its bubble can say so.
  const details = error?.graphQLErrors.find((graphQLError) => budgetRefusalFrom(graphQLError.extensions));
  return { kind: "refused", code, details: details ? { ...details.extensions } : undefined };
}

async function deliver(item: OutboxItem): Promise<SendOutcome> {
  if (item.newChat) {
    // A chat started offline: create it under the id it already has here (again after a lost
    // response is harmless: the server returns the existing chat).
    const created = await client
      .mutation(CreateChatMutation, { input: { id: item.chatId, ...item.newChat } })
      .toPromise();
    if (!created.data?.createChat) return failure(created.error);
  }
  // One answer at a time per chat: the next queued message waits until the previous one is answered —
  // but not for ever: an answer that never ends (e.g. its stream was lost) must not hold the queue.
  await streams.whenChatIdle(item.chatId, PREVIOUS_ANSWER_WAIT_MS);
  const result = await client
    .mutation(SendMessageMutation, {
      input: {
        chatId: item.chatId,
        content: item.content,
        clientMessageId: item.clientMessageId,
        model: item.model ?? undefined,
        temperature: item.temperature ?? undefined,
        useLibrary: item.useLibrary ?? undefined,
        attachmentIds: item.attachmentIds?.length ? item.attachmentIds : undefined,
      },
    })
    .toPromise();
  const payload = result.data?.sendMessage;
  if (payload) {
    remember(payload.userMessage, payload.assistantMessage);
    streams.follow(payload.assistantMessage.id, item.chatId, payload.assistantMessage.content);
    return { kind: "sent" };
  }
  return failure(result.error);
}

/**
 * Messages whose composer waits for their first delivery: told its outcome, it may take a message that a
 * budget refused back into its input (nothing was written), instead of leaving it held in the outbox.
 */
const firstDeliveries = new Map<string, (outcome: SendOutcome) => boolean>();

async function deliverFirstToComposer(item: OutboxItem): Promise<SendOutcome> {
  let outcome: SendOutcome = { kind: "offline" };
  try {
    outcome = await deliver(item);
  } finally {
    // Looked up once the server answered: the composer's entry is certainly in place by then.
    const waiting = firstDeliveries.get(item.clientMessageId);
    firstDeliveries.delete(item.clientMessageId);
    if (waiting?.(outcome)) outcome = { kind: "withdrawn" };
  }
  return outcome;
}

export const outbox = createOutbox({
  send: deliverFirstToComposer,
  store: openOutboxStore(),
  channel: tabChannel("xqt5.outbox"),
  locks: deviceLocks(),
  // Another tab sent them: this tab's copy of those chats learns of the new messages and answers.
  onRemovedElsewhere: (items) => {
    for (const chatId of new Set(items.map((item) => item.chatId))) refreshChat(chatId);
  },
});

/**
 * Queues a message and sends what waits. Answers an error when the message was not taken: the device
 * refused to store it, or — when `takeBack` says the composer is still there — a budget refused its
 * first delivery; it is then out of the outbox, and the caller puts the text back. A message that waits
 * (offline) and is refused later stays in the outbox, held, with its text.
 */
export async function sendChatMessage(
  input: NewOutboxItem,
  takeBack?: () => boolean,
): Promise<ChatActionError | undefined> {
  let item: OutboxItem;
  try {
    item = await outbox.enqueue({ ...input, userId: session.user()?.id });
  } catch (error) {
    if (error instanceof OutboxStorageError) return { code: "STORAGE_REFUSED" };
    throw error;
  }
  if (!takeBack) {
    void outbox.flush();
    return undefined;
  }
  const id = item.clientMessageId;
  return new Promise((resolve) => {
    // Delivered by another tab, not at all in this run, or not soon: nothing to take back.
    const giveUp = () => {
      firstDeliveries.delete(id);
      clearTimeout(timer);
      resolve(undefined);
    };
    const timer = setTimeout(giveUp, TAKE_BACK_MS);
    firstDeliveries.set(id, (outcome) => {
      const budget = outcome.kind === "refused" ? budgetRefusalFrom(outcome.details) : undefined;
      const taken = budget !== undefined && takeBack();
      clearTimeout(timer);
      resolve(taken ? { code: "BUDGET_EXCEEDED", budget } : undefined);
      return taken;
    });
    void outbox.flush().finally(giveUp);
  });
}

export async function stopAnswer(messageId: string): Promise<void> {
  const result = await client.mutation(StopGenerationMutation, { messageId }).toPromise();
  if (result.data) streams.complete(result.data.stopGeneration);
}

export function regenerateAnswer(previous: ChatMessage): Promise<ChatActionError | undefined> {
  return whileChanging(previous.chatId, async () => {
    const result = await client.mutation(RegenerateMessageMutation, { messageId: previous.id }).toPromise();
    const answer = result.data?.regenerateMessage;
    if (!answer) return actionError(result.error);
    if (answer.id !== previous.id) hide(previous.id);
    remember(answer);
    streams.follow(answer.id, answer.chatId, "", true);
    return undefined;
  });
}

export function editLastMessage(
  userMessage: ChatMessage,
  answer: ChatMessage | undefined,
  content: string,
): Promise<ChatActionError | undefined> {
  return whileChanging(userMessage.chatId, async () => {
    const result = await client
      .mutation(EditMessageMutation, { messageId: userMessage.id, content })
      .toPromise();
    const payload = result.data?.editMessage;
    if (!payload) return actionError(result.error);
    hide(
      payload.userMessage.id !== userMessage.id ? userMessage.id : undefined,
      answer && payload.assistantMessage.id !== answer.id ? answer.id : undefined,
    );
    remember(payload.userMessage, payload.assistantMessage);
    streams.follow(payload.assistantMessage.id, payload.assistantMessage.chatId, "", true);
    return undefined;
  });
}
