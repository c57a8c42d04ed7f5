import { render } from "solid-js/web";
import "./ui/theme.css";
import "./ui/layout.css";
import { App } from "./App";
import { session } from "./auth/session";
import { rememberSignOutReason } from "./auth/sign-out-reason";
import { cacheStorage } from "./graphql/client";
import { outbox, streams } from "./messages/chat-actions";
import { onAppResumed } from "./offline/network";

// When a session ends, nothing of it may stay on the device: cache, outbox, and the in-memory state
// (hence the reload). Never reload when there was no session to begin with.
session.onEnd(async (reason, hadUser) => {
  outbox.clear();
  await cacheStorage.clear();
  if (hadUser) {
    rememberSignOutReason(reason);
    location.reload();
  }
});

// Coming back (network, or the app in front again): answers continue, waiting messages go out.
onAppResumed(() => {
  streams.resubscribeAll();
  if (session.isSignedIn()) void outbox.flush();
});

void session.resume().then(() => {
  if (session.isSignedIn()) void outbox.flush();
});

const root = document.getElementById("root") as HTMLElement;
root.textContent = "";
render(() => <App />, root);
