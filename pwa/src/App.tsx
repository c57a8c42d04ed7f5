import { Navigate, Route, Router } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { createEffect, type JSX, lazy, Match, Switch } from "solid-js";
import { LoginScreen } from "./auth/LoginScreen";
import { session } from "./auth/session";
import { client } from "./graphql/client";
import { locale, t } from "./i18n/i18n";
import { ChatArea } from "./messages/ChatArea";
import { Welcome } from "./messages/Welcome";
import { UpdatePrompt } from "./offline/UpdatePrompt";
import { syncTheme } from "./settings/preferences";
import { AppShell } from "./ui/AppShell";

const SettingsScreen = lazy(() => import("./settings/SettingsScreen"));
const AssistantManager = lazy(() => import("./assistants/AssistantManager"));
const TemplateManager = lazy(() => import("./templates/TemplateManager"));
const InvitationScreen = lazy(() => import("./organizations/InvitationScreen"));
const OrganizationScreen = lazy(() => import("./organizations/OrganizationScreen"));

export function App(): JSX.Element {
  syncTheme();
  createEffect(() => {
    document.documentElement.lang = locale();
  });

  return (
    <Provider value={client}>
      <Switch>
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
            <Route path="/assistants" component={AssistantManager} />
            <Route path="/templates" component={TemplateManager} />
            <Route path="/invitations" component={InvitationScreen} />
            <Route path="/organizations" component={OrganizationScreen} />
            <Route path="*" component={() => <Navigate href="/" />} />
          </Router>
        </Match>
      </Switch>
      <UpdatePrompt />
    </Provider>
  );
}
