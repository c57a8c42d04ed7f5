import { createSignal, type JSX, onCleanup, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { forgetInvitationInUrl, invitationTokenInUrl } from "./invitation-link";
import { session } from "./session";
import { signOut } from "./sign-out";

/**
 * An invitation link opened while signed in creates a new account only after signing out: say so,
 * instead of silently ignoring the link. Signing out keeps the link in the address, so the sign-in
 * screen then offers the invitation.
 */
export function InvitationWhileSignedIn(): JSX.Element {
  const [open, setOpen] = createSignal(invitationTokenInUrl() !== null);
  // Also a link followed in the open app (only the fragment changes: no reload).
  const onHashChange = () => setOpen(invitationTokenInUrl() !== null);
  window.addEventListener("hashchange", onHashChange);
  onCleanup(() => window.removeEventListener("hashchange", onHashChange));
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
