import { createEffect, type JSX, onCleanup } from "solid-js";
import { t } from "../i18n/i18n";
import { IconButton } from "./IconButton";

// A modal on the native <dialog>: focus stays inside, Escape closes, focus returns where it was.

export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
}): JSX.Element {
  let dialog!: HTMLDialogElement;
  const titleId = `dialog-${Math.random().toString(36).slice(2)}`;

  createEffect(() => {
    if (props.open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });
  onCleanup(() => dialog?.open && dialog.close());

  return (
    <dialog
      ref={dialog}
      class="dialog card"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <div class="card-header dialog-header">
        <h2 id={titleId} class="dialog-title">
          {props.title}
        </h2>
        <IconButton icon="close" label={t("common.close")} class="on-dark" onClick={() => props.onClose()} />
      </div>
      <div class="card-body dialog-body">{props.children}</div>
      {props.footer && <div class="dialog-footer">{props.footer}</div>}
    </dialog>
  );
}

/**
 * Asks before something is deleted (or done that is hard to take back: `tone` "primary" if it is not).
 * `children` come below the message (an option of what is done).
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  tone?: "danger" | "primary";
  onConfirm: () => void;
  onClose: () => void;
  children?: JSX.Element;
}): JSX.Element {
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="button" onClick={() => props.onClose()}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            class={`button button--${props.tone ?? "danger"}`}
            onClick={() => props.onConfirm()}
          >
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <p>{props.message}</p>
      {props.children}
    </Dialog>
  );
}
