import { type JSX, onMount } from "solid-js";
import { t } from "../i18n/i18n";
import { createCopyAction } from "./clipboard";
import { Icon } from "./icons";

/**
 * A link the API shows this once (it keeps only a hash of its token): said plainly, and focused to be
 * copied. `intro` says whom it is for and until when.
 */
export function OneTimeLink(props: { id: string; label: string; intro: string; url: string }): JSX.Element {
  const clipboard = createCopyAction();
  let input!: HTMLInputElement;
  onMount(() => input.focus());
  return (
    <div class="one-time-link stack">
      <p>{props.intro}</p>
      <p id={`${props.id}-once`} class="notice">
        <strong>{t("common.shownOnce")}</strong>
      </p>
      <div class="field">
        <label for={props.id}>{props.label}</label>
        <div class="copy-field">
          <input
            ref={input}
            id={props.id}
            class="input"
            readOnly
            value={props.url}
            aria-describedby={`${props.id}-once`}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" class="button button--primary" onClick={() => void clipboard.copy(props.url)}>
            <Icon name="copy" />
            <span aria-live="polite">{clipboard.copied() ? t("common.copied") : t("common.copy")}</span>
          </button>
        </div>
      </div>
    </div>
  );
}
