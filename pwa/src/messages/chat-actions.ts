import type { CombinedError } from "@urql/core";
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { session } from "../auth/session";
import { CreateChatMutation } from "../chats/documents";
import { client, subscribe } from "../graphql/client";
import { errorCode, isNetworkFailure } from "../graphql/errors";
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
import { UsageQuery } from "../usage/documents";
import type { ChatMessage } from "./conversation";
import {
  ChatQuery,
  EditMessageMutation,
  MessageStreamSubscription,
  RegenerateMessageMutation,
  SendMessageMutation,
  StopGenerationMutation,
} from "./documents";
import { createStreamStore } from "./streams";

// What a chat does: send (through the outbox), stream answers, stop, regenerate, edit.

/** The newest page, what a chat opens with: enough to fill a tall screen, small enough to render at once. */
export const MESSAGE_PAGE_SIZE = 16;
/** Each earlier page, loaded when the reader scrolls up to it (or asks for it). */
export const OLDER_PAGE_SIZE = 40;
const PREFETCHED_RECENT_CHATS = 3;
const TITLE_DELAY_MS = 3_000;
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
  return { kind: "refused", code };
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

export const outbox = createOutbox({
  send: deliver,
  store: openOutboxStore(),
  channel: tabChannel("xqt5.outbox"),
  locks: deviceLocks(),
  // Another tab sent them: this tab's copy of those chats learns of the new messages and answers.
  onRemovedElsewhere: (items) => {
    for (const chatId of new Set(items.map((item) => item.chatId))) refreshChat(chatId);
  },
});

/**
 * Queues a message and sends what waits. Answers an error code when the message was not taken (the
 * device refused to store it); the caller keeps the text then.
 */
export async function sendChatMessage(input: NewOutboxItem): Promise<string | undefined> {
  try {
    await outbox.enqueue({ ...input, userId: session.user()?.id });
  } catch (error) {
    if (error instanceof OutboxStorageError) return "STORAGE_REFUSED";
    throw error;
  }
  void outbox.flush();
  return undefined;
}

export async function stopAnswer(messageId: string): Promise<void> {
  const result = await client.mutation(StopGenerationMutation, { messageId }).toPromise();
  if (result.data) streams.complete(result.data.stopGeneration);
}

export function regenerateAnswer(previous: ChatMessage): Promise<string | undefined> {
  return whileChanging(previous.chatId, async () => {
    const result = await client.mutation(RegenerateMessageMutation, { messageId: previous.id }).toPromise();
    const answer = result.data?.regenerateMessage;
    if (!answer) return errorCode(result.error);
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
): Promise<string | undefined> {
  return whileChanging(userMessage.chatId, async () => {
    const result = await client
      .mutation(EditMessageMutation, { messageId: userMessage.id, content })
      .toPromise();
    const payload = result.data?.editMessage;
    if (!payload) return errorCode(result.error);
    hide(
      payload.userMessage.id !== userMessage.id ? userMessage.id : undefined,
      answer && payload.assistantMessage.id !== answer.id ? answer.id : undefined,
    );
    remember(payload.userMessage, payload.assistantMessage);
    streams.follow(payload.assistantMessage.id, payload.assistantMessage.chatId, "", true);
    return undefined;
  });
}
