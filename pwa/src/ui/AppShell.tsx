import { A, type RouteSectionProps } from "@solidjs/router";
import { createSignal, type JSX, lazy, onCleanup, onMount, Show } from "solid-js";
import { InvitationWhileSignedIn } from "../auth/InvitationWhileSignedIn";
import { session } from "../auth/session";
import { Sidebar } from "../chats/Sidebar";
import { t } from "../i18n/i18n";
import { OfflineBanner } from "../offline/OfflineBanner";
import { IconButton } from "./IconButton";
import { createMediaQuery } from "./media-query";
import { whenIdle } from "./when-idle";

// Not needed for the first screen: loaded once it is done.
const NotificationBell = lazy(() => import("../notifications/NotificationBell"));

/** Header, sidebar (a drawer on phones, always open from 1024 px) and the routed screen. */
export function AppShell(props: RouteSectionProps): JSX.Element {
  const [drawerOpen, setDrawerOpen] = createSignal(false);
  // On phones the hidden drawer's list is loaded once the first screen is done (or when it opens), so it
  // does not compete with the conversation — but is still cached for reading offline.
  const [drawerReady, setDrawerReady] = createSignal(false);
  const wide = createMediaQuery("(min-width: 1024px)");
  // The screen goes in a task after the frame around it: two short tasks keep a slow phone responsive
  // where one long one would block it.
  const [screenReady, setScreenReady] = createSignal(false);
  onMount(() => setTimeout(() => setScreenReady(true)));
  onMount(() => whenIdle(() => setDrawerReady(true)));
  let menuButton: HTMLButtonElement | undefined;

  const openDrawer = () => {
    setDrawerOpen(true);
    setDrawerReady(true);
    queueMicrotask(() => document.getElementById("chat-search")?.focus());
  };
  // Dismissed (Escape, backdrop, close button): focus goes back to the menu button. After choosing a
  // chat or a page, it moves to the new content.
  const closeDrawer = (dismissed = true) => {
    if (!drawerOpen()) return;
    setDrawerOpen(false);
    if (dismissed) menuButton?.focus();
    else document.getElementById("main")?.focus({ preventScroll: true });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && drawerOpen()) closeDrawer();
  };
  onMount(() => document.addEventListener("keydown", onKeyDown));
  onCleanup(() => document.removeEventListener("keydown", onKeyDown));

  return (
    <div class="app">
      <button type="button" class="skip-link button" onClick={() => document.getElementById("main")?.focus()}>
        {t("app.skipToContent")}
      </button>
      <header class="app-header">
        <IconButton
          ref={menuButton}
          icon="menu"
          class="on-dark menu-button"
          label={t("nav.openChats")}
          aria-expanded={drawerOpen()}
          aria-controls="sidebar"
          onClick={openDrawer}
        />
        <A href="/" class="app-title">
          XQT5 <span class="brand-accent">AI</span>
        </A>
        <A href="/settings" class="app-user" title={t("nav.settings")}>
          <span class="app-user-name">{session.user()?.username}</span>
          <Show when={session.user()?.organization.name}>
            {(organization) => <span class="app-user-organization">{organization()}</span>}
          </Show>
        </A>
        <Show when={drawerReady()}>
          <NotificationBell />
        </Show>
      </header>
      <OfflineBanner />
      <div class="app-body">
        <Show when={drawerOpen()}>
          <div class="drawer-backdrop" aria-hidden="true" onClick={() => closeDrawer()} />
        </Show>
        <Sidebar
          open={drawerOpen()}
          active={wide() || drawerReady()}
          visible={wide() || drawerOpen()}
          onClose={() => closeDrawer()}
          onNavigate={() => closeDrawer(false)}
        />
        <main id="main" class="app-main" tabindex="-1">
          <InvitationWhileSignedIn />
          <Show when={screenReady()}>{props.children}</Show>
        </main>
      </div>
    </div>
  );
}
