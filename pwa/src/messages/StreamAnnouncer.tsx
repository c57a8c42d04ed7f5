import { createEffect, createSignal, type JSX, on } from "solid-js";
import { t } from "../i18n/i18n";
import { streams } from "./chat-actions";

/** Tells screen readers politely that an answer started and ended — not every token. */
export function StreamAnnouncer(props: { chatId: string }): JSX.Element {
  const [announcement, setAnnouncement] = createSignal("");
  createEffect(
    on(
      () => streams.isChatStreaming(props.chatId),
      (streaming, wasStreaming) => {
        if (streaming) setAnnouncement(t("chat.answering"));
        else if (wasStreaming) setAnnouncement(t("chat.answerDone"));
      },
    ),
  );
  return (
    <p class="visually-hidden" role="status" aria-live="polite">
      {announcement()}
    </p>
  );
}
