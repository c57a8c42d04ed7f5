import { describe, expect, it } from "vitest";
import { csvFileName, usageCsvUrl } from "./usage-export";

const range = { from: "2026-03-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" };

describe("usage CSV export", () => {
  it("asks the API for the screen's period and grouping", () => {
    const url = new URL(usageCsvUrl({ range, groupBy: ["DAY", "MODEL"] }, "https://api.example.com"));
    expect(url.origin + url.pathname).toBe("https://api.example.com/export/usage.csv");
    expect(url.searchParams.get("from")).toBe(range.from);
    expect(url.searchParams.get("to")).toBe(range.to);
    expect(url.searchParams.get("groupBy")).toBe("DAY,MODEL");
    expect(url.searchParams.has("scope")).toBe(false);
    expect(url.searchParams.has("models")).toBe(false);
  });

  it("carries the filter (lists joined by commas) and the viewer's own scope", () => {
    const url = new URL(
      usageCsvUrl(
        {
          range,
          groupBy: ["USER"],
          filter: { userIds: ["u1", "u2"], models: ["openai/gpt-4o"], providers: [], groupIds: undefined },
          scope: "me",
        },
        "http://localhost",
      ),
    );
    expect(url.searchParams.get("userIds")).toBe("u1,u2");
    expect(url.searchParams.get("models")).toBe("openai/gpt-4o");
    expect(url.searchParams.has("providers")).toBe(false);
    expect(url.searchParams.has("groupIds")).toBe(false);
    expect(url.searchParams.get("scope")).toBe("me");
  });

  it("is on the API's own origin when none is configured", () => {
    expect(usageCsvUrl({ range, groupBy: ["DAY"] }, "")).toMatch(/^\/export\/usage\.csv\?from=/);
  });

  it("names the file after the period's first and last day", () => {
    expect(csvFileName("usage", range)).toBe("usage-2026-03-01-2026-03-31.csv");
    expect(csvFileName("usage", { from: range.from, to: "2026-03-15T10:30:00.000Z" })).toBe(
      "usage-2026-03-01-2026-03-15.csv",
    );
  });
});
