import type { CombinedError } from "@urql/core";
import { useClient } from "@urql/solid";
import { createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import type { TemplateFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { Form, FormActions } from "../ui/Form";
import { RenderTemplateQuery } from "./operations";

/** One field per template variable (text, or a choice); the server fills them in. */
export function TemplateFillForm(props: {
  template: TemplateFieldsFragment;
  onInsert: (text: string) => void;
  onCancel: () => void;
}): JSX.Element {
  const client = useClient();
  const [error, setError] = createSignal<CombinedError>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const values = Object.fromEntries(
      props.template.variables.map((variable) => [variable.name, String(data.get(variable.name) ?? "")]),
    );
    setBusy(true);
    const result = await client
      .query(
        RenderTemplateQuery,
        { id: props.template.id, values, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    setBusy(false);
    if (result.data) props.onInsert(result.data.renderTemplate);
    else setError(result.error);
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <Show when={props.template.description}>
        <p class="metadata">{props.template.description}</p>
      </Show>
      <For each={props.template.variables}>
        {(variable, index) => (
          <div class="field">
            <label for={`variable-${index()}`}>{variable.name}</label>
            <Switch>
              <Match when={variable.kind === "CHOICE"}>
                <select id={`variable-${index()}`} name={variable.name} class="select" required>
                  <For each={variable.options}>{(option) => <option value={option}>{option}</option>}</For>
                </select>
              </Match>
              <Match when={variable.kind === "TEXT"}>
                <input id={`variable-${index()}`} name={variable.name} class="input" required />
              </Match>
            </Switch>
          </div>
        )}
      </For>
      <FormActions
        error={error()}
        busy={busy()}
        submitLabel={t("templates.insert")}
        onCancel={props.onCancel}
      />
    </Form>
  );
}
