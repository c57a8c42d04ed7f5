import { createSignal } from "solid-js";

// Whether the browser believes it is online, and one hook for "the app is back" (network or visibility).

const [online, setOnline] = createSignal(globalThis.navigator?.onLine ?? true);

export { online };

globalThis.addEventListener?.("online", () => setOnline(true));
globalThis.addEventListener?.("offline", () => setOnline(false));

/** Calls `listener` when the network returns or the page becomes visible again. */
export function onAppResumed(listener: () => void): () => void {
  const whenVisible = () => {
    if (document.visibilityState === "visible") listener();
  };
  globalThis.addEventListener("online", listener);
  document.addEventListener("visibilitychange", whenVisible);
  return () => {
    globalThis.removeEventListener("online", listener);
    document.removeEventListener("visibilitychange", whenVisible);
  };
}
