import { createMutation } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { t } from "../../i18n/i18n";
import { Form, FormActions } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { formatCost, formatDateTime } from "../../ui/format";
import { describePrice, type ModelConfig, parsePrice } from "./model-list";
import { SetModelPriceMutation } from "./operations";

const fields = ["inputPerMTokens", "cachedInputPerMTokens", "outputPerMTokens"] as const;
type PriceField = (typeof fields)[number];

/** A model's price now, its earlier versions, and a new price (from now on; the earlier ones stay). */
export function ModelPriceEditor(props: { id: string; model: ModelConfig }): JSX.Element {
  const [saved, save] = createMutation(SetModelPriceMutation);
  const [errors, setErrors] = createSignal<Partial<Record<PriceField, string>>>({});
  const [done, setDone] = createSignal(false);

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const values = Object.fromEntries(
      fields.map((field) => [field, parsePrice(String(data.get(field) ?? ""))]),
    ) as Record<PriceField, number | null | "invalid">;
    const problems: Partial<Record<PriceField, string>> = {};
    for (const field of fields) {
      const value = values[field];
      if (value === "invalid") problems[field] = t("admin.models.priceInvalid");
      else if (value === null && field !== "cachedInputPerMTokens") problems[field] = t("common.required");
    }
    setErrors(problems);
    setDone(false);
    if (Object.keys(problems).length > 0) return;
    const result = await save({
      modelId: props.model.modelId,
      input: {
        inputPerMTokens: values.inputPerMTokens as number,
        outputPerMTokens: values.outputPerMTokens as number,
        cachedInputPerMTokens: values.cachedInputPerMTokens as number | null,
      },
    });
    if (result.data) setDone(true);
  };

  const current = (field: PriceField) => {
    const value = props.model.price?.[field];
    return value === undefined ? "" : String(value);
  };

  return (
    <div class="stack">
      <p>
        <strong>{t("admin.models.priceNow")}</strong> {describePrice(props.model.price, props.model.isFree)}
      </p>
      <Show when={props.model.priceHistory.length > 0}>
        <details class="price-history">
          <summary>{t("admin.models.priceHistory", { count: props.model.priceHistory.length })}</summary>
          <div class="table-scroll">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t("admin.models.validFrom")}</th>
                  <For each={fields}>{(field) => <th scope="col">{t(`admin.models.${field}`)}</th>}</For>
                </tr>
              </thead>
              <tbody>
                <For each={props.model.priceHistory}>
                  {(price) => (
                    <tr>
                      <td>
                        {price.validFrom ? formatDateTime(price.validFrom) : t("admin.models.listPrice")}
                      </td>
                      <For each={fields}>{(field) => <td>{formatCost(price[field])}</td>}</For>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </details>
      </Show>
      <Form class="stack price-form" onSubmit={(form) => void submit(form)}>
        <fieldset class="fieldset">
          <legend>{t("admin.models.setPrice")}</legend>
          <p class="metadata">{t("admin.models.priceUnit")}</p>
          <div class="price-fields">
            <For each={fields}>
              {(field) => (
                <FormField
                  id={`${props.id}-${field}`}
                  name={field}
                  label={t(`admin.models.${field}`)}
                  value={current(field)}
                  autocomplete="off"
                  hint={field === "cachedInputPerMTokens" ? t("admin.models.cachedHint") : undefined}
                  error={errors()[field]}
                  inputMode="decimal"
                />
              )}
            </For>
          </div>
        </fieldset>
        <FormActions
          error={saved.error}
          busy={saved.fetching}
          submitLabel={t("admin.models.savePrice")}
          savedMessage={done() && t("admin.models.priceSaved")}
        />
      </Form>
    </div>
  );
}
