import { createQuery } from "@urql/solid";
import { For, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { formatCost, formatCount, startOfMonth } from "../ui/format";
import { UsageQuery } from "./operations";

/** This month's requests, tokens and cost, in total and per model. */
export function UsageSummary(): JSX.Element {
  const [usage] = createQuery({ query: UsageQuery, variables: { from: startOfMonth() } });
  return (
    <Show when={usage.data?.usage}>
      {(summary) => (
        <div class="stack">
          <dl class="usage-totals">
            <div>
              <dt>{t("usage.requests")}</dt>
              <dd>{formatCount(summary().requests)}</dd>
            </div>
            <div>
              <dt>{t("usage.promptTokens")}</dt>
              <dd>{formatCount(summary().promptTokens)}</dd>
            </div>
            <div>
              <dt>{t("usage.completionTokens")}</dt>
              <dd>{formatCount(summary().completionTokens)}</dd>
            </div>
            <div>
              <dt>{t("usage.cost")}</dt>
              <dd>{formatCost(summary().costUsd)}</dd>
            </div>
          </dl>
          <Show when={summary().byModel.length > 0} fallback={<p class="metadata">{t("usage.noUsage")}</p>}>
            <section class="table-scroll" aria-label={t("usage.byModel")} tabindex="0">
              <table class="table">
                <caption class="visually-hidden">{t("usage.byModel")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("usage.model")}</th>
                    <th scope="col">{t("usage.requests")}</th>
                    <th scope="col">{t("usage.promptTokens")}</th>
                    <th scope="col">{t("usage.completionTokens")}</th>
                    <th scope="col">{t("usage.cost")}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={summary().byModel}>
                    {(row) => (
                      <tr>
                        <th scope="row">{row.model}</th>
                        <td>{formatCount(row.requests)}</td>
                        <td>{formatCount(row.promptTokens)}</td>
                        <td>{formatCount(row.completionTokens)}</td>
                        <td>{formatCost(row.costUsd)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </section>
          </Show>
        </div>
      )}
    </Show>
  );
}
