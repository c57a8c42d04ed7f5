import { createMutation } from "@urql/solid";
import { createSignal, type JSX, Show } from "solid-js";
import type { OrganizationFieldsFragment } from "../gql/graphql";
import { fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form, FormActions, formText } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { CreateOrganizationMutation, UpdateOrganizationMutation } from "./operations";
import { suggestSlug } from "./slug";

/**
 * A new organisation (name, and a short name suggested from it until edited), or a new name for one:
 * the short name stays as it was created.
 */
export function OrganizationForm(props: {
  organization: OrganizationFieldsFragment | null;
  onDone: (organization: OrganizationFieldsFragment | null) => void;
}): JSX.Element {
  const [created, create] = createMutation(CreateOrganizationMutation);
  const [updated, update] = createMutation(UpdateOrganizationMutation);
  const [slug, setSlug] = createSignal("");
  const [slugEdited, setSlugEdited] = createSignal(false);
  const error = () => created.error ?? updated.error;
  const errors = () => fieldErrors(error());

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    if (props.organization) {
      const result = await update({ id: props.organization.id, input: { name: text("name") } });
      if (result.data) props.onDone(result.data.updateOrganization);
      return;
    }
    const result = await create({ input: { name: text("name"), slug: text("slug") } });
    if (result.data) props.onDone(result.data.createOrganization);
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id="organization-name"
        name="name"
        label={t("organizations.name")}
        value={props.organization?.name}
        required
        maxLength={100}
        error={errors().name}
        onInput={(name) => {
          if (!slugEdited()) setSlug(suggestSlug(name));
        }}
      />
      <Show when={!props.organization}>
        <FormField
          id="organization-slug"
          name="slug"
          label={t("organizations.slug")}
          value={slug()}
          required
          maxLength={48}
          autocomplete="off"
          hint={t("organizations.slugHint")}
          error={errors().slug}
          onInput={(value) => {
            setSlugEdited(value !== "");
            setSlug(value);
          }}
        />
      </Show>
      <FormActions
        error={errors().name || errors().slug ? undefined : error()}
        busy={created.fetching || updated.fetching}
        submitLabel={props.organization ? t("common.save") : t("common.create")}
        onCancel={() => props.onDone(null)}
      />
    </Form>
  );
}
