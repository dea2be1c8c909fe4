/**
 * For a Tab press inside a focus trap: the element to focus instead, or null
 * to let the browser move focus (it stays inside the trap on its own).
 */
export function nextFocus<T>(focusables: readonly T[], active: unknown, backwards: boolean): T | null {
  const first = focusables[0];
  const last = focusables[focusables.length - 1];
  if (first === undefined || last === undefined) return null;
  const at = focusables.indexOf(active as T);
  if (at === -1) return backwards ? last : first;
  if (backwards && at === 0) return last;
  if (!backwards && at === focusables.length - 1) return first;
  return null;
}

const FOCUSABLE =
  "button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex='-1'])";

/**
 * Keeps Tab cycling inside `container` (a modal <dialog> makes the page behind it inert, but Tab could still
 * leave for the browser chrome). Call from the container's keydown handler.
 */
export function trapTab(event: KeyboardEvent, container: HTMLElement | undefined): void {
  if (event.key !== "Tab" || !container) return;
  const focusables = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE));
  const target = nextFocus(focusables, document.activeElement, event.shiftKey);
  if (target) {
    event.preventDefault();
    target.focus();
  }
}
