import type { JSX } from "solid-js";
import { Icon, type IconName } from "./icons";

/** A square button with an icon; `label` is its accessible name and its tooltip. */
export function IconButton(props: {
  icon: IconName;
  label: string;
  variant?: "ghost" | "primary";
  class?: string;
  type?: "button" | "submit";
  disabled?: boolean;
  ref?: HTMLButtonElement | ((element: HTMLButtonElement) => void);
  onClick?: () => void;
  "aria-expanded"?: boolean;
  "aria-controls"?: string;
  "aria-haspopup"?: "dialog";
}): JSX.Element {
  return (
    <button
      ref={props.ref}
      type={props.type ?? "button"}
      class={`button button--icon button--${props.variant ?? "ghost"} ${props.class ?? ""}`}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      aria-expanded={props["aria-expanded"]}
      aria-controls={props["aria-controls"]}
      aria-haspopup={props["aria-haspopup"]}
      onClick={() => props.onClick?.()}
    >
      <Icon name={props.icon} />
    </button>
  );
}
