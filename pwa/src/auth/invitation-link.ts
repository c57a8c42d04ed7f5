import { createQuery } from "@urql/solid";
import { type Accessor, createSignal, onCleanup } from "solid-js";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { InvitationPreviewQuery } from "./documents";

// An invitation link is the app's address with `#invitation=<token>` (a fragment: it never reaches a
// server, a log or a Referer header); links sent before that have `?invitation=<token>` and still work.
// The token stays in the address until the account exists, so a reload or a second try still has it.
const PARAMETER = "invitation";

const fragmentParameters = (hash: string) => new URLSearchParams(hash.replace(/^#/, ""));

/** The token of the invitation link the app was opened with, if any. */
export function invitationTokenInUrl(): string | null {
  const address = globalThis.location;
  const token =
    fragmentParameters(address?.hash ?? "").get(PARAMETER) ??
    new URLSearchParams(address?.search ?? "").get(PARAMETER);
  return token?.trim() || null;
}

/** Takes the token out of the address once it has served. */
export function forgetInvitationInUrl(): void {
  const url = new URL(location.href);
  const fragment = fragmentParameters(url.hash);
  if (!url.searchParams.has(PARAMETER) && !fragment.has(PARAMETER)) return;
  url.searchParams.delete(PARAMETER);
  fragment.delete(PARAMETER);
  const hash = fragment.size > 0 ? `#${fragment}` : "";
  history.replaceState(history.state, "", `${url.pathname}${url.search}${hash}`);
}

/** The token in the address, followed also when only the fragment changes (a link opened in the open app). */
export function watchInvitationToken(): Accessor<string | null> {
  const [token, setToken] = createSignal(invitationTokenInUrl());
  const onHashChange = () => setToken(invitationTokenInUrl());
  window.addEventListener("hashchange", onHashChange);
  onCleanup(() => window.removeEventListener("hashchange", onHashChange));
  return token;
}

/** What the link stands for, asked of the server (no sign-in needed), and whether it can be used. */
export function createInvitation(token: Accessor<string | null>) {
  const [preview, recheck] = createQuery({
    query: InvitationPreviewQuery,
    variables: () => ({ token: token() ?? "" }),
    pause: () => token() === null,
    requestPolicy: "network-only",
  });
  const checked = () => token() !== null && (preview.data !== undefined || preview.error !== undefined);
  return {
    token,
    checking: () => token() !== null && !checked(),
    /** Email, organisation and role of a link that can be used; undefined otherwise. */
    usable: () => {
      const invitation = preview.data?.invitationPreview;
      return invitation?.status === "VALID" ? invitation : undefined;
    },
    /** Why the link cannot be used, as a sentence; "" when it can, or is not checked yet. */
    problem: (): string => {
      if (!checked()) return "";
      if (preview.error) return t("auth.invitationUnchecked", { reason: describeError(preview.error) });
      const status = preview.data?.invitationPreview?.status ?? "UNKNOWN";
      return status === "VALID" ? "" : t(`auth.invitation.${status}`);
    },
    recheck: () => recheck({ requestPolicy: "network-only" }),
  };
}
