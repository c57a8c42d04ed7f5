import { onCleanup } from "solid-js";

const NEAR_BOTTOM_PX = 80;

/**
 * Keeps a scrolling conversation pinned to its end while the reader is there (new messages, streaming
 * text), and keeps the reader's place when earlier messages are put in above. Adjusts at most once per
 * frame: each adjustment costs a layout.
 */
export function createScrollAnchor(scroller: () => HTMLElement | undefined) {
  let pinned = true;
  let keepFromBottom: number | null = null;
  let frame: number | undefined;

  const onScroll = () => {
    const element = scroller();
    if (element) pinned = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
  };

  const adjust = () => {
    frame = undefined;
    const element = scroller();
    if (!element) return;
    if (keepFromBottom !== null) {
      element.scrollTop = element.scrollHeight - keepFromBottom;
      keepFromBottom = null;
    } else if (pinned) {
      element.scrollTop = element.scrollHeight;
    }
  };

  const settle = () => {
    frame ??= requestAnimationFrame(adjust);
  };
  onCleanup(() => frame !== undefined && cancelAnimationFrame(frame));

  return {
    /** Call after the content changed. */
    settle,
    /** Call before earlier messages are added above. */
    holdPlace(): void {
      const element = scroller();
      if (element) keepFromBottom = element.scrollHeight - element.scrollTop;
    },
    /** Whether the reader is at the end (or has not scrolled away from it). */
    isPinned: () => pinned,
    pinToEnd(): void {
      pinned = true;
      settle();
    },
    /** Follows the reader's scrolling. */
    watchScrolling(element: HTMLElement): void {
      element.addEventListener("scroll", onScroll, { passive: true });
      onCleanup(() => element.removeEventListener("scroll", onScroll));
    },
    /** Follows the content's size (Markdown arriving, earlier pages, a growing answer). */
    watchSize(content: HTMLElement): void {
      if (typeof ResizeObserver === "undefined") return;
      const resizes = new ResizeObserver(() => settle());
      resizes.observe(content);
      onCleanup(() => resizes.disconnect());
    },
  };
}
