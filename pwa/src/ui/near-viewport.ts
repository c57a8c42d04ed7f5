import { type Accessor, createSignal, onCleanup } from "solid-js";

// One shared observer tells elements when they come near the visible part of the page. Expensive
// rendering (Markdown) waits for that, so opening a long chat only renders what can be seen.

const callbacks = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | undefined;

function sharedObserver(): IntersectionObserver | undefined {
  if (typeof IntersectionObserver === "undefined") return undefined;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        callbacks.get(entry.target)?.();
        callbacks.delete(entry.target);
        observer?.unobserve(entry.target);
      }
    },
    { rootMargin: "600px 0px" },
  );
  return observer;
}

/** Becomes (and stays) true once the element has been near the viewport. */
export function createNearViewport(): [Accessor<boolean>, (element: Element) => void] {
  const [near, setNear] = createSignal(false);
  const track = (element: Element) => {
    const shared = sharedObserver();
    if (!shared) {
      setNear(true);
      return;
    }
    callbacks.set(element, () => setNear(true));
    shared.observe(element);
    onCleanup(() => {
      callbacks.delete(element);
      shared.unobserve(element);
    });
  };
  return [near, track];
}
