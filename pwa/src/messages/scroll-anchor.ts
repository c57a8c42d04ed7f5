import { onCleanup } from "solid-js";

const NEAR_BOTTOM_PX = 80;

interface Place {
  /** The first item the reader sees (at least partly). */
  item: Element;
  /** Its distance from the top of the view. */
  offset: number;
}

/**
 * Keeps a scrolling conversation pinned to its end while the reader is there (new messages, streaming
 * text), and keeps the reader's place anywhere else: the first message in view stays where it is while
 * earlier pages, a button's changed label or re-rendered Markdown change the height above it. Safari
 * has no CSS scroll anchoring, and Chromium's skips changes made while the reader scrolls, hence by hand.
 * Reads and adjusts at most once per frame: each costs a layout.
 */
export function createScrollAnchor(scroller: () => HTMLElement | undefined, itemSelector: string) {
  let pinned = true;
  let content: HTMLElement | undefined;
  let place: Place | undefined;
  let frame: number | undefined;
  let resized = false;
  let scrolled = false;

  /** The first item whose bottom is below the top of the view (a binary search: items are in order). */
  const readPlace = (element: HTMLElement): Place | undefined => {
    const items = content?.querySelectorAll(itemSelector);
    if (!items || items.length === 0) return undefined;
    const viewTop = element.getBoundingClientRect().top;
    let low = 0;
    let high = items.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((items[middle]?.getBoundingClientRect().bottom ?? 0) > viewTop) high = middle;
      else low = middle + 1;
    }
    const item = items[low];
    if (!item) return undefined;
    return { item, offset: item.getBoundingClientRect().top - viewTop };
  };

  const keepPlace = (element: HTMLElement) => {
    if (!place?.item.isConnected) return;
    const moved = place.item.getBoundingClientRect().top - element.getBoundingClientRect().top - place.offset;
    if (moved !== 0) element.scrollTop += moved;
  };

  const adjust = () => {
    frame = undefined;
    const element = scroller();
    if (!element) return;
    if (pinned) {
      place = undefined;
      if (resized) element.scrollTop = element.scrollHeight;
    } else {
      if (resized) keepPlace(element);
      if (scrolled || resized) place = readPlace(element);
    }
    resized = false;
    scrolled = false;
  };

  const schedule = () => {
    frame ??= requestAnimationFrame(adjust);
  };
  onCleanup(() => frame !== undefined && cancelAnimationFrame(frame));

  const settle = () => {
    resized = true;
    schedule();
  };

  const onScroll = () => {
    const element = scroller();
    if (!element) return;
    pinned = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    scrolled = true;
    schedule();
  };

  return {
    /** Call after the content changed. */
    settle,
    /** Call before earlier messages are added above: the place is read now, not at the next frame. */
    holdPlace(): void {
      const element = scroller();
      if (element && !pinned) place = readPlace(element);
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
    watchSize(element: HTMLElement): void {
      content = element;
      if (typeof ResizeObserver === "undefined") return;
      // Adjusted before this frame is painted, so that inserted pages never show the wrong place.
      const resizes = new ResizeObserver(() => {
        if (frame !== undefined) cancelAnimationFrame(frame);
        resized = true;
        adjust();
      });
      resizes.observe(element);
      onCleanup(() => resizes.disconnect());
    },
  };
}
