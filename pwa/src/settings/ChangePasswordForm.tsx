import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import { ChangePasswordMutation } from "../auth/documents";
import { describeError, fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form } from "../ui/Form";
import { FormField } from "../ui/FormField";

export function ChangePasswordForm(): JSX.Element {
  const [state, changePassword] = createMutation(ChangePasswordMutation);
  const [done, setDone] = createSignal(false);
  const errors = () => fieldErrors(state.error);

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    setDone(false);
    const result = await changePassword({
      input: {
        currentPassword: String(data.get("currentPassword") ?? ""),
        newPassword: String(data.get("newPassword") ?? ""),
      },
    });
    if (result.data?.changePassword) {
      form.reset();
      setDone(true);
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
      <Show when={state.error && !errors().currentPassword && !errors().newPassword}>
        <p class="alert" role="alert">
          {describeError(state.error)}
        </p>
      </Show>
      <Show when={done()}>
        <p role="status">{t("settings.passwordChanged")}</p>
      </Show>
      <button type="submit" class="button button--primary" disabled={state.fetching}>
        {t("settings.changePassword")}
      </button>
    </Form>
  );
}
