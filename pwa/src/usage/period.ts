// The period of a usage report, as people pick it, and the instants the API is asked for. Reports count
// calendar days in UTC (the API groups by UTC day), so every period starts at a UTC midnight except where
// it ends: `to` is exclusive, "now" for the periods that run until today.

export type PeriodKind = "thisMonth" | "lastMonth" | "days7" | "days30" | "days90" | "custom";

export const periodKinds: readonly PeriodKind[] = [
  "thisMonth",
  "lastMonth",
  "days7",
  "days30",
  "days90",
  "custom",
];

export interface Period {
  kind: PeriodKind;
  /** For "custom": the first and the last day (YYYY-MM-DD, both included). */
  firstDay?: string;
  lastDay?: string;
}

export interface PeriodRange {
  from: string;
  to: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

const utcMidnight = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
const monthStart = (date: Date, monthsBack = 0) =>
  Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - monthsBack, 1);
const iso = (ms: number) => new Date(ms).toISOString();

/** The day (YYYY-MM-DD, UTC) of an instant. */
export const utcDay = (instant: string | number | Date): string =>
  new Date(instant).toISOString().slice(0, 10);

/** A day (YYYY-MM-DD) as the instant of its UTC midnight, or NaN when it is no real day. */
function dayStart(day: string | undefined): number {
  if (!day || !dayPattern.test(day)) return Number.NaN;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || utcDay(ms) !== day ? Number.NaN : ms;
}

/** `from` and `to` of a period, or null for a custom one that is incomplete or ends before it starts. */
export function periodRange(period: Period, now: Date = new Date()): PeriodRange | null {
  const until = iso(now.getTime());
  switch (period.kind) {
    case "thisMonth":
      return { from: iso(monthStart(now)), to: until };
    case "lastMonth":
      return { from: iso(monthStart(now, 1)), to: iso(monthStart(now)) };
    case "days7":
    case "days30":
    case "days90": {
      const days = Number(period.kind.slice(4));
      return { from: iso(utcMidnight(now) - (days - 1) * DAY_MS), to: until };
    }
    case "custom": {
      const first = dayStart(period.firstDay);
      const last = dayStart(period.lastDay);
      if (Number.isNaN(first) || Number.isNaN(last) || last < first) return null;
      return { from: iso(first), to: iso(last + DAY_MS) };
    }
  }
}

/** The first and the last day a range covers (its `to` is exclusive). */
export function rangeDays(range: PeriodRange): { first: string; last: string } {
  const to = Date.parse(range.to);
  const from = Date.parse(range.from);
  return { first: utcDay(from), last: utcDay(Math.max(from, to - 1)) };
}

/** Every day of a range, in order (YYYY-MM-DD): the x axis of the daily charts, days without usage too. */
export function daysOf(range: PeriodRange): string[] {
  const { first, last } = rangeDays(range);
  const days: string[] = [];
  for (let ms = dayStart(first); ms <= dayStart(last); ms += DAY_MS) days.push(utcDay(ms));
  return days;
}
