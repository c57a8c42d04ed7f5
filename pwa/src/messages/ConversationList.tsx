import { For, type JSX, Match, Switch } from "solid-js";
import { createKeyedList } from "../ui/keyed-list";
import { outbox, stopAnswer, streams } from "./chat-actions";
import type { ChatMessage, DisplayMessage } from "./conversation";
import { MessageBubble } from "./MessageBubble";
import { PendingBubble } from "./PendingBubble";

/**
 * The messages, keyed by id: a refetched page or a new streaming delta updates the bubbles in place
 * instead of building the whole list again.
 */
export function ConversationList(props: {
  shown: readonly DisplayMessage[];
  lastUserId?: string;
  lastAssistantId?: string;
  busy: boolean;
  onRegenerate: (message: ChatMessage) => void;
  /** Answers whether the edit was taken; if not, the edited text comes back into its form. */
  onEdit: (message: ChatMessage, content: string) => Promise<boolean>;
}): JSX.Element {
  const entries = createKeyedList(
    () => props.shown,
    (entry) => entry.key,
  );

  return (
    <For each={entries.keys()}>
      {(key) => {
        const entry = () => entries.get(key);
        const message = () => {
          const current = entry();
          return current?.kind === "message" ? current.message : undefined;
        };
        const pending = () => {
          const current = entry();
          return current?.kind === "pending" ? current.item : undefined;
        };
        return (
          <Switch>
            <Match when={pending()}>
              {(item) => (
                <PendingBubble
                  item={item()}
                  onRetry={() => void outbox.retry(item().clientMessageId)}
                  onDiscard={() => outbox.discard(item().clientMessageId)}
                />
              )}
            </Match>
            <Match when={message()}>
              {(current) => (
                <MessageBubble
                  message={current()}
                  stream={streams.streams[key]}
                  isLastUser={key === props.lastUserId}
                  isLastAssistant={key === props.lastAssistantId}
                  busy={props.busy}
                  onStop={() => void stopAnswer(key)}
                  onRegenerate={() => props.onRegenerate(current())}
                  onEdit={(content) => props.onEdit(current(), content)}
                />
              )}
            </Match>
          </Switch>
        );
      }}
    </For>
  );
}
