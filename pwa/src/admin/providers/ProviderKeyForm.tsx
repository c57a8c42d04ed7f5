import { createMutation } from "@urql/solid";
import { type JSX, Show } from "solid-js";
import { fieldErrors } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { Form, FormActions, formText } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { SetProviderKeyMutation } from "./operations";
import { baseUrlRequired, keyRequired, type ProviderConnection, parseDeployments } from "./provider-status";

/**
 * A provider's key (never shown again, so never filled in), its address, and Azure's deployments. Saving
 * replaces what the database had; the environment's key stays as it is.
 */
export function ProviderKeyForm(props: {
  id: string;
  connection: ProviderConnection;
  onDone: (saved: boolean) => void;
}): JSX.Element {
  const [saved, save] = createMutation(SetProviderKeyMutation);
  const errors = () => fieldErrors(saved.error);
  const provider = () => props.connection.provider;
  // A stored key stays when the field is left empty (the address or deployments change alone).
  const keyNeeded = () => keyRequired(provider()) && !props.connection.keyHint;

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const result = await save({
      provider: provider(),
      input: {
        apiKey: text("apiKey") || null,
        baseUrl: text("baseUrl") || null,
        ...(provider() === "azure" ? { deployments: parseDeployments(text("deployments")) } : {}),
      },
    });
    if (result.data) {
      form.reset();
      props.onDone(true);
    }
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <FormField
        id={`${props.id}-key`}
        name="apiKey"
        type="password"
        autocomplete="new-password"
        label={keyNeeded() ? t("admin.providers.apiKey") : t("admin.providers.apiKeyOptional")}
        required={keyNeeded()}
        hint={
          props.connection.keyHint
            ? t("admin.providers.apiKeyReplaces", { hint: props.connection.keyHint })
            : t("admin.providers.apiKeyHint")
        }
        error={errors().apiKey}
      />
      <FormField
        id={`${props.id}-url`}
        name="baseUrl"
        type="url"
        autocomplete="off"
        label={t("admin.providers.baseUrl")}
        value={props.connection.baseUrl ?? ""}
        required={baseUrlRequired(provider())}
        hint={baseUrlRequired(provider()) ? undefined : t("admin.providers.baseUrlHint")}
        error={errors().baseUrl}
      />
      <Show when={provider() === "azure"}>
        <FormField
          id={`${props.id}-deployments`}
          name="deployments"
          autocomplete="off"
          label={t("admin.providers.deployments")}
          value={props.connection.deployments.join(", ")}
          hint={t("admin.providers.deploymentsHint")}
          error={errors().deployments}
        />
      </Show>
      <FormActions
        error={errors().apiKey || errors().baseUrl || errors().deployments ? undefined : saved.error}
        busy={saved.fetching}
        submitLabel={t("admin.providers.saveKey")}
        onCancel={() => props.onDone(false)}
      />
    </Form>
  );
}
