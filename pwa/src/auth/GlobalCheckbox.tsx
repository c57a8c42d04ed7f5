import { type JSX, Show } from "solid-js";
import { session } from "./session";

/** "Available to everyone": only admins may make an assistant or template global. */
export function GlobalCheckbox(props: { label: string; checked: boolean }): JSX.Element {
  return (
    <Show when={session.user()?.isAdmin}>
      <label class="checkbox">
        <input type="checkbox" name="isGlobal" checked={props.checked} />
        {props.label}
      </label>
    </Show>
  );
}

/** The isGlobal input value, sent only by admins (others may not set it at all). */
export function globalInput(form: HTMLFormElement): { isGlobal?: boolean } {
  return session.user()?.isAdmin ? { isGlobal: new FormData(form).get("isGlobal") === "on" } : {};
}
