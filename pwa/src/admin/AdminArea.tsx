import { A, type RouteSectionProps } from "@solidjs/router";
import { For, type JSX, Show } from "solid-js";
import { session } from "../auth/session";
import { t } from "../i18n/i18n";
import { mayAdminister } from "../organizations/access";
import "./admin.css";
import "./i18n/admin-strings";

const sections = [
  { href: "/admin/people", label: "admin.people.title" },
  { href: "/admin/groups", label: "admin.groups.title" },
  { href: "/admin/models", label: "admin.models.title" },
  { href: "/admin/providers", label: "admin.providers.title" },
  { href: "/admin/budgets", label: "admin.budgets.title" },
  { href: "/admin/analytics", label: "admin.analytics.title" },
  { href: "/admin/audit", label: "admin.audit.title" },
  { href: "/admin/settings", label: "admin.settings.tab" },
] as const;

/** The organisation's administration, for its admins: a bar of its sections above the one open. Lazy. */
export default function AdminArea(props: RouteSectionProps): JSX.Element {
  return (
    <div class="page admin">
      <h1 class="page-title">{t("admin.title")}</h1>
      <Show
        when={mayAdminister(session.user())}
        fallback={
          <p class="alert" role="alert">
            {t("admin.onlyAdmins")}
          </p>
        }
      >
        <nav class="admin-sections" aria-label={t("admin.sections")}>
          <ul>
            <For each={sections}>
              {(section) => (
                <li>
                  <A href={section.href} class="admin-section-link">
                    {t(section.label)}
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        {props.children}
      </Show>
    </div>
  );
}
