import type { JSX } from "solid-js";
import { Icon, type IconName } from "../ui/icons";

/**
 * A button that opens the device's file picker (or, with `capture`, its camera). The input itself stays
 * hidden: the button carries the name and the focus.
 */
export function FilePicker(props: {
  label: string;
  icon: IconName;
  accept: string;
  multiple?: boolean;
  capture?: "environment";
  /** Only the icon shows; the label is the accessible name and the tooltip. */
  iconOnly?: boolean;
  class?: string;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
}): JSX.Element {
  let input!: HTMLInputElement;
  return (
    <>
      <button
        type="button"
        class={props.class ?? "button"}
        classList={{ "button--icon": props.iconOnly }}
        aria-label={props.iconOnly ? props.label : undefined}
        title={props.iconOnly ? props.label : undefined}
        disabled={props.disabled}
        onClick={() => input.click()}
      >
        <Icon name={props.icon} />
        {props.iconOnly ? null : props.label}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept={props.accept}
        multiple={props.multiple}
        capture={props.capture}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          // Cleared, so that the same file can be chosen again (after a failure, say).
          event.currentTarget.value = "";
          if (files.length > 0) props.onFiles(files);
        }}
      />
    </>
  );
}
