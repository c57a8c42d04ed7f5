import { createEffect, createSignal, type JSX } from "solid-js";
import { locale, t } from "../i18n/i18n";

/** 0–2 in steps of 0.1; the parent hides it for models that reject a temperature. */
export function TemperatureSlider(props: {
  id: string;
  value: number;
  onChange: (value: number) => void;
}): JSX.Element {
  // Follows the thumb while dragging; reports the value when it is let go.
  const [live, setLive] = createSignal(props.value);
  createEffect(() => setLive(props.value));
  const shown = () => new Intl.NumberFormat(locale(), { minimumFractionDigits: 1 }).format(live());
  return (
    <div class="field field--inline temperature">
      <label for={props.id}>{t("models.temperature")}</label>
      <input
        id={props.id}
        type="range"
        min="0"
        max="2"
        step="0.1"
        value={live()}
        aria-valuetext={shown()}
        aria-describedby={`${props.id}-hint`}
        onInput={(event) => setLive(Number(event.currentTarget.value))}
        onChange={(event) => props.onChange(Number(event.currentTarget.value))}
      />
      <output for={props.id}>{shown()}</output>
      <span id={`${props.id}-hint`} class="visually-hidden">
        {t("models.temperatureHint")}
      </span>
    </div>
  );
}
