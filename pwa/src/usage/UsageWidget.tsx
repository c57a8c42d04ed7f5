import { createQuery } from "@urql/solid";
import { type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { formatCost, formatCount, startOfMonth } from "../ui/format";
import { UsageQuery } from "./documents";

/** Tokens and cost of the signed-in account this month, in the sidebar. */
export function UsageWidget(): JSX.Element {
  const [usage] = createQuery({ query: UsageQuery, variables: { from: startOfMonth() } });
  const tokens = () => {
    const summary = usage.data?.usage;
    return summary ? summary.promptTokens + summary.completionTokens : 0;
  };
  return (
    <Show when={usage.data?.usage}>
      {(summary) => (
        <p class="usage-widget">
          <span class="usage-widget-title">{t("usage.thisMonth")}</span>
          <span>{t("usage.tokens", { count: formatCount(tokens()) })}</span>
          <span>{formatCost(summary().costUsd)}</span>
        </p>
      )}
    </Show>
  );
}
