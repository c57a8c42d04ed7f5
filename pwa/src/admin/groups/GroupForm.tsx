import { createMutation } from "@urql/solid";
import type { JSX } from "solid-js";
import type { GroupFieldsFragment } from "../../gql/graphql";
import { fieldErrors } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { Form, FormActions, formText } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { CreateGroupMutation, UpdateGroupMutation } from "./operations";

/** A new group, or a group's new name and description. */
export function GroupForm(props: { group: GroupFieldsFragment | null; onDone: () => void }): JSX.Element {
  const [created, create] = createMutation(CreateGroupMutation);
  const [updated, update] = createMutation(UpdateGroupMutation);
  const error = () => created.error ?? updated.error;
  const errors = () => fieldErrors(error());

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const input = { name: text("name"), description: text("description") };
    const result = props.group ? await update({ id: props.group.id, input }) : await create({ input });
    if (result.data) props.onDone();
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id="group-name"
        name="name"
        label={t("admin.groups.name")}
        value={props.group?.name}
        required
        maxLength={100}
        autocomplete="off"
        error={errors().name}
      />
      <FormField
        id="group-description"
        name="description"
        label={t("admin.groups.description")}
        value={props.group?.description}
        rows={2}
        maxLength={500}
        error={errors().description}
      />
      <FormActions
        error={errors().name || errors().description ? undefined : error()}
        busy={created.fetching || updated.fetching}
        submitLabel={props.group ? t("common.save") : t("common.create")}
        onCancel={props.onDone}
      />
    </Form>
  );
}
