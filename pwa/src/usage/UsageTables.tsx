import { For, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { formatCost, formatCount, formatMilliseconds } from "../ui/format";
import { type ChartData, categoryTotals, type UsageRowData } from "./usage-series";

// The numbers of a chart as a table: what screen readers read instead of the picture, and what anyone
// reads for exact values.

function ScrollingTable(props: { title: string; children: JSX.Element }): JSX.Element {
  return (
    // Scrolls sideways on a phone rather than squeezing the columns; focusable so the keyboard can too.
    <section class="table-scroll" aria-label={t("usage.table", { title: props.title })} tabindex="0">
      <table class="table usage-table">
        <caption class="visually-hidden">{props.title}</caption>
        {props.children}
      </table>
    </section>
  );
}

/** A chart's categories down, its series across (and their total, when stacked). */
export function ChartTable(props: {
  title: string;
  data: ChartData;
  categoryLabel: string;
  format: (value: number) => string;
  formatCategory?: (category: string) => string;
}): JSX.Element {
  const withTotal = () => props.data.stacked && props.data.series.length > 1;
  const totals = () => categoryTotals(props.data);
  const cell = (value: number | null | undefined) =>
    value === null || value === undefined ? t("usage.noP95") : props.format(value);
  return (
    <ScrollingTable title={props.title}>
      <thead>
        <tr>
          <th scope="col">{props.categoryLabel}</th>
          <For each={props.data.series}>{(one) => <th scope="col">{one.label}</th>}</For>
          <Show when={withTotal()}>
            <th scope="col">{t("usage.total")}</th>
          </Show>
        </tr>
      </thead>
      <tbody>
        <For each={props.data.categories}>
          {(category, index) => (
            <tr>
              <th scope="row">{props.formatCategory?.(category) ?? category}</th>
              <For each={props.data.series}>
                {(one) => <td class="number">{cell(one.values[index()])}</td>}
              </For>
              <Show when={withTotal()}>
                <td class="number">{props.format(totals()[index()] ?? 0)}</td>
              </Show>
            </tr>
          )}
        </For>
      </tbody>
    </ScrollingTable>
  );
}

/** Report rows (per user, model, API key …) with every figure, and the total of the period. */
export function UsageRowsTable(props: {
  title: string;
  rows: readonly UsageRowData[];
  totals?: UsageRowData;
  nameLabel: string;
  /** A column with the 95th percentile of the time to the first token (per model). */
  withFirstToken?: boolean;
}): JSX.Element {
  const cells = (row: UsageRowData) => (
    <>
      <td class="number">{formatCount(row.requests, "full")}</td>
      <td class="number">{formatCount(row.promptTokens, "full")}</td>
      <td class="number">{formatCount(row.completionTokens, "full")}</td>
      <td class="number">{formatCost(row.costUsd)}</td>
      <Show when={props.withFirstToken}>
        <td class="number">
          {row.p95FirstTokenMs === null || row.p95FirstTokenMs === undefined
            ? t("usage.noP95")
            : formatMilliseconds(row.p95FirstTokenMs)}
        </td>
      </Show>
    </>
  );
  return (
    <ScrollingTable title={props.title}>
      <thead>
        <tr>
          <th scope="col">{props.nameLabel}</th>
          <th scope="col">{t("usage.requests")}</th>
          <th scope="col">{t("usage.promptTokens")}</th>
          <th scope="col">{t("usage.completionTokens")}</th>
          <th scope="col">{t("usage.cost")}</th>
          <Show when={props.withFirstToken}>
            <th scope="col">{t("usage.p95")}</th>
          </Show>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(row) => (
            <tr>
              <th scope="row">{row.label}</th>
              {cells(row)}
            </tr>
          )}
        </For>
      </tbody>
      <Show when={props.totals}>
        {(totals) => (
          <tfoot>
            <tr>
              <th scope="row">{t("usage.total")}</th>
              {cells(totals())}
            </tr>
          </tfoot>
        )}
      </Show>
    </ScrollingTable>
  );
}
