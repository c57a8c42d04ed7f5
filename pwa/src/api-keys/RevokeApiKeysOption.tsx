import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";

/**
 * "Also revoke my API keys", checked by default, with how many there are; not offered when there are
 * none. Unchecked, the form field `revokeApiKeys` is absent (read it with `revokesApiKeys`).
 */
export function RevokeApiKeysOption(props: { id: string; count: number | undefined }): JSX.Element {
  return (
    <Show when={props.count !== 0}>
      <div class="field">
        <label class="checkbox">
          <input
            type="checkbox"
            id={props.id}
            name="revokeApiKeys"
            checked
            aria-describedby={props.count === undefined ? undefined : `${props.id}-hint`}
          />
          {t("apiKeys.revoke")}
        </label>
        <Show when={props.count}>
          {(count) => (
            <span id={`${props.id}-hint`} class="metadata">
              {count() === 1 ? t("apiKeys.countOne") : t("apiKeys.countMany", { count: count() })}
            </span>
          )}
        </Show>
      </div>
    </Show>
  );
}

/** Whether the submitted form asks to revoke the API keys; yes when it did not offer the choice (none). */
export function revokesApiKeys(form: HTMLFormElement): boolean {
  const option = form.elements.namedItem("revokeApiKeys");
  return option instanceof HTMLInputElement ? option.checked : true;
}
