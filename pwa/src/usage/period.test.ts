import { describe, expect, it } from "vitest";
import { daysOf, periodRange, rangeDays } from "./period";

const now = new Date("2026-03-15T10:30:00.000Z");

describe("periods of a usage report", () => {
  it("this month runs from its first UTC midnight until now", () => {
    expect(periodRange({ kind: "thisMonth" }, now)).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-15T10:30:00.000Z",
    });
  });

  it("last month is the whole previous calendar month, also across a year", () => {
    expect(periodRange({ kind: "lastMonth" }, now)).toEqual({
      from: "2026-02-01T00:00:00.000Z",
      to: "2026-03-01T00:00:00.000Z",
    });
    expect(periodRange({ kind: "lastMonth" }, new Date("2026-01-05T00:00:00Z"))).toEqual({
      from: "2025-12-01T00:00:00.000Z",
      to: "2026-01-01T00:00:00.000Z",
    });
  });

  it("the last N days are N calendar days, today included", () => {
    const week = periodRange({ kind: "days7" }, now);
    expect(week).toEqual({ from: "2026-03-09T00:00:00.000Z", to: "2026-03-15T10:30:00.000Z" });
    expect(week && daysOf(week)).toHaveLength(7);
    expect(periodRange({ kind: "days30" }, now)?.from).toBe("2026-02-14T00:00:00.000Z");
    const quarter = periodRange({ kind: "days90" }, now);
    expect(quarter && daysOf(quarter)).toHaveLength(90);
  });

  it("a custom period includes its last day and ends at the midnight after it", () => {
    expect(periodRange({ kind: "custom", firstDay: "2026-02-27", lastDay: "2026-03-02" }, now)).toEqual({
      from: "2026-02-27T00:00:00.000Z",
      to: "2026-03-03T00:00:00.000Z",
    });
    expect(
      periodRange({ kind: "custom", firstDay: "2026-03-02", lastDay: "2026-03-02" }, now),
    ).not.toBeNull();
  });

  it("a custom period that is incomplete, reversed or no real day asks for nothing", () => {
    expect(periodRange({ kind: "custom", firstDay: "2026-03-02" }, now)).toBeNull();
    expect(periodRange({ kind: "custom", firstDay: "2026-03-05", lastDay: "2026-03-02" }, now)).toBeNull();
    expect(periodRange({ kind: "custom", firstDay: "2026-02-30", lastDay: "2026-03-02" }, now)).toBeNull();
    expect(periodRange({ kind: "custom", firstDay: "yesterday", lastDay: "2026-03-02" }, now)).toBeNull();
  });

  it("lists every day of a range, and names its first and last", () => {
    const range = { from: "2026-02-27T00:00:00.000Z", to: "2026-03-02T00:00:00.000Z" };
    expect(daysOf(range)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
    expect(rangeDays(range)).toEqual({ first: "2026-02-27", last: "2026-03-01" });
    // Until now: today is the last day.
    expect(rangeDays({ from: "2026-03-01T00:00:00.000Z", to: now.toISOString() })).toEqual({
      first: "2026-03-01",
      last: "2026-03-15",
    });
  });
});
