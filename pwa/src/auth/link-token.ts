import { type Accessor, createSignal, onCleanup } from "solid-js";

// A link the app is opened with can carry a token (an invitation's, a password reset's): in the fragment
// (`#invitation=<token>`, which never reaches a server, a log or a Referer header) or, for links made
// before that, in the query (`?invitation=<token>`). It stays in the address until it has served, so a
// reload or a second try still has it.

const fragmentParameters = (hash: string) => new URLSearchParams(hash.replace(/^#/, ""));

/** The token named `parameter` in the address the app was opened with, if any. */
export function tokenInUrl(parameter: string): string | null {
  const address = globalThis.location;
  const token =
    fragmentParameters(address?.hash ?? "").get(parameter) ??
    new URLSearchParams(address?.search ?? "").get(parameter);
  return token?.trim() || null;
}

/** Takes the token out of the address once it has served. */
export function forgetTokenInUrl(parameter: string): void {
  const url = new URL(location.href);
  const fragment = fragmentParameters(url.hash);
  if (!url.searchParams.has(parameter) && !fragment.has(parameter)) return;
  url.searchParams.delete(parameter);
  fragment.delete(parameter);
  const hash = fragment.size > 0 ? `#${fragment}` : "";
  history.replaceState(history.state, "", `${url.pathname}${url.search}${hash}`);
}

/** The token in the address, followed also when only the fragment changes (a link opened in the open app). */
export function watchTokenInUrl(parameter: string): Accessor<string | null> {
  const [token, setToken] = createSignal(tokenInUrl(parameter));
  const onHashChange = () => setToken(tokenInUrl(parameter));
  window.addEventListener("hashchange", onHashChange);
  onCleanup(() => window.removeEventListener("hashchange", onHashChange));
  return token;
}
