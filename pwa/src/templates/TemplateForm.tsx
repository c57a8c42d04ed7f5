import { createMutation } from "@urql/solid";
import type { JSX } from "solid-js";
import { GlobalCheckbox, globalInput } from "../auth/GlobalCheckbox";
import type { TemplateFieldsFragment } from "../gql/graphql";
import { fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { Form, FormActions, formText } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { CreateTemplateMutation, UpdateTemplateMutation } from "./operations";

/** Create or edit a prompt template; "global" only for admins. */
export function TemplateForm(props: {
  template: TemplateFieldsFragment | null;
  onDone: () => void;
}): JSX.Element {
  const [created, create] = createMutation(CreateTemplateMutation);
  const [updated, update] = createMutation(UpdateTemplateMutation);
  const error = () => created.error ?? updated.error;
  const errors = () => fieldErrors(error());

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const input = {
      name: text("name"),
      description: text("description"),
      category: text("category") || undefined,
      content: text("content"),
      ...globalInput(form),
    };
    const result = props.template ? await update({ id: props.template.id, input }) : await create({ input });
    if (!result.error) props.onDone();
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id="name"
        label={t("templates.name")}
        value={props.template?.name}
        required
        error={errors().name}
      />
      <FormField id="description" label={t("templates.description")} value={props.template?.description} />
      <FormField
        id="category"
        label={t("templates.category")}
        value={props.template?.category ?? "general"}
      />
      <FormField
        id="content"
        label={t("templates.content")}
        value={props.template?.content}
        rows={6}
        required
        hint="{{topic}} · {{tone:formal|casual}} · {{current_date}}"
        error={errors().content}
      />
      <GlobalCheckbox label={t("templates.isGlobal")} checked={props.template?.isGlobal ?? false} />
      <FormActions
        error={error()}
        busy={created.fetching || updated.fetching}
        submitLabel={props.template ? t("common.save") : t("common.create")}
        onCancel={props.onDone}
      />
    </Form>
  );
}
