import { createSignal, type JSX, lazy, Match, Show, Suspense, Switch } from "solid-js";
import type { MessageStatus } from "../gql/graphql";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { createCopyAction } from "../ui/clipboard";
import { IconButton } from "../ui/IconButton";
import { AnswerText } from "./AnswerText";
import type { ChatMessage } from "./conversation";
import { EditMessageForm } from "./EditMessageForm";
import type { StreamState } from "./stream-assembly";

// Only answers from documents have sources: their list comes with the documents' lazy code.
const SourceList = lazy(() => import("../documents/SourceList"));
// Only messages sent with images show them: their thumbnails come with the documents' lazy code too.
const MessageImages = lazy(() => import("../documents/MessageImages"));

function StatusLine(props: { status: MessageStatus; error?: { code: string } | null }): JSX.Element {
  return (
    <Switch>
      <Match when={props.status === "STREAMING"}>
        <p class="message-status metadata">
          <span class="typing" aria-hidden="true" />
          {t("chat.streaming")}
        </p>
      </Match>
      <Match when={props.status === "STOPPED"}>
        <p class="message-status">
          <span class="badge">{t("chat.stopped")}</span>
        </p>
      </Match>
      <Match when={props.status === "INTERRUPTED"}>
        <p class="message-status alert">{t("chat.interrupted")}</p>
      </Match>
      <Match when={props.status === "FAILED"}>
        <p class="message-status alert" role="alert">
          {t("chat.answerFailed", { reason: describeCode(props.error?.code ?? "UNKNOWN") })}
        </p>
      </Match>
    </Switch>
  );
}

/** Copy, and for the newest answer regenerate; stop while it streams. */
function AnswerActions(props: {
  text: string;
  status: MessageStatus;
  canRegenerate: boolean;
  onStop: () => void;
  onRegenerate: () => void;
}): JSX.Element {
  const { copied, copy } = createCopyAction();
  return (
    <Show
      when={props.status !== "STREAMING"}
      fallback={
        <div class="message-actions">
          <IconButton icon="stop" label={t("chat.stop")} onClick={props.onStop} />
        </div>
      }
    >
      <div class="message-actions">
        <IconButton
          icon="copy"
          label={copied() ? t("common.copied") : t("chat.copyAnswer")}
          onClick={() => void copy(props.text)}
        />
        <Show when={props.canRegenerate}>
          <IconButton icon="regenerate" label={t("chat.regenerate")} onClick={props.onRegenerate} />
        </Show>
      </div>
    </Show>
  );
}

/** One message of the conversation, with the actions that apply to it. */
export function MessageBubble(props: {
  message: ChatMessage;
  stream?: StreamState;
  isLastUser: boolean;
  isLastAssistant: boolean;
  busy: boolean;
  onStop: () => void;
  onRegenerate: () => void;
  /** Answers whether the edit was taken; if not (e.g. a budget is used up), the form opens again with it. */
  onEdit: (content: string) => Promise<boolean>;
}): JSX.Element {
  // The text being edited; null while not editing.
  const [editDraft, setEditDraft] = createSignal<string | null>(null);
  const editing = () => editDraft() !== null;
  const text = () => props.stream?.text ?? props.message.content;
  const status = () => props.stream?.status ?? props.message.status;
  const isUser = props.message.role === "USER";

  return (
    <article
      class={isUser ? "message message--user" : "message message--assistant"}
      data-status={status()}
      data-message-id={props.message.id}
    >
      <h3 class="visually-hidden">{isUser ? t("chat.you") : t("chat.assistant")}</h3>
      <Show
        when={isUser}
        fallback={
          <>
            <div class="message-body">
              <AnswerText text={text()} streaming={status() === "STREAMING"} />
            </div>
            <Show when={status() !== "STREAMING" && (props.message.sources?.length ?? 0) > 0}>
              <Suspense>
                <SourceList sources={props.message.sources} />
              </Suspense>
            </Show>
            <Show when={props.message.imagesAsText}>
              <p class="message-status metadata images-as-text">{t("chat.imagesAsText")}</p>
            </Show>
            <Show when={props.message.budgetFallbackFrom}>
              {(from) => (
                <p class="message-status metadata budget-fallback">
                  {t("budgets.fallback", { model: props.message.model ?? "", from: from() })}
                </p>
              )}
            </Show>
            <Show when={status() !== "COMPLETE"}>
              <StatusLine status={status()} error={props.stream?.error ?? props.message.error} />
            </Show>
            <AnswerActions
              text={text()}
              status={status()}
              canRegenerate={props.isLastAssistant && !props.busy}
              onStop={props.onStop}
              onRegenerate={props.onRegenerate}
            />
          </>
        }
      >
        <Show
          when={editing()}
          fallback={
            <div class="message-body">
              <p class="plain-text">{text()}</p>
            </div>
          }
        >
          <EditMessageForm
            initial={editDraft() ?? props.message.content}
            onCancel={() => setEditDraft(null)}
            onSave={(content) => {
              setEditDraft(null);
              void props.onEdit(content).then((taken) => {
                if (!taken) setEditDraft(content);
              });
            }}
          />
        </Show>
        <Show when={(props.message.attachments?.length ?? 0) > 0}>
          <Suspense>
            <MessageImages images={props.message.attachments} />
          </Suspense>
        </Show>
        <Show when={props.isLastUser && !props.busy && !editing()}>
          <div class="message-actions">
            <IconButton
              icon="edit"
              label={t("chat.editLast")}
              onClick={() => setEditDraft(props.message.content)}
            />
          </div>
        </Show>
      </Show>
    </article>
  );
}
