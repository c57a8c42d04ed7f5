import { createMutation } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { session } from "../auth/session";
import type { InvitationFieldsFragment, InvitationStatus } from "../gql/graphql";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { ConfirmDialog } from "../ui/Dialog";
import { formatDateTime } from "../ui/format";
import { RevokeInvitationMutation } from "./operations";

const statusBadge: Record<InvitationStatus, string> = {
  VALID: "badge badge--ok",
  USED: "badge",
  EXPIRED: "badge",
  REVOKED: "badge badge--off",
  ORGANIZATION_INACTIVE: "badge badge--off",
};

/** Invitations, newest first: whom, which role, their state and expiry; valid ones can be revoked. */
export function InvitationList(props: { invitations: readonly InvitationFieldsFragment[] }): JSX.Element {
  const [revoked, revoke] = createMutation(RevokeInvitationMutation);
  const [revoking, setRevoking] = createSignal<InvitationFieldsFragment | null>(null);
  const ownOrganization = () => session.user()?.organization.id;

  const confirmRevoke = () => {
    const invitation = revoking();
    setRevoking(null);
    if (invitation) void revoke({ id: invitation.id });
  };

  return (
    <>
      <Show when={revoked.error}>
        <p class="alert" role="alert">
          {describeError(revoked.error)}
        </p>
      </Show>
      <Show when={props.invitations.length > 0} fallback={<p class="metadata">{t("invitations.empty")}</p>}>
        <ul class="manager-list invitation-list">
          <For each={props.invitations}>
            {(invitation) => (
              <li class="manager-item invitation-item">
                <div class="manager-item-text">
                  <h3 class="card-subheading invitation-email">{invitation.email}</h3>
                  <p class="metadata">
                    <span class={statusBadge[invitation.status]}>
                      {t(`invitations.status.${invitation.status}`)}
                    </span>{" "}
                    <span class="badge">{t(`organizations.roles.${invitation.role}`)}</span>{" "}
                    <Show when={invitation.organization.id !== ownOrganization()}>
                      {t("invitations.into", { organization: invitation.organization.name })} ·{" "}
                    </Show>
                    {invitation.status === "VALID"
                      ? t("invitations.expires", { date: formatDateTime(invitation.expiresAt) })
                      : t("invitations.created", { date: formatDateTime(invitation.createdAt) })}
                  </p>
                </div>
                <Show when={invitation.status === "VALID"}>
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`${t("invitations.revoke")}: ${invitation.email}`}
                    disabled={revoked.fetching}
                    onClick={() => setRevoking(invitation)}
                  >
                    {t("invitations.revoke")}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ConfirmDialog
        open={revoking() !== null}
        title={t("invitations.revokeTitle")}
        message={t("invitations.confirmRevoke", { email: revoking()?.email ?? "" })}
        confirmLabel={t("invitations.revoke")}
        onConfirm={confirmRevoke}
        onClose={() => setRevoking(null)}
      />
    </>
  );
}
