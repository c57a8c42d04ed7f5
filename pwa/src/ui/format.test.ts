import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { formatCost, formatCount, formatDay, formatMilliseconds, formatUtc } from "./format";

afterEach(() => updatePreferences({ language: "system" }));

describe("formatting", () => {
  it("follows the chosen language, also after switching", () => {
    updatePreferences({ language: "en" });
    expect(formatCount(12345)).toBe("12,345");
    updatePreferences({ language: "de" });
    expect(formatCount(12345)).toBe("12.345");
  });

  it("shows cents, and four digits for costs below a dollar", () => {
    updatePreferences({ language: "en" });
    expect(formatCost(12.5)).toBe("$12.50");
    expect(formatCost(0.0123)).toBe("$0.0123");
    expect(formatCost(0)).toBe("$0.00");
  });

  it("shortens large counts", () => {
    updatePreferences({ language: "en" });
    expect(formatCount(2_500_000)).toBe("2.5M");
    expect(formatCount(99_999)).toBe("99,999");
  });

  it("says tiny costs with two significant digits instead of $0.0000", () => {
    updatePreferences({ language: "en" });
    expect(formatCost(0.0004)).toBe("$0.0004");
    expect(formatCost(0.000042)).toBe("$0.000042");
    updatePreferences({ language: "de" });
    expect(formatCost(0.000042)).toBe("0,000042\u00a0$");
  });

  it("writes every digit of a count when asked, with the language's separators", () => {
    updatePreferences({ language: "en" });
    expect(formatCount(2_500_000, "full")).toBe("2,500,000");
    updatePreferences({ language: "de" });
    expect(formatCount(2_500_000, "full")).toBe("2.500.000");
  });

  it("formats milliseconds, UTC days and instants in UTC", () => {
    updatePreferences({ language: "en" });
    expect(formatMilliseconds(1234.4)).toBe("1,234 ms");
    expect(formatDay("2026-03-01")).toBe("Mar 1");
    expect(formatDay("2026-03-01", "medium")).toBe("Mar 1, 2026");
    updatePreferences({ language: "de" });
    expect(formatDay("2026-03-01")).toBe("1. März");
    expect(formatUtc("2026-03-01T08:05:09.123Z")).toBe("2026-03-01 08:05:09 UTC");
  });
});
