import type { JSX } from "solid-js";
import { t } from "../i18n/i18n";

/** Edit the last user message in place; Escape cancels. */
export function EditMessageForm(props: {
  initial: string;
  onSave: (content: string) => void;
  onCancel: () => void;
}): JSX.Element {
  let area!: HTMLTextAreaElement;
  return (
    <form
      class="edit-form"
      onSubmit={(event) => {
        event.preventDefault();
        const content = area.value.trim();
        if (content) props.onSave(content);
      }}
    >
      <label class="visually-hidden" for="edit-message">
        {t("chat.editLast")}
      </label>
      <textarea
        id="edit-message"
        ref={(element) => {
          area = element;
          queueMicrotask(() => element.focus());
        }}
        class="textarea"
        rows="3"
        value={props.initial}
        onKeyDown={(event) => event.key === "Escape" && props.onCancel()}
      />
      <div class="form-actions">
        <button type="button" class="button" onClick={() => props.onCancel()}>
          {t("common.cancel")}
        </button>
        <button type="submit" class="button button--primary">
          {t("chat.resend")}
        </button>
      </div>
    </form>
  );
}
