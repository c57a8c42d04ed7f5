import { For, type JSX } from "solid-js";
import { t } from "../i18n/i18n";
import type { Model } from "./models";

/** A native select: unavailable models are disabled (greyed) and say why. */
export function ModelSelector(props: {
  id: string;
  models: readonly Model[];
  value: string | null | undefined;
  onChange: (modelId: string) => void;
}): JSX.Element {
  const label = (model: Model) => {
    if (model.available) return model.name;
    return model.unavailableReason
      ? t("models.unavailable", { name: model.name, reason: model.unavailableReason })
      : t("models.unavailableNoReason", { name: model.name });
  };
  return (
    <div class="field field--inline">
      <label for={props.id}>{t("models.label")}</label>
      <select
        id={props.id}
        class="select model-select"
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        <For each={props.models}>
          {(model) => (
            <option value={model.id} disabled={!model.available} selected={model.id === props.value}>
              {label(model)}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
