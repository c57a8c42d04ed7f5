import { createQuery } from "@urql/solid";
import { createSignal, type JSX, lazy, onCleanup, onMount, Show, Suspense } from "solid-js";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { Icon } from "../ui/icons";
import { refreshNotifications } from "./notification-poll";
import { UnreadNotificationsQuery } from "./operations";

const NotificationList = lazy(() => import("./NotificationList"));
const POLL_MS = 60_000;

/** The header's bell: how many notifications are unread; opens them (and marks them read). Lazy. */
export default function NotificationBell(): JSX.Element {
  const [unread] = createQuery({ query: UnreadNotificationsQuery });
  const [open, setOpen] = createSignal(false);
  const count = () => unread.data?.notifications.length ?? 0;

  // Modest polling: each minute while the app is seen, and when it gets the focus back.
  onMount(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") refreshNotifications();
    }, POLL_MS);
    window.addEventListener("focus", refreshNotifications);
    onCleanup(() => {
      clearInterval(timer);
      window.removeEventListener("focus", refreshNotifications);
    });
  });

  return (
    <>
      <button
        type="button"
        class="button button--icon button--ghost on-dark notification-bell"
        aria-label={count() > 0 ? t("notifications.unread", { count: count() }) : t("notifications.title")}
        title={t("notifications.title")}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <Icon name="bell" />
        <Show when={count() > 0}>
          <span class="notification-count" aria-hidden="true">
            {count() > 9 ? "9+" : count()}
          </span>
        </Show>
      </button>
      <Dialog open={open()} title={t("notifications.title")} onClose={() => setOpen(false)}>
        <Show when={open()}>
          <Suspense fallback={<p class="metadata">{t("app.loading")}</p>}>
            <NotificationList />
          </Suspense>
        </Show>
      </Dialog>
    </>
  );
}
