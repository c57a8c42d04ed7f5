import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import { describeError, fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { ResetPasswordMutation } from "./operations";

const reasons = ["unknown", "used", "expired", "inactive"] as const;
type Reason = (typeof reasons)[number];

/**
 * Opened through a password reset link an admin made: a new password for the link's account (which
 * ends every session of it). `onDone` drops the link; the sign-in screen follows. Lazy.
 */
export default function ResetPasswordScreen(props: { token: string; onDone: () => void }): JSX.Element {
  const [reset, runReset] = createMutation(ResetPasswordMutation);
  const [changed, setChanged] = createSignal(false);
  const errors = () => fieldErrors(reset.error);
  // Why the link was refused, in the user's language (the API's words are English).
  const problem = () => {
    const reason = reset.error?.graphQLErrors[0]?.extensions?.reason;
    if (reasons.includes(reason as Reason)) return t(`auth.reset.${reason as Reason}`);
    return errors().newPassword ? "" : describeError(reset.error);
  };

  const submit = async (form: HTMLFormElement) => {
    const newPassword = String(new FormData(form).get("newPassword") ?? "");
    const result = await runReset({ token: props.token, newPassword });
    if (result.data?.resetPassword) setChanged(true);
  };

  return (
    <main class="login" id="main">
      <div class="login-card card">
        <div class="card-header login-header">
          <span class="login-brand">
            XQT5 <span class="brand-accent">AI</span>
          </span>
          <p class="login-tagline">{t("auth.tagline")}</p>
        </div>
        <div class="card-body login-form">
          <h1 class="section-heading">{t("auth.reset.title")}</h1>
          <Show
            when={!changed()}
            fallback={
              <>
                <p class="notice" role="status">
                  {t("auth.reset.done")}
                </p>
                <button type="button" class="button button--primary" onClick={() => props.onDone()}>
                  {t("auth.signIn")}
                </button>
              </>
            }
          >
            <Form class="login-form" onSubmit={(form) => void submit(form)}>
              <p>{t("auth.reset.intro")}</p>
              <FormField
                required
                id="new-password"
                name="newPassword"
                label={t("settings.newPassword")}
                type="password"
                autocomplete="new-password"
                hint={t("auth.passwordHint")}
                error={errors().newPassword}
              />
              <Show when={problem()}>
                <p class="alert" role="alert">
                  {problem()}
                </p>
              </Show>
              <button type="submit" class="button button--primary" disabled={reset.fetching}>
                {t("auth.reset.submit")}
              </button>
              <button type="button" class="button button--ghost" onClick={() => props.onDone()}>
                {t("auth.reset.toSignIn")}
              </button>
            </Form>
          </Show>
        </div>
      </div>
    </main>
  );
}
