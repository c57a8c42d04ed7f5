import { A } from "@solidjs/router";
import { type JSX, Show } from "solid-js";
import { session } from "../auth/session";
import { t } from "../i18n/i18n";
import { Icon } from "../ui/icons";
import { mayInvite, mayManageOrganizations } from "./access";

/** The user's organisation and role, in the settings; with the screens of admins and operators. */
export function OrganizationCard(): JSX.Element {
  const user = () => session.user();
  return (
    <section class="card" aria-labelledby="organization-heading">
      <h2 id="organization-heading" class="card-header">
        {t("settings.organization")}
      </h2>
      <div class="card-body stack">
        <dl class="organization-facts">
          <div>
            <dt>{t("settings.organization")}</dt>
            <dd>{user()?.organization.name}</dd>
          </div>
          <div>
            <dt>{t("settings.role")}</dt>
            <dd>
              {t(`organizations.roles.${user()?.role ?? "MEMBER"}`)}
              <Show when={user()?.isPlatformAdmin}>
                {" "}
                <span class="badge">{t("organizations.platformAdmin")}</span>
              </Show>
            </dd>
          </div>
        </dl>
        <Show when={mayInvite(user()) || mayManageOrganizations(user())}>
          <div class="form-actions">
            <Show when={mayInvite(user())}>
              <A href="/invitations" class="button">
                <Icon name="invite" />
                {t("nav.invitations")}
              </A>
            </Show>
            <Show when={mayManageOrganizations(user())}>
              <A href="/organizations" class="button">
                <Icon name="organization" />
                {t("nav.organizations")}
              </A>
            </Show>
          </div>
        </Show>
      </div>
    </section>
  );
}
