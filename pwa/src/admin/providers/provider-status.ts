import type { ProviderConnectionFieldsFragment } from "../../gql/graphql";
import { t } from "../../i18n/i18n";
import { formatDateTime } from "../../ui/format";

export type ProviderConnection = ProviderConnectionFieldsFragment;

/** Ollama (a local server) may need no key; Azure and Ollama need an address, the others have theirs. */
export const keyRequired = (provider: string): boolean => provider !== "ollama";
export const baseUrlRequired = (provider: string): boolean => provider === "ollama" || provider === "azure";

/** The last test in words: when, and whether it worked (and why not). */
export function describeLastTest(connection: ProviderConnection): string {
  if (!connection.lastTestedAt) return t("admin.providers.neverTested");
  const date = formatDateTime(connection.lastTestedAt);
  if (connection.lastTestOk) return t("admin.providers.lastTestOk", { date });
  return connection.lastError
    ? t("admin.providers.lastTestFailed", { date, error: connection.lastError })
    : t("admin.providers.lastTestFailedNoReason", { date });
}

/** "gpt-4o-mini, gpt-5.1" → the deployments; blanks and repeats dropped. */
export function parseDeployments(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
}
