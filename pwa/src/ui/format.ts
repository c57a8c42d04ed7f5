import { locale } from "../i18n/i18n";

// Numbers, money and dates in the user's language.

export function formatCost(usd: number): string {
  return new Intl.NumberFormat(locale(), {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: usd !== 0 && Math.abs(usd) < 1 ? 4 : 2,
  }).format(usd);
}

export function formatCount(count: number): string {
  return new Intl.NumberFormat(locale(), { notation: count >= 100_000 ? "compact" : "standard" }).format(
    count,
  );
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function startOfMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}
