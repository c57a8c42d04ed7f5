import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import { describeApiKeyOutcome } from "../api-keys/api-key-outcome";
import { describeError, fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { createInvitation, forgetInvitationInUrl, watchInvitationToken } from "./invitation-link";
import { LoginMutation, RegisterMutation } from "./operations";
import { session } from "./session";
import { readSignedOutEverywhere, readSignOutReason } from "./sign-out-reason";

type Mode = "signIn" | "register";

/** What the sign-in screen says about the session that has just ended, if anything. */
function signOutNotice(): string {
  const everywhere = readSignedOutEverywhere();
  const reason = readSignOutReason();
  if (everywhere) return `${t("auth.signedOutEverywhere")} ${describeApiKeyOutcome(everywhere)}`.trim();
  return reason === "expired" ? t("auth.sessionExpired") : "";
}

/**
 * Sign in or register. Opened through an invitation link, it registers into the invitation's
 * organisation (or says why the link cannot be used, above the sign-in form).
 */
export function LoginScreen(): JSX.Element {
  const invitation = createInvitation(watchInvitationToken());
  const [chosenMode, setMode] = createSignal<Mode>();
  // Until the person chooses, an invitation link that can be used opens registration.
  const mode = (): Mode =>
    chosenMode() ?? (invitation.token() && !invitation.problem() ? "register" : "signIn");
  const [notice, setNotice] = createSignal(signOutNotice());
  const [error, setError] = createSignal("");
  const [fields, setFields] = createSignal<Record<string, string>>({});
  const [login, runLogin] = createMutation(LoginMutation);
  const [register, runRegister] = createMutation(RegisterMutation);
  const busy = () => login.fetching || register.fetching || invitation.checking();

  const submit = async (form: HTMLFormElement) => {
    const value = (name: string) => String(new FormData(form).get(name) ?? "");
    setError("");
    setNotice("");
    setMode(mode());
    const result =
      mode() === "signIn"
        ? await runLogin({ input: { login: value("login"), password: value("password") } })
        : await runRegister({
            input: {
              username: value("username"),
              email: value("email"),
              password: value("password"),
              // A link known to be unusable is not sent: registering is then the open kind.
              invitationToken: invitation.problem() ? null : invitation.token(),
            },
          });
    const grant = result.data && ("login" in result.data ? result.data.login : result.data.register);
    if (grant) {
      forgetInvitationInUrl();
      session.start(grant);
      return;
    }
    const errors = fieldErrors(result.error);
    // The invitation was used, withdrawn or expired meanwhile: the notice above says so again.
    if (errors.invitationToken) invitation.recheck();
    setFields(errors);
    setError(describeError(result.error));
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
        <Form class="card-body login-form" onSubmit={(form) => void submit(form)}>
          <h1 class="section-heading">
            {mode() === "signIn" ? t("auth.signInTitle") : t("auth.registerTitle")}
          </h1>
          <Show when={notice()}>
            <p class="alert" role="status">
              {notice()}
            </p>
          </Show>
          <Show when={invitation.checking()}>
            <p role="status">{t("auth.checkingInvitation")}</p>
          </Show>
          <Show when={invitation.problem()}>
            <p class="alert" role="alert">
              {invitation.problem()}
            </p>
          </Show>
          <Show when={mode() === "register" && invitation.usable()}>
            {(invited) => (
              <p class="notice" role="status">
                {t(invited().role === "ADMIN" ? "auth.invitedAdmin" : "auth.invitedMember", {
                  organization: invited().organizationName,
                })}
              </p>
            )}
          </Show>
          <Show
            when={mode() === "register"}
            fallback={
              <FormField
                required
                id="login"
                label={t("auth.login")}
                autocomplete="username"
                error={fields().login}
              />
            }
          >
            <FormField
              required
              id="username"
              label={t("auth.username")}
              autocomplete="username"
              error={fields().username}
            />
            <FormField
              required
              id="email"
              label={t("auth.email")}
              type="email"
              autocomplete="email"
              value={invitation.usable()?.email}
              readOnly={invitation.usable() !== undefined}
              hint={invitation.usable() ? t("auth.invitationEmailHint") : undefined}
              error={fields().email}
            />
          </Show>
          <FormField
            required
            id="password"
            label={t("auth.password")}
            type="password"
            autocomplete={mode() === "signIn" ? "current-password" : "new-password"}
            hint={mode() === "register" ? t("auth.passwordHint") : undefined}
            error={fields().password}
          />
          <Show when={error()}>
            <p class="alert" role="alert">
              {error()}
            </p>
          </Show>
          <button type="submit" class="button button--primary" disabled={busy()}>
            {mode() === "signIn" ? t("auth.signIn") : t("auth.register")}
          </button>
          <button
            type="button"
            class="button button--ghost"
            onClick={() => {
              setMode(mode() === "signIn" ? "register" : "signIn");
              setError("");
              setFields({});
            }}
          >
            {mode() === "signIn" ? t("auth.toRegister") : t("auth.toSignIn")}
          </button>
        </Form>
      </div>
    </main>
  );
}
