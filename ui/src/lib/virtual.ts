// Window maths for the virtualised inbox list. Every row has the same height,
// so the rows to draw follow from the scroll offset alone.

export interface Viewport {
  scrollTop: number;
  height: number;
}

export interface WindowRange {
  /** First index to render. */
  start: number;
  /** One past the last index to render. */
  end: number;
}

/**
 * The rows to render for a viewport: those at least partly visible, plus
 * `overscan` rows either side, clamped to `[0, total)`.
 */
export function visibleRange(viewport: Viewport, rowHeight: number, total: number, overscan: number): WindowRange {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, viewport.scrollTop);
  const height = Math.max(0, viewport.height);
  const first = Math.min(total - 1, Math.floor(top / rowHeight));
  const last = Math.min(total, Math.ceil((top + height) / rowHeight)); // exclusive
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, Math.max(last, first + 1) + overscan),
  };
}

/** The indices to render: the window, plus `pinned` (the selection) if outside it. */
export function renderIndices(range: WindowRange, pinned: number | null, total: number): number[] {
  const out: number[] = [];
  if (pinned !== null && pinned >= 0 && pinned < total && pinned < range.start) out.push(pinned);
  for (let i = range.start; i < range.end; i++) out.push(i);
  if (pinned !== null && pinned >= range.end && pinned < total) out.push(pinned);
  return out;
}

/**
 * The scroll offset that brings row `index` fully into view with the least
 * movement, or null when it is already fully visible.
 */
export function revealOffset(index: number, rowHeight: number, viewport: Viewport): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < viewport.scrollTop) return top;
  if (bottom > viewport.scrollTop + viewport.height) return Math.max(0, bottom - viewport.height);
  return null;
}

/** The height of the scrollable content. */
export function contentHeight(total: number, rowHeight: number): number {
  return Math.max(0, total) * rowHeight;
}

/** How many rows a PageUp/PageDown moves: a screenful less one, at least 1. */
export function pageSize(viewportHeight: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewportHeight / rowHeight) - 1);
}
