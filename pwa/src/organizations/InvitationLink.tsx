import { type JSX, onMount } from "solid-js";
import { t } from "../i18n/i18n";
import { createCopyAction } from "../ui/clipboard";
import { formatDateTime } from "../ui/format";
import { Icon } from "../ui/icons";

/**
 * A new invitation's link. The API shows it this once (it keeps only a hash of the token), so it is
 * said plainly, and the link is focused to be copied.
 */
export function InvitationLink(props: {
  id: string;
  invitation: { email: string; expiresAt: string; url?: string | null };
}): JSX.Element {
  const clipboard = createCopyAction();
  let input!: HTMLInputElement;
  onMount(() => input.focus());
  return (
    <div class="invitation-link stack">
      <p>
        {t("invitations.linkFor", {
          email: props.invitation.email,
          date: formatDateTime(props.invitation.expiresAt),
        })}
      </p>
      <p id={`${props.id}-once`} class="notice">
        <strong>{t("invitations.shownOnce")}</strong>
      </p>
      <div class="field">
        <label for={props.id}>{t("invitations.linkLabel")}</label>
        <div class="copy-field">
          <input
            ref={input}
            id={props.id}
            class="input"
            readOnly
            value={props.invitation.url ?? ""}
            aria-describedby={`${props.id}-once`}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button
            type="button"
            class="button button--primary"
            onClick={() => void clipboard.copy(props.invitation.url ?? "")}
          >
            <Icon name="copy" />
            <span aria-live="polite">{clipboard.copied() ? t("common.copied") : t("common.copy")}</span>
          </button>
        </div>
      </div>
    </div>
  );
}
