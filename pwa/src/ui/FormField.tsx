import { type JSX, Show } from "solid-js";

/** A labelled input (or textarea) with an optional hint and error, both tied to it for screen readers. */
export function FormField(props: {
  id: string;
  label: string;
  name?: string;
  type?: string;
  value?: string;
  required?: boolean;
  readOnly?: boolean;
  autocomplete?: string;
  rows?: number;
  hint?: string;
  error?: string;
  maxLength?: number;
  min?: number;
  max?: number;
  step?: number;
  inputMode?: "decimal" | "numeric";
  /** A datalist's id: suggestions while typing. */
  list?: string;
  onInput?: (value: string) => void;
}): JSX.Element {
  const describedBy = () =>
    [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`].filter(Boolean).join(" ") ||
    undefined;
  const common = () => ({
    id: props.id,
    name: props.name ?? props.id,
    required: props.required,
    readOnly: props.readOnly,
    maxLength: props.maxLength,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": describedBy(),
  });
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <Show
        when={props.rows}
        fallback={
          <input
            {...common()}
            class="input"
            type={props.type ?? "text"}
            autocomplete={props.autocomplete}
            inputMode={props.inputMode}
            list={props.list}
            min={props.min}
            max={props.max}
            step={props.step}
            value={props.value ?? ""}
            onInput={(event) => props.onInput?.(event.currentTarget.value)}
          />
        }
      >
        <textarea {...common()} class="textarea" rows={props.rows} value={props.value ?? ""} />
      </Show>
      <Show when={props.hint}>
        <span id={`${props.id}-hint`} class="metadata">
          {props.hint}
        </span>
      </Show>
      <Show when={props.error}>
        <span id={`${props.id}-error`} class="field-error">
          {props.error}
        </span>
      </Show>
    </div>
  );
}
