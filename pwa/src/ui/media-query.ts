import { type Accessor, createSignal, onCleanup } from "solid-js";

/** Whether a CSS media query matches, kept up to date. */
export function createMediaQuery(query: string): Accessor<boolean> {
  const list = globalThis.matchMedia?.(query);
  const [matches, setMatches] = createSignal(list?.matches ?? false);
  const update = (event: MediaQueryListEvent) => setMatches(event.matches);
  list?.addEventListener("change", update);
  onCleanup(() => list?.removeEventListener("change", update));
  return matches;
}
