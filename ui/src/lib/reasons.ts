/** Width in percent of a reason's bar, relative to the largest contribution. */
export function contributionWidth(contribution: number | null, max: number): number {
  if (contribution === null || !(max > 0) || !Number.isFinite(contribution)) return 0;
  return Math.round(Math.min(1, Math.abs(contribution) / max) * 100);
}

/** The sign of a contribution as shown (to one decimal): 1, -1 or 0. */
export function contributionSign(contribution: number | null): number {
  if (contribution === null) return 0;
  const rounded = Math.round(contribution * 10) / 10;
  return rounded > 0 ? 1 : rounded < 0 ? -1 : 0;
}
