import { describe, expect, it } from "vitest";
import { parsePlaceholders, renderPlaceholders } from "./placeholders.js";

const context = { userName: "anna", now: new Date("2026-11-25T08:05:00Z") };

describe("parsePlaceholders", () => {
  it("finds text and choice variables in order, without built-ins", () => {
    expect(
      parsePlaceholders(
        "Schreibe an {{Empfänger}} im Ton {{Ton:förmlich|locker}} am {{current_date}} von {{user_name}}.",
      ),
    ).toEqual([
      { name: "Empfänger", kind: "TEXT", options: [] },
      { name: "Ton", kind: "CHOICE", options: ["förmlich", "locker"] },
    ]);
  });

  it("lists a repeated name once; a choice occurrence defines it", () => {
    expect(parsePlaceholders("{{lang}} … {{lang:Deutsch|English}} … {{ lang }}")).toEqual([
      { name: "lang", kind: "CHOICE", options: ["Deutsch", "English"] },
    ]);
  });

  it("leaves malformed braces as text", () => {
    expect(parsePlaceholders("{{ }} {{unclosed and {single} and }} {{a{{b}}")).toEqual([
      { name: "b", kind: "TEXT", options: [] },
    ]);
  });

  it("handles Unicode names and options, trims spaces and drops empty options", () => {
    expect(parsePlaceholders("{{ 日本語 : はい | いいえ || }} {{emoji 🎉}}")).toEqual([
      { name: "日本語", kind: "CHOICE", options: ["はい", "いいえ"] },
      { name: "emoji 🎉", kind: "TEXT", options: [] },
    ]);
  });
});

describe("renderPlaceholders", () => {
  it("fills text, choices (every occurrence) and built-ins", () => {
    const result = renderPlaceholders(
      "Hallo {{name}}, Ton {{tone:formal|casual}}. {{name}}! {{current_date}} {{current_time}} {{user_name}}",
      { name: "Jörg", tone: "casual" },
      context,
    );
    expect(result).toEqual({ ok: true, text: "Hallo Jörg, Ton casual. Jörg! 2026-11-25 08:05 anna" });
  });

  it("uses the given time zone for the date and time", () => {
    const result = renderPlaceholders(
      "{{current_date}} {{current_time}}",
      {},
      {
        ...context,
        now: new Date("2026-11-25T23:30:00Z"),
        timeZone: "Europe/Berlin",
      },
    );
    expect(result).toEqual({ ok: true, text: "2026-11-26 00:30" });
  });

  it("names missing values and choices outside the options", () => {
    expect(renderPlaceholders("{{a}} {{b}} {{c:x|y}}", { b: "  ", c: "z" }, context)).toEqual({
      ok: false,
      missing: ["a", "b"],
      invalid: ["c"],
    });
  });

  it("does not treat values as placeholders (no double substitution)", () => {
    expect(renderPlaceholders("{{a}}", { a: "{{user_name}}" }, context)).toEqual({
      ok: true,
      text: "{{user_name}}",
    });
  });
});
