import { t } from "../i18n/i18n";

/** What ending the user's access did to their API keys: `count` is how many were active (null: unknown). */
export interface ApiKeyOutcome {
  revoked: boolean;
  count: number | null;
}

/** One sentence about the API keys, or "" when there were none. */
export function describeApiKeyOutcome(outcome: ApiKeyOutcome): string {
  if (outcome.count === 0) return "";
  if (!outcome.revoked) return t("apiKeys.kept");
  if (outcome.count === null) return t("apiKeys.revoked");
  return outcome.count === 1 ? t("apiKeys.revokedOne") : t("apiKeys.revokedMany", { count: outcome.count });
}
