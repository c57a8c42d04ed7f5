import { createSignal } from "solid-js";
import { readJson, writeJson } from "../ui/storage";

// Whether a chat's questions also search the user's library ("use my library"), remembered per chat on
// this device. Small and static: the composer sends it with every message.

const STORAGE_KEY = "xqt5.useLibrary";
/** The choice made on the new-chat screen, before the chat has an id. */
export const NEW_CHAT = "new";

const [choices, setChoices] = createSignal<Record<string, boolean>>(readJson(STORAGE_KEY, {}));

export const usesLibrary = (chatKey: string): boolean => choices()[chatKey] ?? false;

export function setUsesLibrary(chatKey: string, on: boolean): void {
  const next = { ...choices() };
  if (on) next[chatKey] = true;
  else delete next[chatKey];
  setChoices(next);
  writeJson(STORAGE_KEY, next);
}
