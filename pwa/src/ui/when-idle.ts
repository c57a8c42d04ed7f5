/** Runs `task` when the browser is idle (at the latest after two seconds). */
export function whenIdle(task: () => void): void {
  if (typeof globalThis.requestIdleCallback === "function") requestIdleCallback(task, { timeout: 2_000 });
  else setTimeout(task, 200);
}
