import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import { formatCost, formatCount } from "./format";

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
});
