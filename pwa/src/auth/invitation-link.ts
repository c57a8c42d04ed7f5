import { createQuery } from "@urql/solid";
import type { Accessor } from "solid-js";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { forgetTokenInUrl, tokenInUrl, watchTokenInUrl } from "./link-token";
import { InvitationPreviewQuery } from "./operations";

// An invitation link is the app's address with `#invitation=<token>` (link-token.ts).
const PARAMETER = "invitation";

/** The token of the invitation link the app was opened with, if any. */
export const invitationTokenInUrl = (): string | null => tokenInUrl(PARAMETER);

/** Takes the token out of the address once it has served. */
export const forgetInvitationInUrl = (): void => forgetTokenInUrl(PARAMETER);

/** The invitation token in the address, followed also when only the fragment changes. */
export const watchInvitationToken = (): Accessor<string | null> => watchTokenInUrl(PARAMETER);

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
