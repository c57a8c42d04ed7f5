import { createEffect, createSignal, type JSX, on, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { forgetInvitationInUrl, watchInvitationToken } from "./invitation-link";
import { session } from "./session";
import { signOut } from "./sign-out";

/**
 * An invitation link opened while signed in creates a new account only after signing out: say so,
 * instead of silently ignoring the link. Signing out keeps the link in the address, so the sign-in
 * screen then offers the invitation.
 */
export function InvitationWhileSignedIn(): JSX.Element {
  const token = watchInvitationToken();
  const [open, setOpen] = createSignal(token() !== null);
  createEffect(on(token, (current) => setOpen(current !== null), { defer: true }));
  const dismiss = () => {
    forgetInvitationInUrl();
    setOpen(false);
  };
  return (
    <Show when={open()}>
      <div class="notice invitation-while-signed-in" role="status">
        <p>{t("auth.invitationWhileSignedIn", { username: session.user()?.username ?? "" })}</p>
        <div class="form-actions">
          <button type="button" class="button button--primary" onClick={() => void signOut()}>
            {t("auth.signOutToAccept")}
          </button>
          <button type="button" class="button" onClick={dismiss}>
            {t("auth.keepThisAccount")}
          </button>
        </div>
      </div>
    </Show>
  );
}
