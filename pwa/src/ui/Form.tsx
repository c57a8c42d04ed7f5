import type { CombinedError } from "@urql/core";
import { type JSX, Show } from "solid-js";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";

/** A form that never reloads the page: `onSubmit` receives the form element. */
export function Form(props: {
  class?: string;
  onSubmit: (form: HTMLFormElement) => void;
  children: JSX.Element;
}) {
  return (
    <form
      class={props.class ?? "stack"}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(event.currentTarget);
      }}
    >
      {props.children}
    </form>
  );
}

/** The end of a dialog form: what went wrong, then cancel and submit. */
export function FormActions(props: {
  error?: CombinedError;
  busy: boolean;
  submitLabel: string;
  /** Without it there is no cancel button (a form that stays on its screen). */
  onCancel?: () => void;
  /** Said once the form was saved, until it is changed again. */
  savedMessage?: string | false;
}): JSX.Element {
  return (
    <>
      <Show when={props.error}>
        <p class="alert" role="alert">
          {describeError(props.error)}
        </p>
      </Show>
      <Show when={props.savedMessage}>
        <p role="status">{props.savedMessage}</p>
      </Show>
      <div class="form-actions">
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" onClick={() => cancel()()}>
              {t("common.cancel")}
            </button>
          )}
        </Show>
        <button type="submit" class="button button--primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </>
  );
}

/** Reads a submitted form's text fields, trimmed. */
export function formText(form: HTMLFormElement): (name: string) => string {
  const data = new FormData(form);
  return (name) => String(data.get(name) ?? "").trim();
}
