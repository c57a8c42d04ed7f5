import type { JSX } from "solid-js";
import { t } from "../i18n/i18n";
import { formatDateTime } from "../ui/format";
import { OneTimeLink } from "../ui/OneTimeLink";

/** A new invitation's link, shown this once. */
export function InvitationLink(props: {
  id: string;
  invitation: { email: string; expiresAt: string; url?: string | null };
}): JSX.Element {
  return (
    <OneTimeLink
      id={props.id}
      label={t("invitations.linkLabel")}
      intro={t("invitations.linkFor", {
        email: props.invitation.email,
        date: formatDateTime(props.invitation.expiresAt),
      })}
      url={props.invitation.url ?? ""}
    />
  );
}
