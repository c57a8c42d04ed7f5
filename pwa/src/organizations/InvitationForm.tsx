import { createMutation } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import type { CreateInvitationMutation as CreatedInvitation, OrganizationRole } from "../gql/graphql";
import { describeError, fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form, formText } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { CreateInvitationMutation } from "./operations";

export type Invitation = CreatedInvitation["createInvitation"];

const roles: readonly OrganizationRole[] = ["MEMBER", "ADMIN"];

/**
 * Invites someone by e-mail. Into the user's own organisation with a role of their choice, or (platform
 * operators) into `organizationId` with the given `invitedRole`.
 */
export function InvitationForm(props: {
  id: string;
  organizationId?: string;
  invitedRole?: OrganizationRole;
  onCreated: (invitation: Invitation) => void;
  onCancel?: () => void;
}): JSX.Element {
  const [created, create] = createMutation(CreateInvitationMutation);
  const errors = () => fieldErrors(created.error);

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const result = await create({
      input: {
        email: text("email"),
        role: props.invitedRole ?? (text("role") as OrganizationRole),
        organizationId: props.organizationId,
      },
    });
    if (result.data) props.onCreated(result.data.createInvitation);
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id={`${props.id}-email`}
        name="email"
        label={t("invitations.email")}
        type="email"
        autocomplete="off"
        required
        error={errors().email}
      />
      <Show when={!props.invitedRole}>
        <div class="field">
          <label for={`${props.id}-role`}>{t("invitations.role")}</label>
          <select id={`${props.id}-role`} name="role" class="select">
            <For each={roles}>
              {(role) => <option value={role}>{t(`organizations.roles.${role}`)}</option>}
            </For>
          </select>
        </div>
      </Show>
      <Show when={created.error && !errors().email}>
        <p class="alert" role="alert">
          {describeError(created.error)}
        </p>
      </Show>
      <div class="form-actions">
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" onClick={() => cancel()()}>
              {t("common.cancel")}
            </button>
          )}
        </Show>
        <button type="submit" class="button button--primary" disabled={created.fetching}>
          {t("invitations.create")}
        </button>
      </div>
    </Form>
  );
}
