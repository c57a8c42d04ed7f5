import "./chat.css";
import { A, useParams } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import {
  createEffect,
  createMemo,
  createSignal,
  type JSX,
  lazy,
  Match,
  on,
  onCleanup,
  Show,
  Suspense,
  Switch,
} from "solid-js";
import { budgetRefusalText } from "../budgets/budget-state";
import { MyBudgetsQuery } from "../budgets/operations";
import { chatTitle } from "../chats/chat-title";
import { UpdateChatMutation } from "../chats/operations";
import { usesLibrary } from "../documents/library-choice";
import { pendingAttachments } from "../documents/pending-attachments";
import { describeCode, errorCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { ModelSettings } from "../models/ModelSettings";
import { createModels } from "../models/models";
import { ConversationList } from "./ConversationList";
import {
  type ChatActionError,
  editLastMessage,
  hiddenMessages,
  isChatChanging,
  MESSAGE_PAGE_SIZE,
  OLDER_PAGE_SIZE,
  outbox,
  recentMessages,
  regenerateAnswer,
  sendChatMessage,
  stopAnswer,
  streams,
} from "./chat-actions";
import { lastMessageOf, mergeConversation } from "./conversation";
import { MessageInput } from "./MessageInput";
import { createOlderPages } from "./older-pages";
import { ChatQuery } from "./operations";
import { StreamAnnouncer } from "./StreamAnnouncer";
import { createScrollAnchor } from "./scroll-anchor";

// Not needed to read or write: loaded once a chat is open.
const ComposerDocuments = lazy(() => import("../documents/ComposerDocuments"));

/** An open chat: its messages (newest page first, earlier pages on demand), settings and composer. */
export function ChatArea(): JSX.Element {
  const params = useParams<{ id: string }>();
  const chatId = () => params.id;
  const models = createModels();
  const [chat, refetchChat] = createQuery({
    query: ChatQuery,
    variables: () => ({ id: chatId(), last: MESSAGE_PAGE_SIZE }),
  });
  type LoadedChat = NonNullable<NonNullable<typeof chat.data>["chat"]>;
  type OpenChat = Pick<
    LoadedChat,
    "id" | "title" | "model" | "temperature" | "assistant" | "assistantUnavailable"
  >;

  // A chat started offline lives only in the outbox until its first message has been delivered; it
  // opens from there, and from the server once it exists.
  const waitingNewChat = () => outbox.items().find((item) => item.chatId === chatId() && item.newChat);
  const current = (): OpenChat | undefined => {
    const loaded = chat.data?.chat;
    if (loaded) return loaded;
    const waiting = waitingNewChat()?.newChat;
    return waiting
      ? {
          id: chatId(),
          title: "",
          model: waiting.model ?? null,
          temperature: waiting.temperature ?? null,
          assistant: null,
          assistantUnavailable: false,
        }
      : undefined;
  };
  createEffect(
    on(
      () => waitingNewChat() !== undefined,
      (waiting, wasWaiting) => {
        if (wasWaiting && !waiting) refetchChat({ requestPolicy: "network-only" });
      },
      { defer: true },
    ),
  );
  const [, updateChat] = createMutation(UpdateChatMutation);
  const [actionError, setActionError] = createSignal<ChatActionError>();
  // Shared with the sidebar's widget: the organisation's time zone, for when a budget resets.
  const [budgets] = createQuery({ query: MyBudgetsQuery });
  const actionErrorText = (error: ChatActionError) =>
    error.budget
      ? budgetRefusalText(error.budget, budgets.data?.me.organization.timeZone)
      : describeCode(error.code);
  let mounted = true;
  onCleanup(() => {
    mounted = false;
  });
  let scroller: HTMLDivElement | undefined;
  const anchor = createScrollAnchor(() => scroller, ":scope > article.message");

  const newestPage = () => chat.data?.chat.messages;
  const older = createOlderPages(chatId, () => newestPage()?.pageInfo, OLDER_PAGE_SIZE);
  const latest = () => newestPage()?.edges.map((edge) => edge.node) ?? [];
  const shown = createMemo(() =>
    mergeConversation({
      older: older.messages(),
      latest: latest(),
      recent: recentMessages[chatId()] ?? [],
      pending: outbox.items().filter((item) => item.chatId === chatId()),
      hidden: hiddenMessages(),
    }),
  );
  const lastUser = () => lastMessageOf(shown(), "USER");
  const lastAssistant = () => lastMessageOf(shown(), "ASSISTANT");
  // Answering, or about to: no second change of the last turn, no new message until the answer streams.
  const busy = () => streams.isChatStreaming(chatId()) || isChatChanging(chatId());

  // An answer still being written when the chat was loaded (e.g. after a reload) continues live.
  createEffect(() => {
    for (const entry of shown()) {
      const message = entry.kind === "message" ? entry.message : undefined;
      if (message?.role === "ASSISTANT" && message.status === "STREAMING") {
        streams.follow(message.id, message.chatId, message.content);
      }
    }
  });

  createEffect(on(chatId, () => anchor.pinToEnd()));
  createEffect(
    on(
      () => [shown().length, streams.streams[lastAssistant()?.id ?? ""]?.text.length],
      () => anchor.settle(),
    ),
  );

  /** Whether it happened; if not, why is shown. */
  const run = async (action: Promise<ChatActionError | undefined>) => {
    const error = await action;
    setActionError(error);
    return error === undefined;
  };
  const stopStreaming = () => {
    for (const [messageId, state] of Object.entries(streams.streams)) {
      if (state.chatId === chatId() && state.status === "STREAMING") void stopAnswer(messageId);
    }
  };
  const loadOlder = () => {
    if (older.loading()) return;
    anchor.holdPlace();
    void older.loadMore();
  };
  // Scrolling up to the "earlier messages" button loads them; the button stays for keyboards and for a
  // page that does not fill the screen. Not while the chat sits at its end (e.g. before it is scrolled
  // there on opening).
  const loadOlderWhenSeen = (button: HTMLButtonElement) => {
    if (typeof IntersectionObserver === "undefined") return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !anchor.isPinned()) loadOlder();
    });
    seen.observe(button);
    onCleanup(() => seen.disconnect());
  };
  // Not before the outbox is read: the chat may be one started offline, waiting there.
  const notAvailable = () =>
    !chat.data && chat.error && outbox.loaded() && !waitingNewChat() ? errorCode(chat.error) : undefined;

  return (
    <div class="chat">
      <Switch>
        <Match when={notAvailable()}>
          {(code) => (
            <div class="chat-empty">
              <p class="alert">{code() === "NOT_FOUND" ? t("chat.notFound") : t("chat.notCached")}</p>
              <A class="button button--primary" href="/">
                {t("sidebar.newChat")}
              </A>
            </div>
          )}
        </Match>
        <Match when={current()}>
          {(current) => (
            <>
              <div class="chat-toolbar">
                <h1 id="chat-title" class="chat-title">
                  {chatTitle(current().title)}
                </h1>
                <Show when={current().assistant}>
                  {(assistant) => (
                    <span class="badge chat-assistant">
                      {t("assistants.selected", { name: `${assistant().icon} ${assistant().name}` })}
                    </span>
                  )}
                </Show>
                <Show when={chat.data?.chat}>
                  <ModelSettings
                    idPrefix="chat"
                    models={models}
                    model={current().model}
                    temperature={current().temperature}
                    onModel={(model) => void updateChat({ id: current().id, input: { model } })}
                    onTemperature={(temperature) =>
                      void updateChat({ id: current().id, input: { temperature } })
                    }
                  />
                </Show>
              </div>
              {/* Present from the start, so that screen readers announce what it comes to say. */}
              <div role="status">
                <Show when={current().assistantUnavailable}>
                  <p class="chat-notice">{t("chat.assistantUnavailable")}</p>
                </Show>
              </div>
              <div
                class="messages"
                ref={(element) => {
                  scroller = element;
                  anchor.watchScrolling(element);
                }}
              >
                <div class="messages-content" ref={anchor.watchSize}>
                  <Show when={older.hasMore()}>
                    <button
                      ref={loadOlderWhenSeen}
                      type="button"
                      class="button button--ghost load-older"
                      disabled={older.loading()}
                      onClick={loadOlder}
                    >
                      {older.loading() ? t("chat.loadingOlder") : t("chat.loadOlder")}
                    </button>
                  </Show>
                  <h2 class="visually-hidden">{t("chat.conversation")}</h2>
                  <ConversationList
                    shown={shown()}
                    lastUserId={lastUser()?.id}
                    lastAssistantId={lastAssistant()?.id}
                    busy={busy()}
                    onRegenerate={(message) => void run(regenerateAnswer(message))}
                    onEdit={(message, content) => run(editLastMessage(message, lastAssistant(), content))}
                  />
                </div>
              </div>
              <Show when={actionError()}>
                {(error) => (
                  <p class="alert chat-error" role="alert" data-code={error().code}>
                    {actionErrorText(error())}
                  </p>
                )}
              </Show>
              <StreamAnnouncer chatId={chatId()} />
              <Suspense>
                <ComposerDocuments
                  chatId={current().id}
                  chatKey={current().id}
                  onServer={chat.data?.chat !== undefined}
                />
              </Suspense>
              <MessageInput
                streaming={busy()}
                onStop={stopStreaming}
                onSend={async (content) => {
                  anchor.pinToEnd();
                  setActionError(undefined);
                  const sentIn = current().id;
                  // The images uploaded since the last message go with this one.
                  const images = pendingAttachments.take(sentIn);
                  // A budget that refuses it at once gives the text (and its images) back to this
                  // composer — while it is still this chat's; otherwise the message stays in the
                  // outbox, held.
                  const taken = await run(
                    sendChatMessage(
                      {
                        chatId: sentIn,
                        content,
                        model: current().model,
                        temperature: current().temperature,
                        useLibrary: usesLibrary(sentIn),
                        attachmentIds: images.map((image) => image.id),
                      },
                      () => mounted && chatId() === sentIn,
                    ),
                  );
                  if (!taken) pendingAttachments.restore(sentIn, images);
                  return taken;
                }}
              />
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}
