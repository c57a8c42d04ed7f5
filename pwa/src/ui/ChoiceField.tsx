import { For, type JSX } from "solid-js";

/** A labelled native select over a fixed set of values. */
export function ChoiceField<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  choices: readonly { value: T; label: string; lang?: string }[];
  onChange: (value: T) => void;
}): JSX.Element {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        class="select"
        onChange={(event) => props.onChange(event.currentTarget.value as T)}
      >
        <For each={props.choices}>
          {(choice) => (
            <option value={choice.value} lang={choice.lang} selected={choice.value === props.value}>
              {choice.label}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
