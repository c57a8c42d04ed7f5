import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { ChoiceField } from "../ui/ChoiceField";
import { type Period, type PeriodKind, periodKinds, periodRange, rangeDays } from "./period";

/** The period of a report: this or last month, the last 7 / 30 / 90 days, or two days chosen. */
export function PeriodPicker(props: { id: string; value: Period; onChange: (period: Period) => void }) {
  const custom = () => props.value.kind === "custom";
  const invalid = () => custom() && periodRange(props.value) === null;
  const choose = (kind: PeriodKind) => {
    if (kind !== "custom") return props.onChange({ kind });
    // A custom period starts as the one shown so far, to be changed from there.
    const shown = periodRange(props.value) ?? periodRange({ kind: "thisMonth" });
    const days = shown ? rangeDays(shown) : undefined;
    props.onChange({ kind, firstDay: days?.first, lastDay: days?.last });
  };
  const dayInput = (which: "firstDay" | "lastDay"): JSX.Element => (
    <div class="field">
      <label for={`${props.id}-${which}`}>{t(`usage.${which}`)}</label>
      <input
        id={`${props.id}-${which}`}
        class="input"
        type="date"
        value={props.value[which] ?? ""}
        aria-invalid={invalid() ? "true" : undefined}
        aria-describedby={invalid() ? `${props.id}-invalid` : `${props.id}-utc`}
        onChange={(event) => props.onChange({ ...props.value, [which]: event.currentTarget.value })}
      />
    </div>
  );
  return (
    <div class="period-picker">
      <ChoiceField
        id={props.id}
        label={t("usage.period")}
        value={props.value.kind}
        choices={periodKinds.map((kind) => ({ value: kind, label: t(`usage.periods.${kind}`) }))}
        onChange={choose}
      />
      <Show when={custom()}>
        {dayInput("firstDay")}
        {dayInput("lastDay")}
      </Show>
      <p id={`${props.id}-utc`} class="metadata period-note">
        {t("usage.utcNote")}
      </p>
      <Show when={invalid()}>
        <p id={`${props.id}-invalid`} class="alert period-note" role="alert">
          {t("usage.periodInvalid")}
        </p>
      </Show>
    </div>
  );
}
