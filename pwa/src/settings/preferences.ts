import { createEffect, createSignal, onCleanup } from "solid-js";
import { readJson, writeJson } from "../ui/storage";

// Language and theme, per device. index.html reads the same key to paint the right theme at once.

export type ThemePreference = "system" | "light" | "dark";
export type LanguagePreference = "system" | "en" | "de";
export interface Preferences {
  theme: ThemePreference;
  language: LanguagePreference;
}

export const PREFERENCES_KEY = "xqt5.preferences";
const defaults: Preferences = { theme: "system", language: "system" };

const [preferences, setPreferences] = createSignal<Preferences>({
  ...defaults,
  ...readJson<Partial<Preferences>>(PREFERENCES_KEY, {}),
});

export { preferences };

export function updatePreferences(patch: Partial<Preferences>): void {
  const next = { ...preferences(), ...patch };
  setPreferences(next);
  writeJson(PREFERENCES_KEY, next);
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): "light" | "dark" {
  if (preference === "system") return systemPrefersDark ? "dark" : "light";
  return preference;
}

const darkQuery = () => globalThis.matchMedia?.("(prefers-color-scheme: dark)");

/**
 * Keeps <html data-theme> in step with the preference and, for "system", with the operating system.
 * Call inside a component: it tracks the preference.
 */
export function syncTheme(): void {
  const query = darkQuery();
  const [systemDark, setSystemDark] = createSignal(query?.matches ?? false);
  const update = (event: MediaQueryListEvent) => setSystemDark(event.matches);
  query?.addEventListener("change", update);
  onCleanup(() => query?.removeEventListener("change", update));
  createEffect(() => {
    document.documentElement.dataset.theme = resolveTheme(preferences().theme, systemDark());
  });
}
