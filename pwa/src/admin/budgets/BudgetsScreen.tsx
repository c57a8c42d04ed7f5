import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, type JSX, Show } from "solid-js";
import { BudgetBar } from "../../budgets/BudgetBar";
import { BudgetWarning } from "../../budgets/BudgetWarning";
import { budgetName, resetShort } from "../../budgets/budget-state";
import { describeError } from "../../graphql/errors";
import { t } from "../../i18n/i18n";
import { ConfirmDialog, Dialog } from "../../ui/Dialog";
import { formatCost, formatPercent } from "../../ui/format";
import { Icon } from "../../ui/icons";
import { OrganizationSettingsQuery } from "../settings/operations";
import { BudgetForm } from "./BudgetForm";
import { type Budget, budgetsByScope, nearLimit } from "./budget-list";
import { BudgetsQuery, DeleteBudgetMutation } from "./operations";

/** The organisation's budgets by scope, who is near a limit, and creating, changing, deleting them. Lazy. */
export default function BudgetsScreen(): JSX.Element {
  const [budgets] = createQuery({ query: BudgetsQuery, requestPolicy: "cache-and-network" });
  const [settings] = createQuery({ query: OrganizationSettingsQuery });
  const [deleted, deleteBudget] = createMutation(DeleteBudgetMutation);
  // undefined: no dialog; null: a new budget; a budget: editing it.
  const [editing, setEditing] = createSignal<Budget | null | undefined>(undefined);
  const [deleting, setDeleting] = createSignal<Budget | null>(null);
  const list = () => budgets.data?.budgets ?? [];
  // Reset times in the organisation's calendar.
  const timeZone = () => settings.data?.organizationSettings.timeZone;
  const close = () => setEditing(undefined);

  const confirmDelete = () => {
    const budget = deleting();
    setDeleting(null);
    if (budget) void deleteBudget({ id: budget.id });
  };

  return (
    <>
      <div class="section-row">
        <h2 class="section-heading">{t("admin.budgets.title")}</h2>
        <button type="button" class="button button--primary" onClick={() => setEditing(null)}>
          <Icon name="plus" />
          {t("admin.budgets.new")}
        </button>
      </div>
      <p class="metadata">{t("admin.budgets.intro")}</p>
      <Show when={budgets.error ?? deleted.error}>
        {(error) => (
          <p class="alert" role="alert">
            {describeError(error())}
          </p>
        )}
      </Show>
      <section class="card" aria-labelledby="budgets-near-heading">
        <h3 id="budgets-near-heading" class="card-header">
          {t("admin.budgets.nearLimit")}
        </h3>
        <div class="card-body">
          <Show
            when={nearLimit(list()).length > 0}
            fallback={<p class="metadata">{t("admin.budgets.nearLimitEmpty")}</p>}
          >
            <ul class="admin-rows" data-testid="budgets-near-limit">
              <For each={nearLimit(list())}>
                {(budget) => (
                  <li class="admin-row">
                    <span class="admin-row-text">
                      <strong>{budget.targetName}</strong>{" "}
                      <span class="metadata">{budgetName(budget, "admin")}</span>
                    </span>
                    <span class="budget-near-figure">
                      {t("budgets.used", { percent: formatPercent(budget.usedPercent) })}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </section>
      <For each={budgetsByScope(list())}>
        {(group) => (
          <section class="budget-scope" aria-labelledby={`budgets-${group.scope}`}>
            <h3 id={`budgets-${group.scope}`} class="card-subheading">
              {t(`admin.budgets.sections.${group.scope}`)}
            </h3>
            <Show
              when={group.budgets.length > 0}
              fallback={
                <p class="metadata">
                  {budgets.fetching && !budgets.data ? t("app.loading") : t("admin.budgets.noneOfScope")}
                </p>
              }
            >
              <ul class="manager-list">
                <For each={group.budgets}>
                  {(budget) => (
                    <BudgetItem
                      budget={budget}
                      timeZone={timeZone()}
                      deleting={deleted.fetching}
                      onEdit={() => setEditing(budget)}
                      onDelete={() => setDeleting(budget)}
                    />
                  )}
                </For>
              </ul>
            </Show>
          </section>
        )}
      </For>
      <Dialog
        open={editing() !== undefined}
        title={
          editing()
            ? t("admin.budgets.editTitle", { name: budgetName(editing() as Budget, "admin") })
            : t("admin.budgets.new")
        }
        onClose={close}
      >
        <Show when={editing() !== undefined}>
          <BudgetForm budget={editing() ?? null} onDone={close} />
        </Show>
      </Dialog>
      <ConfirmDialog
        open={deleting() !== null}
        title={t("admin.budgets.deleteTitle")}
        message={t("admin.budgets.confirmDelete", {
          budget: deleting() ? budgetName(deleting() as Budget, "admin") : "",
        })}
        confirmLabel={t("common.delete")}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}

function BudgetItem(props: {
  budget: Budget;
  timeZone?: string;
  deleting: boolean;
  onEdit: () => void;
  onDelete: () => void;
}): JSX.Element {
  const name = () => budgetName(props.budget, "admin");
  return (
    <li class="card manager-item budget-item" data-budget-id={props.budget.id}>
      <div class="manager-item-text">
        <h4 class="card-subheading">{props.budget.targetName}</h4>
        <p class="metadata">
          <span class="badge">{t(`budgets.periods.${props.budget.period}`)}</span>{" "}
          <span class="badge">{props.budget.hard ? t("budgets.hard") : t("budgets.soft")}</span>{" "}
          {t("budgets.used", { percent: formatPercent(props.budget.usedPercent) })}
        </p>
        <BudgetBar budget={props.budget} label={name()} />
        <BudgetWarning budget={props.budget} />
        <dl class="budget-figures">
          <div>
            <dt>{t("admin.budgets.spent")}</dt>
            <dd>
              {formatCost(props.budget.spentUsd)} / {formatCost(props.budget.limitUsd)}
            </dd>
          </div>
          <div>
            <dt>{t("admin.budgets.reserved")}</dt>
            <dd>{formatCost(props.budget.reservedUsd)}</dd>
          </div>
          <div>
            <dt>{t("admin.budgets.remaining")}</dt>
            <dd>{formatCost(props.budget.remainingUsd)}</dd>
          </div>
        </dl>
        <p class="metadata">{resetShort(props.budget.resetsAt, props.timeZone)}</p>
        <Show when={props.budget.models}>
          {(models) => (
            <p class="metadata">{t("admin.budgets.modelsOnly", { models: models().join(", ") })}</p>
          )}
        </Show>
        <Show when={props.budget.fallbackModel}>
          {(model) => <p class="metadata">{t("admin.budgets.fallbackTo", { model: model() })}</p>}
        </Show>
      </div>
      <div class="form-actions">
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("common.edit")}: ${name()}`}
          onClick={() => props.onEdit()}
        >
          {t("common.edit")}
        </button>
        <button
          type="button"
          class="button button--small"
          aria-label={`${t("common.delete")}: ${name()}`}
          disabled={props.deleting}
          onClick={() => props.onDelete()}
        >
          {t("common.delete")}
        </button>
      </div>
    </li>
  );
}
