import { flatten, resolveTemplate, translator } from "@solid-primitives/i18n";
import { createMemo, createRoot } from "solid-js";
import { type LanguagePreference, preferences } from "../settings/preferences";
import { de } from "./de";
import { en } from "./en";

export type Locale = "en" | "de";

const dictionaries = { en: flatten(en), de: flatten(de) };

/** The explicit choice wins; otherwise the browser's first German or English language; otherwise English. */
export function pickLocale(preference: LanguagePreference, browserLanguages: readonly string[]): Locale {
  if (preference !== "system") return preference;
  for (const language of browserLanguages) {
    const base = language.toLowerCase().split("-")[0];
    if (base === "de" || base === "en") return base;
  }
  return "en";
}

// Computed once per preference change: t() runs for every label of every message.
export const locale = createRoot(() =>
  createMemo((): Locale => pickLocale(preferences().language, globalThis.navigator?.languages ?? [])),
);

export const t = translator(() => dictionaries[locale()], resolveTemplate);

export type TranslationKey = keyof (typeof dictionaries)["en"];
