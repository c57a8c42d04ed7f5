// The one place that touches Web Storage: small JSON values that must survive a reload — in
// localStorage (the device), or in sessionStorage (this tab only, gone when it closes).

type Area = "local" | "session";

const storage = (area: Area): Storage | undefined =>
  area === "local" ? globalThis.localStorage : globalThis.sessionStorage;

export function readJson<T>(key: string, fallback: T, area: Area = "local"): T {
  try {
    const raw = storage(area)?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function writeJson(key: string, value: unknown, area: Area = "local"): void {
  try {
    storage(area)?.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the value simply does not persist.
  }
}

export function removeKey(key: string, area: Area = "local"): void {
  try {
    storage(area)?.removeItem(key);
  } catch {
    // Nothing stored, nothing to remove.
  }
}
