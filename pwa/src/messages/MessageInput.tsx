import { createSignal, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { TemplatePicker } from "../templates/TemplatePicker";
import { IconButton } from "../ui/IconButton";

const MAX_HEIGHT_PX = 200;

/** The composer: Enter sends, Shift+Enter breaks the line; "stop" replaces "send" while an answer streams. */
export function MessageInput(props: {
  /**
   * May answer `false` (later) when the message could not be taken; the draft then comes back, before
   * whatever was typed since.
   */
  onSend: (content: string) => Promise<boolean> | undefined;
  onStop: () => void;
  streaming: boolean;
  disabled?: boolean;
}): JSX.Element {
  const [draft, setDraft] = createSignal("");
  let area!: HTMLTextAreaElement;

  const fitHeight = () => {
    area.style.height = "auto";
    area.style.height = `${Math.min(area.scrollHeight, MAX_HEIGHT_PX)}px`;
  };
  const submit = () => {
    const content = draft().trim();
    if (!content || props.streaming || props.disabled) return;
    const taken = props.onSend(content);
    setDraft("");
    void taken?.then((ok) => {
      if (ok) return;
      setDraft(draft() === "" ? content : `${content}\n\n${draft()}`);
      queueMicrotask(fitHeight);
    });
    queueMicrotask(fitHeight);
  };
  const insert = (text: string) => {
    setDraft(draft() ? `${draft()}\n\n${text}` : text);
    queueMicrotask(() => {
      fitHeight();
      area.focus();
    });
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <TemplatePicker onInsert={insert} />
      <label for="message-input" class="visually-hidden">
        {t("chat.inputLabel")}
      </label>
      <textarea
        id="message-input"
        ref={area}
        class="textarea composer-input"
        rows="1"
        placeholder={t("chat.inputPlaceholder")}
        value={draft()}
        disabled={props.disabled}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          fitHeight();
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <Show
        when={props.streaming}
        fallback={
          <IconButton
            type="submit"
            icon="send"
            variant="primary"
            label={t("chat.send")}
            disabled={props.disabled || draft().trim() === ""}
          />
        }
      >
        <IconButton icon="stop" variant="primary" label={t("chat.stop")} onClick={() => props.onStop()} />
      </Show>
    </form>
  );
}
