import { createSignal, type JSX, Show } from "solid-js";
import type { OrganizationFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { type Invitation, InvitationForm } from "./InvitationForm";
import { InvitationLink } from "./InvitationLink";

/** A platform operator invites an admin into an organisation (its first one, usually), then sees the link. */
export function InviteAdmin(props: {
  organization: OrganizationFieldsFragment;
  onDone: () => void;
}): JSX.Element {
  const [created, setCreated] = createSignal<Invitation | null>(null);
  return (
    <Show
      when={created()}
      fallback={
        <div class="stack">
          <p>{t("organizations.inviteAdminText", { name: props.organization.name })}</p>
          <InvitationForm
            id="admin-invitation"
            organizationId={props.organization.id}
            invitedRole="ADMIN"
            onCreated={setCreated}
            onCancel={props.onDone}
          />
        </div>
      }
    >
      {(invitation) => (
        <div class="stack">
          <InvitationLink id="admin-invitation-link" invitation={invitation()} />
          <div class="form-actions">
            <button type="button" class="button button--primary" onClick={() => props.onDone()}>
              {t("common.done")}
            </button>
          </div>
        </div>
      )}
    </Show>
  );
}
