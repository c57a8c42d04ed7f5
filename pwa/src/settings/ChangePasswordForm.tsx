import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import type { createActiveApiKeyCount } from "../api-keys/active-api-keys";
import { type ApiKeyOutcome, describeApiKeyOutcome } from "../api-keys/api-key-outcome";
import { RevokeApiKeysOption, revokesApiKeys } from "../api-keys/RevokeApiKeysOption";
import { ChangePasswordMutation } from "../auth/operations";
import { describeError, fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form } from "../ui/Form";
import { FormField } from "../ui/FormField";

/** A new password; the server signs out the other devices, and revokes the API keys unless told not to. */
export function ChangePasswordForm(props: {
  apiKeys: ReturnType<typeof createActiveApiKeyCount>;
}): JSX.Element {
  const [state, changePassword] = createMutation(ChangePasswordMutation);
  const [done, setDone] = createSignal<ApiKeyOutcome>();
  const errors = () => fieldErrors(state.error);

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const apiKeys = { revoked: revokesApiKeys(form), count: props.apiKeys.count() ?? null };
    setDone(undefined);
    const result = await changePassword({
      input: {
        currentPassword: String(data.get("currentPassword") ?? ""),
        newPassword: String(data.get("newPassword") ?? ""),
        revokeApiKeys: apiKeys.revoked,
      },
    });
    if (result.data?.changePassword) {
      form.reset();
      setDone(apiKeys);
      props.apiKeys.refresh();
    }
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <h3 class="card-subheading">{t("settings.changePassword")}</h3>
      <FormField
        id="current-password"
        name="currentPassword"
        type="password"
        label={t("settings.currentPassword")}
        autocomplete="current-password"
        required
        error={errors().currentPassword}
      />
      <FormField
        id="new-password"
        name="newPassword"
        type="password"
        label={t("settings.newPassword")}
        autocomplete="new-password"
        required
        hint={t("auth.passwordHint")}
        error={errors().newPassword}
      />
      <RevokeApiKeysOption id="password-revoke-api-keys" count={props.apiKeys.count()} />
      <Show when={state.error && !errors().currentPassword && !errors().newPassword}>
        <p class="alert" role="alert">
          {describeError(state.error)}
        </p>
      </Show>
      {/* Present before it has something to say, so that screen readers announce what it says. */}
      <p role="status">
        {done()
          ? `${t("settings.passwordChanged")} ${describeApiKeyOutcome(done() as ApiKeyOutcome)}`.trim()
          : ""}
      </p>
      <button type="submit" class="button button--primary" disabled={state.fetching}>
        {t("settings.changePassword")}
      </button>
    </Form>
  );
}
