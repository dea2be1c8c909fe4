import type { Progress } from "../bindings";

/** Whole percent done, 0–100, or null before any progress (or with no total). */
export function progressPercent(p: Progress | null): number | null {
  if (!p || !(p.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.round((p.done / p.total) * 100)));
}
