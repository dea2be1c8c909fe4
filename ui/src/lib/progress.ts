import type { Progress } from "../bindings";
import { formatCount } from "./format";

/** Whole percent done, 0–100, or null before any progress (or with no total). */
export function progressPercent(p: Progress | null): number | null {
  if (!p || !(p.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.round((p.done / p.total) * 100)));
}

/** Progress as a status line says it: "Fetching mentions — 2 of 3", or the phase alone ("Connecting…") before a total is known. */
export function progressText(p: Progress): string {
  return p.total > 0 ? `${p.phase} — ${formatCount(p.done)} of ${formatCount(p.total)}` : `${p.phase}…`;
}
