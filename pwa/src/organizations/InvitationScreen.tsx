import { createQuery } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import { session } from "../auth/session";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { mayInvite } from "./access";
import "./organizations.css";
import { type Invitation, InvitationForm } from "./InvitationForm";
import { InvitationLink } from "./InvitationLink";
import { InvitationList } from "./InvitationList";
import { InvitationsQuery } from "./operations";

/** "Invite people" for an organisation's admins: a new invitation's link, and the invitations so far. Lazy. */
export default function InvitationScreen(): JSX.Element {
  return (
    <div class="page">
      <h1 class="page-title">{t("invitations.title")}</h1>
      <Show
        when={mayInvite(session.user())}
        fallback={
          <p class="alert" role="alert">
            {t("invitations.onlyAdmins")}
          </p>
        }
      >
        <Invitations />
      </Show>
    </div>
  );
}

function Invitations(): JSX.Element {
  const [invitations] = createQuery({ query: InvitationsQuery });
  // The invitation just created, with its link (shown this once), until the next one.
  const [created, setCreated] = createSignal<Invitation | null>(null);
  return (
    <>
      <section class="card" aria-labelledby="new-invitation-heading">
        <h2 id="new-invitation-heading" class="card-header">
          {t("invitations.new")}
        </h2>
        <div class="card-body stack">
          <p>{t("invitations.intro", { organization: session.user()?.organization.name ?? "" })}</p>
          <Show when={created()} fallback={<InvitationForm id="invitation" onCreated={setCreated} />}>
            {(invitation) => (
              <>
                <InvitationLink id="invitation-link" invitation={invitation()} />
                <div class="form-actions">
                  <button type="button" class="button" onClick={() => setCreated(null)}>
                    {t("invitations.another")}
                  </button>
                </div>
              </>
            )}
          </Show>
        </div>
      </section>
      <section class="card" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading" class="card-header">
          {t("invitations.list")}
        </h2>
        <div class="card-body stack">
          <Show when={invitations.error}>
            <p class="alert" role="alert">
              {describeError(invitations.error)}
            </p>
          </Show>
          <InvitationList invitations={invitations.data?.invitations ?? []} />
        </div>
      </section>
    </>
  );
}
