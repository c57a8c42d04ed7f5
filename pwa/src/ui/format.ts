import { locale } from "../i18n/i18n";

// Numbers, money and dates in the user's language. Building an Intl formatter costs far more than using
// one (the first one loads the locale's data), so each kind is built once per language.

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  build: (lang: string) => T,
): T {
  const key = `${locale()}:${kind}`;
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = build(locale());
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatCost(usd: number): string {
  const fractionDigits = usd !== 0 && Math.abs(usd) < 1 ? 4 : 2;
  return cached(
    `cost${fractionDigits}`,
    (lang) =>
      new Intl.NumberFormat(lang, {
        style: "currency",
        currency: "USD",
        minimumFractionDigits: 2,
        maximumFractionDigits: fractionDigits,
      }),
  ).format(usd);
}

export function formatCount(count: number): string {
  const notation = count >= 100_000 ? "compact" : "standard";
  return cached(notation, (lang) => new Intl.NumberFormat(lang, { notation })).format(count);
}

export function formatDateTime(iso: string): string {
  return cached(
    "datetime",
    (lang) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }),
  ).format(new Date(iso));
}

export function startOfMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}
