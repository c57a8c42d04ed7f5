import { createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { TemplateFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { IconButton } from "../ui/IconButton";
import { TemplatesQuery } from "./operations";
import { TemplateFillForm } from "./TemplateFillForm";

/** Inserts a prompt template into the composer, asking for its variables first. */
export function TemplatePicker(props: { onInsert: (text: string) => void }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [chosen, setChosen] = createSignal<TemplateFieldsFragment | null>(null);
  const [templates] = createQuery({ query: TemplatesQuery, pause: () => !open() });
  const close = () => {
    setOpen(false);
    setChosen(null);
  };
  const insert = (text: string) => {
    close();
    props.onInsert(text);
  };

  return (
    <>
      <IconButton
        icon="template"
        label={t("templates.pick")}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      />
      <Dialog
        open={open()}
        title={chosen() ? t("templates.fillTitle", { name: chosen()?.name ?? "" }) : t("templates.pick")}
        onClose={close}
      >
        <Show
          when={chosen()}
          fallback={
            <Show
              when={(templates.data?.templates.length ?? 0) > 0}
              fallback={
                <p class="metadata">{templates.fetching ? t("app.loading") : t("templates.empty")}</p>
              }
            >
              <ul class="template-list">
                <For each={templates.data?.templates}>
                  {(template) => (
                    <li>
                      <button
                        type="button"
                        class="template-option"
                        onClick={() =>
                          // Built-ins such as {{current_date}} are filled by the server too.
                          template.content.includes("{{") ? setChosen(template) : insert(template.content)
                        }
                      >
                        <span class="template-name">{template.name}</span>
                        <span class="metadata">{template.description || template.category}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          }
        >
          {(template) => (
            <TemplateFillForm template={template()} onInsert={insert} onCancel={() => setChosen(null)} />
          )}
        </Show>
      </Dialog>
    </>
  );
}
