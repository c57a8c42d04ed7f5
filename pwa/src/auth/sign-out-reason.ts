import type { ApiKeyOutcome } from "../api-keys/api-key-outcome";
import { readJson, removeKey, writeJson } from "../ui/storage";
import type { EndReason } from "./session";

// Why the last session ended, and what signing out everywhere did, carried across the reload that
// follows a sign-out to the sign-in screen, which says so. Written just before that reload, taken once
// when the next page loads: the sign-in screen the ending session shows for a moment before the
// reload must not use them up.
const REASON_KEY = "xqt5.signOutReason";
const EVERYWHERE_KEY = "xqt5.signedOutEverywhere";

function take<T>(key: string): T | null {
  const value = readJson<T | null>(key, null, "session");
  removeKey(key, "session");
  return value;
}

let reasonOfLastPage = take<EndReason>(REASON_KEY);
let everywhereOfLastPage = take<Partial<ApiKeyOutcome>>(EVERYWHERE_KEY);

export function rememberSignOutReason(reason: EndReason): void {
  writeJson(REASON_KEY, reason, "session");
}

/** Why the session of the previous page ended, once. */
export function readSignOutReason(): EndReason | null {
  const reason = reasonOfLastPage;
  reasonOfLastPage = null;
  return reason === "expired" || reason === "signedOut" ? reason : null;
}

export function rememberSignedOutEverywhere(apiKeys: ApiKeyOutcome): void {
  writeJson(EVERYWHERE_KEY, apiKeys, "session");
}

/** What signing out everywhere on the previous page did to the API keys, once; null if it did not. */
export function readSignedOutEverywhere(): ApiKeyOutcome | null {
  const stored = everywhereOfLastPage;
  everywhereOfLastPage = null;
  if (!stored) return null;
  return { revoked: stored.revoked === true, count: typeof stored.count === "number" ? stored.count : null };
}
