import { createMutation } from "@urql/solid";
import { For, type JSX } from "solid-js";
import { GlobalCheckbox, globalInput } from "../auth/GlobalCheckbox";
import type { AssistantFieldsFragment } from "../gql/graphql";
import { fieldErrors } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { createModels } from "../models/models";
import { Form, FormActions, formText } from "../ui/Form";
import { FormField } from "../ui/FormField";
import { CreateAssistantMutation, UpdateAssistantMutation } from "./operations";

/** Create or edit an assistant; "global" only for admins. */
export function AssistantForm(props: {
  assistant: AssistantFieldsFragment | null;
  onDone: () => void;
}): JSX.Element {
  const models = createModels();
  const [created, create] = createMutation(CreateAssistantMutation);
  const [updated, update] = createMutation(UpdateAssistantMutation);
  const error = () => created.error ?? updated.error;
  const errors = () => fieldErrors(error());

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const temperature = text("temperature");
    const input = {
      name: text("name"),
      description: text("description"),
      systemPrompt: text("systemPrompt"),
      model: text("model") || null,
      temperature: temperature === "" ? null : Number(temperature),
      ...globalInput(form),
    };
    const result = props.assistant
      ? await update({ id: props.assistant.id, input: { ...input, icon: text("icon") || null } })
      : await create({ input: { ...input, icon: text("icon") || undefined } });
    if (!result.error) props.onDone();
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id="name"
        label={t("assistants.name")}
        value={props.assistant?.name}
        required
        error={errors().name}
      />
      <FormField id="icon" label={t("assistants.icon")} value={props.assistant?.icon ?? "🤖"} maxLength={8} />
      <FormField id="description" label={t("assistants.description")} value={props.assistant?.description} />
      <FormField
        id="systemPrompt"
        label={t("assistants.systemPrompt")}
        value={props.assistant?.systemPrompt}
        rows={5}
        required
        error={errors().systemPrompt}
      />
      <div class="field">
        <label for="assistant-model">{t("assistants.model")}</label>
        <select id="assistant-model" name="model" class="select">
          <option value="">{t("assistants.modelDefault")}</option>
          <For each={models.list().filter((model) => model.available)}>
            {(model) => (
              <option value={model.id} selected={model.id === props.assistant?.model}>
                {model.name}
              </option>
            )}
          </For>
        </select>
      </div>
      <FormField
        id="temperature"
        label={t("assistants.temperature")}
        type="number"
        min={0}
        max={2}
        step={0.1}
        value={props.assistant?.temperature?.toString()}
        hint={t("models.temperatureHint")}
      />
      <GlobalCheckbox label={t("assistants.isGlobal")} checked={props.assistant?.isGlobal ?? false} />
      <FormActions
        error={error()}
        busy={created.fetching || updated.fetching}
        submitLabel={props.assistant ? t("common.save") : t("common.create")}
        onCancel={props.onDone}
      />
    </Form>
  );
}
