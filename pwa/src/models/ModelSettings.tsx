import { createMemo, type JSX, Show } from "solid-js";
import { ModelSelector } from "./ModelSelector";
import type { createModels } from "./models";
import { TemperatureSlider } from "./TemperatureSlider";

export const DEFAULT_TEMPERATURE = 0.7;

/** Model and temperature, side by side; the slider only for models that accept a temperature. */
export function ModelSettings(props: {
  idPrefix: string;
  models: ReturnType<typeof createModels>;
  model: string | null | undefined;
  temperature: number | null | undefined;
  onModel: (modelId: string) => void;
  onTemperature: (value: number) => void;
}): JSX.Element {
  const selected = createMemo(() => props.models.find(props.model) ?? props.models.defaultModel());
  return (
    <div class="model-settings">
      <ModelSelector
        id={`${props.idPrefix}-model`}
        models={props.models.list()}
        value={selected()?.id}
        onChange={props.onModel}
      />
      <Show when={selected()?.supportsTemperature}>
        <TemperatureSlider
          id={`${props.idPrefix}-temperature`}
          value={props.temperature ?? DEFAULT_TEMPERATURE}
          onChange={props.onTemperature}
        />
      </Show>
    </div>
  );
}
