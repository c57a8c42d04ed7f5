import { createMemo } from "solid-js";

const sameKeys = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((key, index) => key === b[index]);

/**
 * A list's keys, and its items by key. A `<For>` over the keys keeps each item's elements (and their
 * focus, and what is open in them) when the list arrives again with new objects: fetched again, or one
 * item changed.
 */
export function createKeyedList<T>(list: () => readonly T[], key: (item: T) => string) {
  const byKey = createMemo(() => new Map(list().map((item) => [key(item), item])));
  const keys = createMemo(() => list().map(key), [], { equals: sameKeys });
  return { keys, get: (itemKey: string): T | undefined => byKey().get(itemKey) };
}
