import { type Flatten, flatten, resolveTemplate, translator } from "@solid-primitives/i18n";
import { createMemo, createRoot } from "solid-js";
import type { AdminDictionary } from "../admin/i18n/en";
import type { DocumentsDictionary } from "../documents/i18n/en";
import { type LanguagePreference, preferences } from "../settings/preferences";
import { de } from "./de";
import { type Dictionary, en } from "./en";

export type Locale = "en" | "de";

/**
 * Every string, the administration's and the documents' included (typed here, present once
 * addAdminStrings and addDocumentStrings ran).
 */
type AllStrings = Flatten<Dictionary & { admin: AdminDictionary; documents: DocumentsDictionary }>;

// The administration's strings (a third of them) come with its lazy code: see addAdminStrings.
const dictionaries = { en: flatten(en), de: flatten(de) } as Record<Locale, AllStrings>;

/** Adds the administration's strings; its module calls this as it loads, before any of it renders. */
export function addAdminStrings(strings: Record<Locale, AdminDictionary>): void {
  for (const language of ["en", "de"] as const) {
    Object.assign(dictionaries[language], flatten({ admin: strings[language] }));
  }
}

/** Adds the documents' strings; the lazy modules of the documents call this as they load. */
export function addDocumentStrings(strings: Record<Locale, DocumentsDictionary>): void {
  for (const language of ["en", "de"] as const) {
    Object.assign(dictionaries[language], flatten({ documents: strings[language] }));
  }
}

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
