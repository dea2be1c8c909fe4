// Selection arithmetic for the list. -1 means "nothing selected".

/** Moves the selection by `delta`, clamped to the list; starts at 0 if none. */
export function move(current: number, delta: number, total: number): number {
  if (total <= 0) return -1;
  if (current < 0) return delta < 0 ? total - 1 : 0;
  return clamp(current + delta, total);
}

export function clamp(index: number, total: number): number {
  if (total <= 0) return -1;
  return Math.min(Math.max(0, index), total - 1);
}

/**
 * Where the selection goes after the row at `removed` left the list: the row
 * that took its place (the next one), or the new last row.
 */
export function afterRemoval(selected: number, removed: number, totalAfter: number): number {
  if (totalAfter <= 0) return -1;
  if (selected > removed) return selected - 1;
  return clamp(selected, totalAfter);
}
