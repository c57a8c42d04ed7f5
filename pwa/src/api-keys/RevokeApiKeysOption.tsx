import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";

/**
 * "Also revoke my API keys", checked by default, with how many there are; offered only once the user is
 * known to have some. Unchecked, the form field `revokeApiKeys` is absent (read it with `revokesApiKeys`).
 */
export function RevokeApiKeysOption(props: { id: string; count: number | undefined }): JSX.Element {
  return (
    <Show when={props.count}>
      {(count) => (
        <div class="field">
          <label class="checkbox">
            <input
              type="checkbox"
              id={props.id}
              name="revokeApiKeys"
              checked
              aria-describedby={`${props.id}-hint`}
            />
            {t("apiKeys.revoke")}
          </label>
          <span id={`${props.id}-hint`} class="metadata">
            {count() === 1 ? t("apiKeys.countOne") : t("apiKeys.countMany", { count: count() })}
          </span>
        </div>
      )}
    </Show>
  );
}

/**
 * Whether the submitted form asks to revoke the API keys; yes when it did not offer the choice (no keys
 * known), as the API does by default: keys created meanwhile, perhaps by whoever is being shut out, go too.
 */
export function revokesApiKeys(form: HTMLFormElement): boolean {
  const option = form.elements.namedItem("revokeApiKeys");
  return option instanceof HTMLInputElement ? option.checked : true;
}
