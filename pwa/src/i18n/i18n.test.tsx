import { flatten } from "@solid-primitives/i18n";
import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import apiErrors from "../../../api/src/errors/app-errors.ts?raw";
import providerTypes from "../../../api/src/providers/types.ts?raw";
import { adminDe } from "../admin/i18n/de";
import { adminEn } from "../admin/i18n/en";
import { updatePreferences } from "../settings/preferences";
import { de } from "./de";
import { en } from "./en";
import { pickLocale, t } from "./i18n";

afterEach(() => updatePreferences({ language: "system" }));

describe("i18n", () => {
  it("follows the browser's first German or English language, English otherwise", () => {
    expect(pickLocale("system", ["de-AT", "en"])).toBe("de");
    expect(pickLocale("system", ["fr-FR", "en-GB"])).toBe("en");
    expect(pickLocale("system", ["fr-FR"])).toBe("en");
    expect(pickLocale("de", ["en-US"])).toBe("de");
  });

  it("switches every visible string when the language changes", async () => {
    updatePreferences({ language: "en" });
    render(() => <button type="button">{t("chat.send")}</button>);
    expect(screen.getByRole("button")).toHaveTextContent("Send");
    updatePreferences({ language: "de" });
    expect(screen.getByRole("button")).toHaveTextContent("Senden");
  });

  it("fills in template values", () => {
    updatePreferences({ language: "de" });
    expect(t("offline.outbox", { count: 2 })).toBe("2 Nachricht(en) warten auf den Versand");
  });

  it("has a German text for every English one, and none left empty", () => {
    const english = flatten({ ...en, admin: adminEn }) as Record<string, unknown>;
    const german = flatten({ ...de, admin: adminDe }) as Record<string, unknown>;
    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
    for (const [key, value] of Object.entries(german)) {
      if (typeof value === "string") expect(value.trim(), key).not.toBe("");
    }
  });

  it("has a sentence for every error code the API can send", () => {
    // The API's ErrorCode union (with the provider codes) and the persisted-operations plugin's codes.
    const apiCodes = [...`${apiErrors}\n${providerTypes}`.matchAll(/\|\s*"([A-Z_]+)"/g)].map(
      (match) => match[1] ?? "",
    );
    expect(apiCodes).toContain("QUERY_TOO_COMPLEX");
    expect(apiCodes).toContain("PROVIDER_ERROR");
    const codes = [...apiCodes, "PERSISTED_QUERY_NOT_IN_LIST", "PERSISTED_QUERY_ID_REQUIRED"];
    for (const dictionary of [en, de]) {
      for (const code of codes) expect(dictionary.errors, code).toHaveProperty(code);
    }
  });

  it("remembers the choice", () => {
    updatePreferences({ language: "de" });
    expect(JSON.parse(localStorage.getItem("xqt5.preferences") ?? "{}")).toMatchObject({ language: "de" });
  });
});
