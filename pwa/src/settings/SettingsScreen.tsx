import { A } from "@solidjs/router";
import { createSignal, type JSX } from "solid-js";
import { createActiveApiKeyCount } from "../api-keys/active-api-keys";
import { session } from "../auth/session";
import { signOut } from "../auth/sign-out";
import { t } from "../i18n/i18n";
import { OrganizationCard } from "../organizations/OrganizationCard";
import { ChoiceField } from "../ui/ChoiceField";
import { UsageSummary } from "../usage/UsageSummary";
import { ChangePasswordForm } from "./ChangePasswordForm";
import { preferences, updatePreferences } from "./preferences";
import { SignOutEverywhereDialog } from "./SignOutEverywhereDialog";

/** Language, theme, account (password, sign-out), organisation and this month's usage. Loaded lazily. */
export default function SettingsScreen(): JSX.Element {
  const apiKeys = createActiveApiKeyCount();
  const [askingEverywhere, setAskingEverywhere] = createSignal(false);
  return (
    <div class="page">
      <h1 class="page-title">{t("settings.title")}</h1>
      <section class="card" aria-labelledby="appearance-heading">
        <h2 id="appearance-heading" class="card-header">
          {t("settings.appearance")}
        </h2>
        <div class="card-body stack">
          <ChoiceField
            id="language"
            label={t("settings.language")}
            value={preferences().language}
            choices={[
              { value: "system", label: t("settings.languageSystem") },
              { value: "de", label: "Deutsch", lang: "de" },
              { value: "en", label: "English", lang: "en" },
            ]}
            onChange={(language) => updatePreferences({ language })}
          />
          <ChoiceField
            id="theme"
            label={t("settings.theme")}
            value={preferences().theme}
            choices={[
              { value: "system", label: t("settings.themeSystem") },
              { value: "light", label: t("settings.themeLight") },
              { value: "dark", label: t("settings.themeDark") },
            ]}
            onChange={(theme) => updatePreferences({ theme })}
          />
        </div>
      </section>
      <section class="card" aria-labelledby="account-heading">
        <h2 id="account-heading" class="card-header">
          {t("settings.account")}
        </h2>
        <div class="card-body stack">
          <p>{t("settings.signedInAs", { name: session.user()?.username ?? "" })}</p>
          <ChangePasswordForm apiKeys={apiKeys} />
          <div class="form-actions">
            <button type="button" class="button" onClick={() => void signOut()}>
              {t("auth.signOut")}
            </button>
            <button
              type="button"
              class="button button--danger"
              onClick={() => {
                apiKeys.refresh();
                setAskingEverywhere(true);
              }}
            >
              {t("auth.signOutEverywhere")}
            </button>
          </div>
          <SignOutEverywhereDialog
            open={askingEverywhere()}
            apiKeys={apiKeys}
            onClose={() => setAskingEverywhere(false)}
          />
        </div>
      </section>
      <OrganizationCard />
      <section class="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading" class="card-header">
          {t("settings.usage")}
        </h2>
        <div class="card-body stack">
          <UsageSummary />
          <A href="/usage">{t("usage.details")}</A>
        </div>
      </section>
    </div>
  );
}
