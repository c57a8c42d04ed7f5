import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import type { BudgetPeriod, BudgetScope } from "../../gql/graphql";
import { fieldErrors } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { Form, FormActions, formText } from "../../ui/Form";
import { FormField } from "../../ui/FormField";
import { GroupsQuery } from "../groups/operations";
import { AdminUsersQuery } from "../people/operations";
import { OrganizationSettingsQuery } from "../settings/operations";
import { type Budget, DEFAULT_THRESHOLDS, parseThresholds, SCOPES, thresholdsText } from "./budget-list";
import { CreateBudgetMutation, UpdateBudgetMutation } from "./operations";

const PERIODS: readonly BudgetPeriod[] = ["DAY", "WEEK", "MONTH", "TOTAL"];
/** People offered for a budget (the most one page of the API holds). */
const PEOPLE_CHOICES = 100;
const FIELDS = ["targetId", "limitUsd", "alertThresholds", "models", "fallbackModel"] as const;

/**
 * A new budget, or a budget's new limit, period, kind, thresholds and models (what it applies to stays:
 * that is another budget). Field errors of the server are shown at their fields.
 */
export function BudgetForm(props: { budget: Budget | null; onDone: () => void }): JSX.Element {
  const [groups] = createQuery({ query: GroupsQuery });
  const [people] = createQuery({
    query: AdminUsersQuery,
    variables: { includeInactive: false, first: PEOPLE_CHOICES },
  });
  const [settings] = createQuery({ query: OrganizationSettingsQuery });
  const [created, create] = createMutation(CreateBudgetMutation);
  const [updated, update] = createMutation(UpdateBudgetMutation);
  const [scope, setScope] = createSignal<BudgetScope>(props.budget?.scope ?? "USER");
  const [thresholdsInvalid, setThresholdsInvalid] = createSignal(false);
  const error = () => created.error ?? updated.error;
  const errors = () => fieldErrors(error());
  const fieldError = (name: string) => errors()[name];
  // Shown at their fields; anything else above the buttons.
  const hasFieldError = () => FIELDS.some((name) => errors()[name]);
  const persons = () => (people.data?.adminUsers.edges ?? []).map((edge) => edge.node);
  const chosenModels = () => new Set(props.budget?.models ?? []);
  const models = () =>
    (settings.data?.modelConfigs ?? []).filter(
      (model) =>
        model.enabled || chosenModels().has(model.modelId) || model.modelId === props.budget?.fallbackModel,
    );

  const submit = async (form: HTMLFormElement) => {
    const text = formText(form);
    const data = new FormData(form);
    const alertThresholds = parseThresholds(text("alertThresholds"));
    setThresholdsInvalid(alertThresholds === undefined);
    if (!alertThresholds) return;
    const settings = {
      limitUsd: Number(text("limitUsd")),
      period: text("period") as BudgetPeriod,
      hard: data.get("hard") === "on",
      alertThresholds,
      models: data.getAll("models").map(String),
    };
    const fallbackModel = text("fallbackModel");
    const result = props.budget
      ? await update({ id: props.budget.id, input: { ...settings, fallbackModel } })
      : await create({
          input: {
            ...settings,
            scope: scope(),
            targetId: scope() === "ORGANIZATION" ? null : text("targetId") || null,
            fallbackModel: fallbackModel || null,
          },
        });
    if (result.data) props.onDone();
  };

  return (
    <Form onSubmit={(form) => void submit(form)}>
      <div class="field">
        <label for="budget-scope">{t("admin.budgets.scope")}</label>
        <select
          id="budget-scope"
          class="select"
          disabled={props.budget !== null}
          onChange={(event) => setScope(event.currentTarget.value as BudgetScope)}
        >
          <For each={SCOPES}>
            {(value) => (
              <option value={value} selected={value === scope()}>
                {t(`budgets.scopeOne.${value}`)}
              </option>
            )}
          </For>
        </select>
      </div>
      <Show when={props.budget === null}>
        <Switch>
          <Match when={scope() === "GROUP"}>
            <TargetSelect
              label={t("admin.budgets.group")}
              error={fieldError("targetId")}
              options={(groups.data?.groups ?? []).map((group) => ({ id: group.id, name: group.name }))}
            />
          </Match>
          <Match when={scope() === "USER"}>
            <TargetSelect
              label={t("admin.budgets.person")}
              error={fieldError("targetId")}
              options={persons().map((person) => ({ id: person.id, name: person.username }))}
            />
          </Match>
          <Match when={scope() === "API_KEY"}>
            <FormField
              id="budget-target"
              name="targetId"
              label={t("admin.budgets.keyId")}
              hint={t("admin.budgets.keyIdHint")}
              required
              autocomplete="off"
              error={fieldError("targetId")}
            />
          </Match>
        </Switch>
      </Show>
      <FormField
        id="budget-limit"
        name="limitUsd"
        label={t("admin.budgets.limit")}
        type="number"
        min={0}
        step={0.0001}
        inputMode="decimal"
        required
        value={props.budget ? String(props.budget.limitUsd) : ""}
        error={fieldError("limitUsd")}
      />
      <div class="field">
        <label for="budget-period">{t("admin.budgets.period")}</label>
        <select id="budget-period" name="period" class="select">
          <For each={PERIODS}>
            {(period) => (
              <option value={period} selected={period === (props.budget?.period ?? "MONTH")}>
                {t(`budgets.periods.${period}`)}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label class="checkbox">
          <input
            type="checkbox"
            name="hard"
            checked={props.budget?.hard ?? true}
            aria-describedby="budget-hard-hint"
          />
          {t("admin.budgets.hard")}
        </label>
        <span id="budget-hard-hint" class="metadata">
          {t("admin.budgets.hardHint")}
        </span>
      </div>
      <FormField
        id="budget-thresholds"
        name="alertThresholds"
        label={t("admin.budgets.thresholds")}
        hint={t("admin.budgets.thresholdsHint")}
        autocomplete="off"
        value={thresholdsText(props.budget?.alertThresholds ?? DEFAULT_THRESHOLDS)}
        error={thresholdsInvalid() ? t("admin.budgets.thresholdsInvalid") : fieldError("alertThresholds")}
      />
      <div class="field">
        <label for="budget-models">{t("admin.budgets.models")}</label>
        <select
          id="budget-models"
          name="models"
          class="select budget-models"
          multiple
          size={Math.min(6, Math.max(3, models().length))}
          aria-describedby={
            fieldError("models") ? "budget-models-hint budget-models-error" : "budget-models-hint"
          }
          aria-invalid={fieldError("models") ? "true" : undefined}
        >
          <For each={models()}>
            {(model) => (
              <option value={model.modelId} selected={chosenModels().has(model.modelId)}>
                {model.displayName}
              </option>
            )}
          </For>
        </select>
        <span id="budget-models-hint" class="metadata">
          {t("admin.budgets.modelsHint")}
        </span>
        <Show when={fieldError("models")}>
          <span id="budget-models-error" class="field-error">
            {fieldError("models")}
          </span>
        </Show>
      </div>
      <div class="field">
        <label for="budget-fallback">{t("admin.budgets.fallback")}</label>
        <select
          id="budget-fallback"
          name="fallbackModel"
          class="select"
          aria-describedby={
            fieldError("fallbackModel")
              ? "budget-fallback-hint budget-fallback-error"
              : "budget-fallback-hint"
          }
          aria-invalid={fieldError("fallbackModel") ? "true" : undefined}
        >
          <option value="">{t("admin.budgets.noFallback")}</option>
          <For each={models()}>
            {(model) => (
              <option value={model.modelId} selected={model.modelId === props.budget?.fallbackModel}>
                {model.displayName}
              </option>
            )}
          </For>
        </select>
        <span id="budget-fallback-hint" class="metadata">
          {t("admin.budgets.fallbackHint")}
        </span>
        <Show when={fieldError("fallbackModel")}>
          <span id="budget-fallback-error" class="field-error">
            {fieldError("fallbackModel")}
          </span>
        </Show>
      </div>
      <FormActions
        error={hasFieldError() ? undefined : error()}
        busy={created.fetching || updated.fetching}
        submitLabel={props.budget ? t("common.save") : t("common.create")}
        onCancel={props.onDone}
      />
    </Form>
  );
}

/** The group or person a new budget is for. */
function TargetSelect(props: {
  label: string;
  error?: string;
  options: readonly { id: string; name: string }[];
}): JSX.Element {
  return (
    <div class="field">
      <label for="budget-target">{props.label}</label>
      <select
        id="budget-target"
        name="targetId"
        class="select"
        required
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? "budget-target-error" : undefined}
      >
        <option value="">{t("admin.budgets.choose")}</option>
        <For each={props.options}>{(option) => <option value={option.id}>{option.name}</option>}</For>
      </select>
      <Show when={props.error}>
        <span id="budget-target-error" class="field-error">
          {props.error}
        </span>
      </Show>
    </div>
  );
}
