import type { EndReason } from "./session";

// Why the last session ended, carried across the reload that follows a sign-out.
const KEY = "xqt5.signOutReason";

export function rememberSignOutReason(reason: EndReason): void {
  sessionStorage.setItem(KEY, reason);
}

export function readSignOutReason(): EndReason | null {
  const reason = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  return reason === "expired" || reason === "signedOut" ? reason : null;
}
