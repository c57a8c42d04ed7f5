import { A } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { IconButton } from "../ui/IconButton";
import { chatTitle } from "./chat-title";

export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: string;
}

/** One chat in the sidebar: a link, and behind "⋯" rename (inline) and delete. */
export function ChatListItem(props: {
  chat: ChatSummary;
  onNavigate: () => void;
  /** The pointer or the focus is on the link: the chat is likely to be opened. */
  onIntent: () => void;
  onRename: (title: string) => void;
  onDelete: () => void;
}): JSX.Element {
  const [actionsOpen, setActionsOpen] = createSignal(false);
  const [renaming, setRenaming] = createSignal(false);
  const title = () => chatTitle(props.chat.title);

  const finishRename = (input: HTMLInputElement, save: boolean) => {
    const value = input.value.trim();
    setRenaming(false);
    setActionsOpen(false);
    if (save && value && value !== props.chat.title) props.onRename(value);
  };

  return (
    <li class="chat-item">
      <Show
        when={renaming()}
        fallback={
          <A
            href={`/chats/${props.chat.id}`}
            class="chat-link"
            activeClass="chat-link--active"
            onClick={props.onNavigate}
            onPointerDown={props.onIntent}
            onMouseEnter={props.onIntent}
            onFocus={props.onIntent}
          >
            {title()}
          </A>
        }
      >
        <input
          class="input chat-rename"
          aria-label={t("sidebar.renameLabel", { title: title() })}
          value={props.chat.title}
          ref={(input) => queueMicrotask(() => input.select())}
          onKeyDown={(event) => {
            if (event.key === "Enter") finishRename(event.currentTarget, true);
            if (event.key === "Escape") finishRename(event.currentTarget, false);
          }}
          onBlur={(event) => renaming() && finishRename(event.currentTarget, true)}
        />
      </Show>
      <IconButton
        icon="more"
        class="on-dark"
        label={t("sidebar.actionsFor", { title: title() })}
        aria-expanded={actionsOpen()}
        onClick={() => setActionsOpen(!actionsOpen())}
      />
      <Show when={actionsOpen() && !renaming()}>
        <div class="chat-actions">
          <button
            type="button"
            class="button button--ghost button--small on-dark"
            onClick={() => setRenaming(true)}
          >
            {t("sidebar.rename")}
          </button>
          <button
            type="button"
            class="button button--ghost button--small on-dark"
            onClick={() => {
              setActionsOpen(false);
              props.onDelete();
            }}
          >
            {t("sidebar.delete")}
          </button>
        </div>
      </Show>
    </li>
  );
}
