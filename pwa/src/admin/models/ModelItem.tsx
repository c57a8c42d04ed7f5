import { createMutation } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { UpdateModelConfigInput } from "../../gql/graphql";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { Form, formText } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { ModelPriceEditor } from "./ModelPriceEditor";
import { describePrice, type ModelConfig } from "./model-list";
import { UpdateModelConfigMutation } from "./operations";

export interface GroupChoice {
  id: string;
  name: string;
}

/** An element id made of a model id ("openai/gpt-4.1" → "model-openai-gpt-4-1"). */
const elementId = (modelId: string) => `model-${modelId.replace(/[^\w-]+/g, "-")}`;

/**
 * One model: switched on or off at once; its details (name, position, default, free, who may use it,
 * price) open below it.
 */
export function ModelItem(props: { model: ModelConfig; groups: readonly GroupChoice[] }): JSX.Element {
  const [updated, update] = createMutation(UpdateModelConfigMutation);
  const [open, setOpen] = createSignal(false);
  const id = () => elementId(props.model.modelId);
  const change = (input: UpdateModelConfigInput) => update({ modelId: props.model.modelId, input });
  const allowed = () => new Set(props.model.allowedGroups.map((group) => group.id));

  // A refused change (no price yet) leaves the box as the model is.
  const changeBox = async (box: HTMLInputElement, input: UpdateModelConfigInput, now: () => boolean) => {
    const result = await change(input);
    if (result.error) box.checked = now();
  };

  const toggleGroup = (groupId: string, checked: boolean) => {
    const ids = new Set(allowed());
    if (checked) ids.add(groupId);
    else ids.delete(groupId);
    void change({ allowedGroupIds: [...ids] });
  };

  const saveNameAndOrder = (form: HTMLFormElement) => {
    const text = formText(form);
    const sortOrder = Number.parseInt(text("sortOrder"), 10);
    void change({
      displayName: text("displayName") || null,
      ...(Number.isFinite(sortOrder) ? { sortOrder } : {}),
    });
  };

  return (
    <li class="model-item">
      <div class="model-row">
        <button
          type="button"
          role="switch"
          class="switch"
          aria-checked={props.model.enabled}
          aria-label={`${t("admin.models.enabled")}: ${props.model.displayName}`}
          disabled={updated.fetching}
          onClick={() => void change({ enabled: !props.model.enabled })}
        />
        <div class="model-row-text">
          <h4 class="card-subheading">{props.model.displayName}</h4>
          <p class="metadata">
            <code>{props.model.modelId}</code>
            <Show when={props.model.isDefault}>
              {" "}
              <span class="badge badge--ok">{t("admin.models.default")}</span>
            </Show>
            <Show when={!props.model.enabled}>
              {" "}
              <span class="badge badge--off">{t("admin.models.off")}</span>
            </Show>
            <Show when={props.model.source === "DISCOVERED"}>
              {" "}
              <span class="badge">{t("admin.models.discovered")}</span>
            </Show>
            <Show when={props.model.allowedGroups.length > 0}>
              {" "}
              <span class="badge">
                {t("admin.models.onlyFor", {
                  groups: props.model.allowedGroups.map((group) => group.name).join(", "),
                })}
              </span>
            </Show>
          </p>
          <p class="metadata">{describePrice(props.model.price, props.model.isFree)}</p>
        </div>
        <button
          type="button"
          class="button button--small"
          aria-expanded={open()}
          aria-controls={`${id()}-details`}
          aria-label={`${t("admin.models.details")}: ${props.model.displayName}`}
          onClick={() => setOpen(!open())}
        >
          {t("admin.models.details")}
        </button>
      </div>
      <Show when={updated.error}>
        <p class="alert" role="alert">
          {describeError(updated.error)}
        </p>
      </Show>
      <Show when={open()}>
        <div id={`${id()}-details`} class="model-details stack">
          <Form class="stack" onSubmit={saveNameAndOrder}>
            <div class="model-name-fields">
              <FormField
                id={`${id()}-name`}
                name="displayName"
                label={t("admin.models.displayName")}
                value={props.model.displayName}
                maxLength={100}
                autocomplete="off"
                hint={t("admin.models.displayNameHint")}
              />
              <FormField
                id={`${id()}-order`}
                name="sortOrder"
                label={t("admin.models.sortOrder")}
                type="number"
                step={1}
                value={String(props.model.sortOrder)}
                hint={t("admin.models.sortOrderHint")}
              />
            </div>
            <div class="form-actions">
              <button type="submit" class="button" disabled={updated.fetching}>
                {t("common.save")}
              </button>
            </div>
          </Form>
          <div class="model-options">
            <Show
              when={props.model.isDefault}
              fallback={
                <button
                  type="button"
                  class="button"
                  disabled={!props.model.enabled || updated.fetching}
                  aria-describedby={props.model.enabled ? undefined : `${id()}-default-hint`}
                  onClick={() => void change({ isDefault: true })}
                >
                  {t("admin.models.makeDefault")}
                </button>
              }
            >
              <p>{t("admin.models.isDefault")}</p>
            </Show>
            <Show when={!props.model.enabled && !props.model.isDefault}>
              <span id={`${id()}-default-hint`} class="metadata">
                {t("admin.models.defaultNeedsEnabled")}
              </span>
            </Show>
            <label class="checkbox">
              <input
                type="checkbox"
                checked={props.model.isFree}
                disabled={updated.fetching}
                onChange={(event) =>
                  void changeBox(
                    event.currentTarget,
                    { isFree: event.currentTarget.checked },
                    () => props.model.isFree,
                  )
                }
              />
              {t("admin.models.isFree")}
            </label>
          </div>
          <fieldset class="fieldset">
            <legend>{t("admin.models.access")}</legend>
            <p class="metadata">
              {props.groups.length > 0 ? t("admin.models.accessHint") : t("admin.models.accessNoGroups")}
            </p>
            <For each={props.groups}>
              {(group) => (
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={allowed().has(group.id)}
                    disabled={updated.fetching}
                    onChange={(event) => toggleGroup(group.id, event.currentTarget.checked)}
                  />
                  {group.name}
                </label>
              )}
            </For>
          </fieldset>
          <ModelPriceEditor id={`${id()}-price`} model={props.model} />
        </div>
      </Show>
    </li>
  );
}
