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

/** The score's factors by their stable names (`Reason.factor`), as people call them. */
export const FACTOR_LABELS: Readonly<Record<string, string>> = {
  followers: "Followers",
  verified: "Verified",
  account_age: "Account age",
  waiting: "Waiting",
  engagement: "Engagement",
  intent: "Intent",
  sentiment: "Tone",
  urgency: "Urgency",
  spam: "Spam",
  customer: "Customer",
};

/** A factor's name: "Account age" for `account_age`, and a name Earshot does not know yet made readable. */
export function factorName(factor: string): string {
  const known = FACTOR_LABELS[factor];
  if (known) return known;
  const words = factor.replace(/[_-]+/g, " ").trim();
  return words === "" ? "Other" : words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A reason as the reading pane lists it. Rust's labels mostly name their factor ("Followers: 12.4k", "Urgent: outage
 * (“site down”)", "Looks like spam (92%)"); an intent's is the intent alone ("Complaint"), so it gets the factor's
 * name in front: "Intent: Complaint".
 */
export function reasonText(reason: { factor: string; label: string }): string {
  return reason.factor === "intent" ? `${factorName(reason.factor)}: ${reason.label}` : reason.label;
}
