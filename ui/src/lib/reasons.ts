/** Width in percent of a reason's bar, relative to the largest contribution. */
export function contributionWidth(contribution: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(contribution)) return 0;
  return Math.round(Math.min(1, Math.abs(contribution) / max) * 100);
}
