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
  // Below a hundredth of a cent four decimals would say $0.0000: two significant digits say how much.
  if (usd !== 0 && Math.abs(usd) < 0.0001) {
    return cached(
      "costTiny",
      (lang) =>
        new Intl.NumberFormat(lang, { style: "currency", currency: "USD", maximumSignificantDigits: 2 }),
    ).format(usd);
  }
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

/** "short": large counts shortened (2.5M); "full": every digit, with the language's separators. */
export function formatCount(count: number, style: "short" | "full" = "short"): string {
  const notation = style === "short" && count >= 100_000 ? "compact" : "standard";
  return cached(notation, (lang) => new Intl.NumberFormat(lang, { notation })).format(count);
}

export function formatMilliseconds(ms: number): string {
  return cached(
    "ms",
    (lang) => new Intl.NumberFormat(lang, { style: "unit", unit: "millisecond", maximumFractionDigits: 0 }),
  ).format(ms);
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

/** A UTC day (YYYY-MM-DD) in the user's language: "short" 3 Mar / 3. März, "medium" with the year. */
export function formatDay(day: string, style: "short" | "medium" = "short"): string {
  return cached(`day-${style}`, (lang) =>
    style === "short"
      ? new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" })
      : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }),
  ).format(new Date(`${day}T00:00:00Z`));
}

/** An instant in UTC, for a tooltip beside the local time ("2025-03-04 09:15:02 UTC"). */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** An instant's date and time of day in a time zone (the organisation's; unknown or none: the device's). */
export function formatResetTime(iso: string, timeZone?: string): { date: string; time: string } {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : undefined;
  const at = new Date(iso);
  const date = cached(
    `date:${zone}`,
    (lang) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: zone }),
  );
  const time = cached(
    `time:${zone}`,
    (lang) => new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone: zone }),
  );
  return { date: date.format(at), time: time.format(at) };
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A percentage given as 0–100 (not a fraction): "80 %" / "80%", whole numbers from 10 %. */
export function formatPercent(percent: number): string {
  const digits = percent !== 0 && Math.abs(percent) < 10 ? 1 : 0;
  return cached(
    `percent${digits}`,
    (lang) => new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: digits }),
  ).format(percent / 100);
}

/** A size in bytes in the unit that reads best: 512 B, 12 kB, 3.4 MB (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  const [unit, divisor] =
    bytes >= 1e9
      ? (["gigabyte", 1e9] as const)
      : bytes >= 1e6
        ? (["megabyte", 1e6] as const)
        : bytes >= 1e3
          ? (["kilobyte", 1e3] as const)
          : (["byte", 1] as const);
  const value = bytes / divisor;
  return cached(
    `bytes-${unit}-${value < 10 && divisor > 1 ? 1 : 0}`,
    (lang) =>
      new Intl.NumberFormat(lang, {
        style: "unit",
        unit,
        maximumFractionDigits: value < 10 && divisor > 1 ? 1 : 0,
      }),
  ).format(value);
}
