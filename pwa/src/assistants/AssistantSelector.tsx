import { A } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import type { AssistantFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { AssistantsQuery } from "./operations";

export type AssistantChoice = Pick<AssistantFieldsFragment, "id" | "name" | "model" | "temperature">;

/** The assistants as a grid of toggle buttons; choosing one again (or "no assistant") clears it. */
export function AssistantSelector(props: {
  selected: string | null;
  onSelect: (choice: AssistantChoice | null) => void;
}): JSX.Element {
  const [assistants] = createQuery({ query: AssistantsQuery });
  const list = () => assistants.data?.assistants ?? [];
  return (
    <Show when={list().length > 0}>
      <section class="assistant-picker" aria-labelledby="assistant-picker-heading">
        <div class="section-row">
          <h2 id="assistant-picker-heading" class="section-heading">
            {t("assistants.choose")}
          </h2>
          <A href="/assistants" class="metadata">
            {t("assistants.manage")}
          </A>
        </div>
        <ul class="assistant-grid">
          <li>
            <button
              type="button"
              class="assistant-card"
              aria-pressed={props.selected === null}
              onClick={() => props.onSelect(null)}
            >
              <span class="assistant-icon" aria-hidden="true">
                💬
              </span>
              <span class="assistant-name">{t("assistants.none")}</span>
            </button>
          </li>
          <For each={list()}>
            {(assistant) => (
              <li>
                <button
                  type="button"
                  class="assistant-card"
                  aria-pressed={props.selected === assistant.id}
                  onClick={() => props.onSelect(props.selected === assistant.id ? null : assistant)}
                >
                  <span class="assistant-icon" aria-hidden="true">
                    {assistant.icon}
                  </span>
                  <span class="assistant-name">{assistant.name}</span>
                  <Show when={assistant.description}>
                    <span class="assistant-description">{assistant.description}</span>
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
