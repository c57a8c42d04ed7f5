import { createSignal, type JSX, Show } from "solid-js";
import type { createActiveApiKeyCount } from "../api-keys/active-api-keys";
import { RevokeApiKeysOption, revokesApiKeys } from "../api-keys/RevokeApiKeysOption";
import { signOutEverywhere } from "../auth/sign-out";
import { describeCode } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { Form } from "../ui/Form";

/** Asks before every session ends (this one too), and whether the API keys go with them. */
export function SignOutEverywhereDialog(props: {
  open: boolean;
  apiKeys: ReturnType<typeof createActiveApiKeyCount>;
  onClose: () => void;
}): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<string>();

  const submit = async (form: HTMLFormElement) => {
    setBusy(true);
    setFailure(undefined);
    const apiKeys = { revoked: revokesApiKeys(form), count: props.apiKeys.count() ?? null };
    // On success the app reloads into the sign-in screen, which says what was done.
    setFailure(await signOutEverywhere(apiKeys));
    setBusy(false);
  };

  return (
    <Dialog open={props.open} title={t("auth.signOutEverywhere")} onClose={props.onClose}>
      <Form onSubmit={(form) => void submit(form)}>
        <p>{t("auth.signOutEverywhereText")}</p>
        <RevokeApiKeysOption id="everywhere-revoke-api-keys" count={props.apiKeys.count()} />
        <Show when={failure()}>
          {(code) => (
            <p class="alert" role="alert">
              {describeCode(code())}
            </p>
          )}
        </Show>
        <div class="form-actions">
          <button type="button" class="button" onClick={() => props.onClose()}>
            {t("common.cancel")}
          </button>
          <button type="submit" class="button button--danger" disabled={busy()}>
            {t("auth.signOutEverywhere")}
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
