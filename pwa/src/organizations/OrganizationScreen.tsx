import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { session } from "../auth/session";
import type { OrganizationFieldsFragment } from "../gql/graphql";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { ConfirmDialog, Dialog } from "../ui/Dialog";
import { formatDateTime } from "../ui/format";
import { Icon } from "../ui/icons";
import { mayManageOrganizations } from "./access";
import "./organizations.css";
import { InviteAdmin } from "./InviteAdmin";
import { OrganizationForm } from "./OrganizationForm";
import { OrganizationsQuery, UpdateOrganizationMutation } from "./operations";

type Organization = OrganizationFieldsFragment;
type Editing = { kind: "create" } | { kind: "rename" | "invite"; organization: Organization };

/** The platform's organisations, for its operators: create, rename, (de)activate, invite an admin. Lazy. */
export default function OrganizationScreen(): JSX.Element {
  return (
    <Show
      when={mayManageOrganizations(session.user())}
      fallback={
        <div class="page">
          <h1 class="page-title">{t("organizations.title")}</h1>
          <p class="alert" role="alert">
            {t("organizations.onlyOperators")}
          </p>
        </div>
      }
    >
      <Organizations />
    </Show>
  );
}

const members = (count: number) =>
  count === 1 ? t("organizations.membersOne") : t("organizations.membersMany", { count });

function Organizations(): JSX.Element {
  const [organizations] = createQuery({ query: OrganizationsQuery });
  const [updated, update] = createMutation(UpdateOrganizationMutation);
  const [editing, setEditing] = createSignal<Editing | null>(null);
  const [switching, setSwitching] = createSignal<Organization | null>(null);
  const ownOrganization = () => session.user()?.organization.id;
  const close = () => setEditing(null);

  const dialogTitle = () => {
    const current = editing();
    if (!current) return "";
    if (current.kind === "create") return t("organizations.new");
    const name = current.organization.name;
    return current.kind === "rename"
      ? t("organizations.renameTitle", { name })
      : t("organizations.inviteAdminTitle", { name });
  };

  const confirmSwitch = () => {
    const organization = switching();
    setSwitching(null);
    if (organization) void update({ id: organization.id, input: { isActive: !organization.isActive } });
  };

  return (
    <div class="page">
      <div class="section-row">
        <h1 class="page-title">{t("organizations.title")}</h1>
        <button type="button" class="button button--primary" onClick={() => setEditing({ kind: "create" })}>
          <Icon name="plus" />
          {t("organizations.new")}
        </button>
      </div>
      <Show when={organizations.error ?? updated.error}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <Show
        when={(organizations.data?.organizations.length ?? 0) > 0}
        fallback={
          <p class="metadata">{organizations.fetching ? t("app.loading") : t("organizations.empty")}</p>
        }
      >
        <ul class="manager-list">
          <For each={organizations.data?.organizations}>
            {(organization) => (
              <li class="card manager-item">
                <div class="manager-item-text">
                  <h2 class="card-subheading">{organization.name}</h2>
                  <p class="metadata">
                    <span class={organization.isActive ? "badge badge--ok" : "badge badge--off"}>
                      {organization.isActive ? t("organizations.active") : t("organizations.inactive")}
                    </span>{" "}
                    <Show when={organization.id === ownOrganization()}>
                      <span class="badge">{t("organizations.yours")}</span>{" "}
                    </Show>
                    {organization.slug} · {members(organization.memberCount)} ·{" "}
                    {t("organizations.created", { date: formatDateTime(organization.createdAt) })}
                  </p>
                </div>
                <div class="form-actions">
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`${t("organizations.rename")}: ${organization.name}`}
                    onClick={() => setEditing({ kind: "rename", organization })}
                  >
                    {t("organizations.rename")}
                  </button>
                  <Show when={organization.isActive}>
                    <InviteAdminButton
                      organization={organization}
                      onClick={() => setEditing({ kind: "invite", organization })}
                    />
                  </Show>
                  {/* The API refuses to switch off the operator's own organisation. */}
                  <Show when={organization.id !== ownOrganization()}>
                    <button
                      type="button"
                      class="button button--small"
                      aria-label={`${switchLabel(organization)}: ${organization.name}`}
                      disabled={updated.fetching}
                      onClick={() => setSwitching(organization)}
                    >
                      {switchLabel(organization)}
                    </button>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Dialog open={editing() !== null} title={dialogTitle()} onClose={close}>
        <Show when={editing()} keyed>
          {(current) =>
            current.kind === "invite" ? (
              <InviteAdmin organization={current.organization} onDone={close} />
            ) : (
              <OrganizationForm
                organization={current.kind === "rename" ? current.organization : null}
                onDone={(organization) =>
                  // A new organisation has nobody yet: its first admin is the next step.
                  current.kind === "create" && organization
                    ? setEditing({ kind: "invite", organization })
                    : close()
                }
              />
            )
          }
        </Show>
      </Dialog>
      <ConfirmDialog
        open={switching() !== null}
        title={switching() ? switchLabel(switching() as Organization) : ""}
        message={
          switching()?.isActive
            ? t("organizations.confirmDeactivate", { name: switching()?.name ?? "" })
            : t("organizations.confirmReactivate", { name: switching()?.name ?? "" })
        }
        confirmLabel={switching() ? switchLabel(switching() as Organization) : ""}
        tone={switching()?.isActive === false ? "primary" : "danger"}
        onConfirm={confirmSwitch}
        onClose={() => setSwitching(null)}
      />
    </div>
  );
}

const switchLabel = (organization: Organization) =>
  organization.isActive ? t("organizations.deactivate") : t("organizations.reactivate");

function InviteAdminButton(props: { organization: Organization; onClick: () => void }): JSX.Element {
  const label = () =>
    props.organization.memberCount === 0
      ? t("organizations.inviteFirstAdmin")
      : t("organizations.inviteAdmin");
  return (
    <button
      type="button"
      class="button button--small"
      aria-label={`${label()}: ${props.organization.name}`}
      onClick={() => props.onClick()}
    >
      {label()}
    </button>
  );
}
