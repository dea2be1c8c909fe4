// The priority weights in Settings: each factor's field with a label and a hint, the defaults (the one place the UI
// keeps them; Rust's `PriorityWeights::default` holds the same), and the fields turned into what
// set_priority_weights takes. Rust takes each weight from 0 to 100.

import type { PriorityWeights } from "../bindings";

/** The name of one weight. */
export type WeightKey = keyof PriorityWeights;

/** Every weight, as set_priority_weights takes it. */
export type Weights = Record<WeightKey, number>;

export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 100;

export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({
  followers: 1,
  verified: 1.5,
  new_account: 2,
  established_account: 0.5,
  waiting_per_hour: 0.25,
  engagement: 1,
  complaint: 2,
  question: 1.5,
  praise: 0.5,
  negative: 1,
  urgent: 3,
  spam: 8,
  customer: 3,
});

export interface WeightField {
  key: WeightKey;
  label: string;
  /** What one point of it means, in plain words. */
  hint: string;
  /** True when the points are taken away rather than added. */
  takes?: boolean;
}

export interface WeightGroup {
  id: string;
  title: string;
  fields: readonly WeightField[];
}

/** The fields, grouped as Settings shows them; every weight once. */
export const WEIGHT_GROUPS: readonly WeightGroup[] = [
  {
    id: "author",
    title: "Who wrote it",
    fields: [
      {
        key: "followers",
        label: "Followers",
        hint: "Points per tenfold followers: 10 followers earn it once, 1,000 three times, 100,000 five times.",
      },
      { key: "verified", label: "Verified account", hint: "Points for an author the network has verified." },
      {
        key: "new_account",
        label: "New account",
        hint: "Points taken from accounts under 30 days old, all of them at one day old.",
        takes: true,
      },
      {
        key: "established_account",
        label: "Established account",
        hint: "Points for an account at least a year old when it posted.",
      },
      {
        key: "customer",
        label: "Customer",
        hint: "Points for a customer, scaled by the standing your CRM gives them (all of them for the most valued).",
      },
    ],
  },
  {
    id: "mention",
    title: "The mention",
    fields: [
      {
        key: "waiting_per_hour",
        label: "Waiting, per hour",
        hint: "Points for every hour a mention waits, so nothing waits for ever.",
      },
      {
        key: "engagement",
        label: "Engagement",
        hint: "Points per tenfold replies and reposts the mention has drawn.",
      },
    ],
  },
  {
    id: "triage",
    title: "What triage found",
    fields: [
      { key: "complaint", label: "Complaint", hint: "Points for a complaint, times how sure triage is." },
      { key: "question", label: "Question", hint: "Points for a question, times how sure triage is." },
      { key: "praise", label: "Praise", hint: "Points for praise, times how sure triage is." },
      { key: "negative", label: "Negative tone", hint: "Points for a negative tone, times how sure triage is." },
      {
        key: "urgent",
        label: "Urgent",
        hint: "Points for an urgency cue: an outage, money, a cancellation, a legal threat, safety or security.",
      },
      {
        key: "spam",
        label: "Spam",
        hint: "Points taken at full spam probability; half of them at 50%.",
        takes: true,
      },
    ],
  },
];

export const WEIGHT_FIELDS: readonly WeightField[] = WEIGHT_GROUPS.flatMap((g) => g.fields);

/** The text a weight's field shows: "0.25", "8". Float noise is rounded off ("0.30000000000000004" is "0.3"). */
export function weightText(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** The fields' text for saved weights; a weight Rust left out shows its default. */
export function draftsOf(weights: PriorityWeights): Record<WeightKey, string> {
  const out = {} as Record<WeightKey, string>;
  for (const f of WEIGHT_FIELDS) {
    const v = weights[f.key];
    out[f.key] = weightText(typeof v === "number" && Number.isFinite(v) ? v : DEFAULT_WEIGHTS[f.key]);
  }
  return out;
}

export type WeightProblem = "empty" | "not_number" | "negative" | "too_large";

/** A weight as typed: " 1.5 ", ".5", "3". A comma is not a decimal point here. */
export function parseWeight(text: string): { ok: true; value: number } | { ok: false; problem: WeightProblem } {
  const t = text.trim();
  if (t === "") return { ok: false, problem: "empty" };
  if (!/^[-+\u2212]?(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, problem: "not_number" };
  const value = Number(t.replace("\u2212", "-"));
  if (!Number.isFinite(value)) return { ok: false, problem: "not_number" };
  if (value < MIN_WEIGHT) return { ok: false, problem: "negative" };
  if (value > MAX_WEIGHT) return { ok: false, problem: "too_large" };
  return { ok: true, value };
}

/** What is wrong with a weight, in words. */
export function weightMessage(problem: WeightProblem, label: string): string {
  switch (problem) {
    case "empty":
      return `Enter a number from 0 to 100 for ${label}.`;
    case "not_number":
      return `${label} must be a number from 0 to 100, such as 1.5 (with a dot, not a comma).`;
    case "negative":
      return `${label} can't be below 0. To turn a factor off, set it to 0.`;
    case "too_large":
      return `${label} can be at most 100.`;
  }
}

/** Checks every field, in the order Settings shows them; the first problem wins. */
export function weightsFromDrafts(
  drafts: Readonly<Partial<Record<WeightKey, string>>>,
): { ok: true; weights: Weights } | { ok: false; field: WeightKey; message: string } {
  const weights = {} as Weights;
  for (const f of WEIGHT_FIELDS) {
    const parsed = parseWeight(drafts[f.key] ?? "");
    if (!parsed.ok) return { ok: false, field: f.key, message: weightMessage(parsed.problem, f.label) };
    weights[f.key] = parsed.value;
  }
  return { ok: true, weights };
}

/** The fields hold the defaults (as numbers: "1.50" is 1.5). */
export function isDefault(drafts: Readonly<Partial<Record<WeightKey, string>>>): boolean {
  return WEIGHT_FIELDS.every((f) => {
    const parsed = parseWeight(drafts[f.key] ?? "");
    return parsed.ok && parsed.value === DEFAULT_WEIGHTS[f.key];
  });
}
