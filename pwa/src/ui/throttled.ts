import { type Accessor, createEffect, createSignal, onCleanup } from "solid-js";

/** A signal that follows `source` at most once per `intervalMs` (and always ends on its last value). */
export function createThrottled<T>(source: Accessor<T>, intervalMs: number): Accessor<T> {
  const [value, setValue] = createSignal<T>(source());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  createEffect(() => {
    const next = source();
    const wait = last + intervalMs - Date.now();
    clearTimeout(timer);
    if (wait <= 0) {
      last = Date.now();
      setValue(() => next);
    } else {
      timer = setTimeout(() => {
        last = Date.now();
        setValue(() => next);
      }, wait);
    }
  });
  onCleanup(() => clearTimeout(timer));
  return value;
}
