import { Navigate, Route, Router } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { createEffect, createSignal, type JSX, lazy, Match, Switch } from "solid-js";
import { LoginScreen } from "./auth/LoginScreen";
import { forgetTokenInUrl, watchTokenInUrl } from "./auth/link-token";
import { session } from "./auth/session";
import { client } from "./graphql/client";
import { locale, t } from "./i18n/i18n";
import { ChatArea } from "./messages/ChatArea";
import { Welcome } from "./messages/Welcome";
import { UpdatePrompt } from "./offline/UpdatePrompt";
import { syncTheme } from "./settings/preferences";
import { AppShell } from "./ui/AppShell";

const ResetPasswordScreen = lazy(() => import("./auth/ResetPasswordScreen"));
const SettingsScreen = lazy(() => import("./settings/SettingsScreen"));
const AssistantManager = lazy(() => import("./assistants/AssistantManager"));
const TemplateManager = lazy(() => import("./templates/TemplateManager"));
const DocumentLibrary = lazy(() => import("./documents/DocumentLibrary"));
const InvitationScreen = lazy(() => import("./organizations/InvitationScreen"));
const OrganizationScreen = lazy(() => import("./organizations/OrganizationScreen"));
const AdminArea = lazy(() => import("./admin/AdminArea"));
const PeopleScreen = lazy(() => import("./admin/people/PeopleScreen"));
const GroupsScreen = lazy(() => import("./admin/groups/GroupsScreen"));
const ModelsScreen = lazy(() => import("./admin/models/ModelsScreen"));
const ProvidersScreen = lazy(() => import("./admin/providers/ProvidersScreen"));
const OrganizationSettingsScreen = lazy(() => import("./admin/settings/OrganizationSettingsScreen"));
const AnalyticsScreen = lazy(() => import("./admin/analytics/AnalyticsScreen"));
const AuditLogScreen = lazy(() => import("./admin/audit/AuditLogScreen"));
const BudgetsScreen = lazy(() => import("./admin/budgets/BudgetsScreen"));
const MyUsageScreen = lazy(() => import("./usage/MyUsageScreen"));

// A password reset link an admin made: `#reset=<token>` (or `?reset=`).
const RESET_PARAMETER = "reset";

export function App(): JSX.Element {
  syncTheme();
  const resetToken = watchTokenInUrl(RESET_PARAMETER);
  // The token that served (or that the person turned away from): taken out of the address, not shown again.
  const [resetDismissed, setResetDismissed] = createSignal<string | null>(null);
  const pendingReset = () => {
    const token = resetToken();
    return token !== resetDismissed() ? token : null;
  };
  createEffect(() => {
    document.documentElement.lang = locale();
  });

  return (
    <Provider value={client}>
      <Switch>
        <Match when={pendingReset()}>
          {(token) => (
            <ResetPasswordScreen
              token={token()}
              onDone={() => {
                forgetTokenInUrl(RESET_PARAMETER);
                setResetDismissed(token());
              }}
            />
          )}
        </Match>
        <Match when={session.status() === "restoring"}>
          <p class="splash" role="status">
            {t("app.loading")}
          </p>
        </Match>
        <Match when={session.status() === "signedOut"}>
          <LoginScreen />
        </Match>
        <Match when={session.status() === "signedIn"}>
          <Router root={AppShell}>
            <Route path="/" component={Welcome} />
            <Route path="/chats/:id" component={ChatArea} />
            <Route path="/settings" component={SettingsScreen} />
            <Route path="/usage" component={MyUsageScreen} />
            <Route path="/assistants" component={AssistantManager} />
            <Route path="/templates" component={TemplateManager} />
            <Route path="/documents" component={DocumentLibrary} />
            <Route path="/invitations" component={InvitationScreen} />
            <Route path="/organizations" component={OrganizationScreen} />
            <Route path="/admin" component={AdminArea}>
              <Route path="/" component={() => <Navigate href="/admin/people" />} />
              <Route path="/people" component={PeopleScreen} />
              <Route path="/groups" component={GroupsScreen} />
              <Route path="/models" component={ModelsScreen} />
              <Route path="/providers" component={ProvidersScreen} />
              <Route path="/budgets" component={BudgetsScreen} />
              <Route path="/analytics" component={AnalyticsScreen} />
              <Route path="/audit" component={AuditLogScreen} />
              <Route path="/settings" component={OrganizationSettingsScreen} />
            </Route>
            <Route path="*" component={() => <Navigate href="/" />} />
          </Router>
        </Match>
      </Switch>
      <UpdatePrompt />
    </Provider>
  );
}
