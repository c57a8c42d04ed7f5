import { useRegisterSW } from "virtual:pwa-register/solid";
import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";

// Checks for a new service worker every hour while the app is open.
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Registers the service worker and offers "new version available — reload" when one is waiting. */
export function UpdatePrompt(): JSX.Element {
  // Reload only when the person asked for it: a worker can also take over when site data was cleared
  // while the app was open, and that must not throw away what is on the screen.
  let reloadRequested = false;
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration) setInterval(() => void registration.update(), UPDATE_CHECK_MS);
    },
    onNeedReload() {
      if (reloadRequested) location.reload();
    },
  });
  return (
    <div role="status" class="toast-region">
      <Show when={needRefresh()}>
        <div class="toast card">
          <span>{t("offline.updateAvailable")}</span>
          <button
            type="button"
            class="button button--primary"
            onClick={() => {
              reloadRequested = true;
              // workbox-window reports the takeover only to pages its worker controlled when they loaded;
              // on the first visit (the worker took control later) the reload is ours to do.
              navigator.serviceWorker?.addEventListener("controllerchange", () => location.reload(), {
                once: true,
              });
              void updateServiceWorker(true);
            }}
          >
            {t("offline.reload")}
          </button>
          <button type="button" class="button" onClick={() => setNeedRefresh(false)}>
            {t("offline.later")}
          </button>
        </div>
      </Show>
    </div>
  );
}
