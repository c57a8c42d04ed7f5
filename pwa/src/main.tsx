import { createEffect, createRoot, on } from "solid-js";
import { render } from "solid-js/web";
import "./ui/theme.css";
import "./ui/layout.css";
import { App } from "./App";
import { session } from "./auth/session";
import { rememberSignOutReason } from "./auth/sign-out-reason";
import { cacheStorage } from "./graphql/client";
import { outbox, streams } from "./messages/chat-actions";
import { onAppResumed } from "./offline/network";

// When a session ends, nothing of it may stay on the device: cache and in-memory state (hence the
// reload) — and, after signing out, the outbox. A session that merely expired keeps its waiting
// messages: they go out when the same person signs in again (another person's sign-in drops them).
session.onEnd(async (reason, hadUser) => {
  if (reason !== "expired") await outbox.clear();
  await cacheStorage.clear();
  if (hadUser) {
    rememberSignOutReason(reason);
    location.reload();
  }
});

/** Sends what the signed-in person left waiting (and drops what someone else left). */
function sendWaitingMessages(userId: string | undefined): void {
  if (!userId) return;
  void outbox.keepOnly(userId).then(() => outbox.flush());
}
// After a sign-in (the start is handled below, once the session is resumed).
createRoot(() => createEffect(on(() => session.user()?.id, sendWaitingMessages, { defer: true })));

// Coming back (network, or the app in front again): answers continue, waiting messages go out.
onAppResumed(() => {
  streams.resubscribeAll();
  if (session.isSignedIn()) void outbox.flush();
});

void session.resume().then(() => {
  if (session.isSignedIn()) sendWaitingMessages(session.user()?.id);
});

const root = document.getElementById("root") as HTMLElement;
root.textContent = "";
render(() => <App />, root);
