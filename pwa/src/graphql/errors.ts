import type { CombinedError } from "@urql/core";
import type { TranslationKey } from "../i18n/i18n";
import { t } from "../i18n/i18n";

// The one error helper: a code for every failure, and a sentence in the user's language for it.

export function errorCode(error: CombinedError | undefined): string | undefined {
  if (!error) return undefined;
  if (error.networkError) return "NETWORK";
  const code = error.graphQLErrors.find((graphQLError) => graphQLError.extensions?.code)?.extensions?.code;
  return typeof code === "string" ? code : "UNKNOWN";
}

export function isNetworkFailure(error: CombinedError | undefined): boolean {
  return Boolean(error?.networkError) || (error !== undefined && globalThis.navigator?.onLine === false);
}

/** The server's own message where it is meant for people (input problems), a translated one otherwise. */
export function describeError(error: CombinedError | undefined): string {
  if (!error) return "";
  const code = errorCode(error) ?? "UNKNOWN";
  const graphQLError = error.graphQLErrors[0];
  if (code === "BAD_USER_INPUT" || code === "CONFLICT") return graphQLError?.message ?? t("errors.UNKNOWN");
  if (code === "RATE_LIMITED") {
    return t("errors.RATE_LIMITED", { seconds: Number(graphQLError?.extensions?.retryAfter ?? 60) });
  }
  // Why a sign-in is refused beyond a wrong password: a deactivated account or organisation.
  const reason = graphQLError?.extensions?.reason;
  if (code === "UNAUTHENTICATED" && typeof reason === "string") {
    const text = t(`errors.UNAUTHENTICATED_${reason}` as TranslationKey);
    if (typeof text === "string") return text;
  }
  return describeCode(code);
}

export function describeCode(code: string): string {
  if (code === "RATE_LIMITED") return t("errors.RATE_LIMITED_SOON");
  const key = `errors.${code}` as TranslationKey;
  const text = t(key);
  return typeof text === "string" ? text : t("errors.UNKNOWN");
}

/** Field-level messages of a BAD_USER_INPUT or CONFLICT error, keyed by input field name. */
export function fieldErrors(error: CombinedError | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const extensions = graphQLError.extensions as {
      field?: string;
      fields?: { path: string | string[]; message: string }[];
    };
    if (extensions.field) result[extensions.field] = graphQLError.message;
    for (const field of extensions.fields ?? []) {
      const path = Array.isArray(field.path) ? field.path[field.path.length - 1] : field.path;
      if (path) result[path.split(".").pop() ?? path] = field.message;
    }
  }
  return result;
}
