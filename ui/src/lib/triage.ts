// Triage's labels in words: the chips on a list row, the reading pane's Triage section (who decided, how sure,
// the language, the words behind each label) and Settings' figures on the agents' own labels.
//
// Evidence terms and urgency phrases are words from the post, which anyone can write: they are only ever shown as
// text.

import type {
  Evidence,
  Intent,
  LabelSource,
  Labels,
  Progress,
  RetrainReport,
  Sentiment,
  TriageQuality,
  TriageSummary,
  Urgency,
  UrgencyCue,
} from "../bindings";
import { formatCount, plural } from "./format";
import { viewIntent, type TriageView } from "./views";

/** From this spam probability on, triage calls a mention spam (as Rust's `SPAM_THRESHOLD`). */
export const SPAM_THRESHOLD = 0.5;

export function isSpam(probability: number | null | undefined): boolean {
  return probability !== null && probability !== undefined && probability >= SPAM_THRESHOLD;
}

/** The intents, in the order the reading pane offers them. */
export const INTENTS: readonly Intent[] = ["complaint", "question", "praise", "other"];

export const INTENT_LABELS: Record<Intent, string> = {
  complaint: "Complaint",
  question: "Question",
  praise: "Praise",
  other: "Other",
};

export const SENTIMENT_LABELS: Record<Sentiment, string> = {
  negative: "Negative",
  neutral: "Neutral",
  positive: "Positive",
};

/** As Rust names each cue: "Urgent: legal threat". */
export const URGENCY_LABELS: Record<UrgencyCue, string> = {
  outage: "outage",
  money: "money",
  cancellation: "cancellation",
  legal: "legal threat",
  safety: "safety",
  security: "security",
};

/** Who decided a label, in words that follow the label: "Complaint · by the model". */
export const SOURCE_LABELS: Record<LabelSource, string> = {
  model: "by the model",
  similar: "like an item an agent labelled",
  agent: "by an agent",
};

/** The urgency cue and the words that raised it: "Legal threat: “my lawyer”". The phrase is the post's own text. */
export function urgencyText(urgency: Urgency): string {
  const cue = URGENCY_LABELS[urgency.cue];
  const name = cue.charAt(0).toUpperCase() + cue.slice(1);
  const phrase = urgency.phrase.trim();
  return phrase === "" ? name : `${name}: \u201c${phrase}\u201d`;
}

/**
 * A probability as a whole percent: "92%". Never "0%" for something above zero nor "100%" for something below one:
 * those read as certain, so they are "under 1%" and "over 99%". Null when not known.
 */
export function percent(p: number | null | undefined): string | null {
  if (p === null || p === undefined || !Number.isFinite(p)) return null;
  const clamped = Math.min(1, Math.max(0, p));
  const whole = Math.round(clamped * 100);
  if (whole === 0 && clamped > 0) return "under 1%";
  if (whole === 100 && clamped < 1) return "over 99%";
  return `${whole}%`;
}

/** "Spam 92%", or "Spam" when the probability is not known. */
function spamChip(p: number | null): string {
  const pc = percent(p);
  return pc === null ? "Spam" : `Spam ${pc}`;
}

/** A chip on a list row: its words (always shown, never colour alone) and its look. */
export interface Chip {
  text: string;
  tone: "urgent" | "intent" | "negative" | "spam";
}

/**
 * The triage chips for a row in `view`, most pressing first: "Urgent: outage", the intent (not in its own view,
 * nor "Other"), and "Negative tone" when it adds something (a complaint is negative already). A spam item shows
 * only "Spam 92%": its intent and tone do not matter. Nothing until the item has been triaged.
 */
export function rowChips(triage: TriageSummary | null, view: TriageView): Chip[] {
  if (!triage) return [];
  if (view === "spam" || triage.queue === "spam") return [{ text: spamChip(triage.spam), tone: "spam" }];
  const chips: Chip[] = [];
  if (triage.urgency) chips.push({ text: `Urgent: ${URGENCY_LABELS[triage.urgency]}`, tone: "urgent" });
  if (triage.intent !== "other" && triage.intent !== viewIntent(view)) {
    chips.push({ text: INTENT_LABELS[triage.intent], tone: "intent" });
  }
  if (triage.sentiment === "negative" && triage.intent !== "complaint") {
    chips.push({ text: "Negative tone", tone: "negative" });
  }
  return chips;
}

/** The chips as a screen reader hears them with the row: "Triage: Urgent: outage, Question." ("" for none). */
export function chipsText(chips: readonly Chip[]): string {
  return chips.length === 0 ? "" : `Triage: ${chips.map((c) => c.text).join(", ")}.`;
}

// ---------------------------------------------------------------------------
// The reading pane.

/** "Spam" or "Not spam", with how likely: "92% likely"; an agent's word needs no figure. */
export function spamVerdict(labels: Pick<Labels, "spam" | "spam_source">): { verdict: string; detail: string | null } {
  const verdict = isSpam(labels.spam) ? "Spam" : "Not spam";
  if (labels.spam_source === "agent") return { verdict, detail: null };
  const pc = percent(labels.spam);
  return { verdict, detail: pc === null ? null : `${pc} likely to be spam` };
}

/** "81% sure", or null when the model gave no confidence (or an agent decided). */
export function confidenceText(confidence: number | null, source: LabelSource): string | null {
  if (source === "agent") return null;
  const pc = percent(confidence);
  return pc === null ? null : `${pc} sure`;
}

/** English names for the ISO 639-3 codes triage's language detector gives most. */
const LANGUAGES: Record<string, string> = {
  eng: "English",
  spa: "Spanish",
  fra: "French",
  deu: "German",
  ita: "Italian",
  por: "Portuguese",
  nld: "Dutch",
  swe: "Swedish",
  dan: "Danish",
  nob: "Norwegian",
  fin: "Finnish",
  pol: "Polish",
  ces: "Czech",
  ron: "Romanian",
  hun: "Hungarian",
  ell: "Greek",
  tur: "Turkish",
  rus: "Russian",
  ukr: "Ukrainian",
  ara: "Arabic",
  heb: "Hebrew",
  pes: "Persian",
  hin: "Hindi",
  ben: "Bengali",
  urd: "Urdu",
  cmn: "Chinese",
  jpn: "Japanese",
  kor: "Korean",
  vie: "Vietnamese",
  tha: "Thai",
  ind: "Indonesian",
  tgl: "Tagalog",
  cat: "Catalan",
  epo: "Esperanto",
};

/** "Spanish" for "spa"; a code without a name here as given; "Not clear" when the detector was unsure. */
export function languageName(code: string | null | undefined): string {
  const c = code?.trim() ?? "";
  if (c === "") return "Not clear";
  return LANGUAGES[c.toLowerCase()] ?? c;
}

/** One word or cue behind a label, and how much it weighed, in words. */
export interface EvidenceLine {
  /** The term as Rust describes it: “refund”, letters “scam”, asks a question, like item 42 that… */
  term: string;
  /** "+1.4" (the model's log-odds), "87% alike" (a similar labelled item); null when there is no figure. */
  weight: string | null;
}

/** A model weight: two decimals under 1 ("+0.42"), one from there ("+1.4"), a real minus sign below zero. */
function signedWeight(w: number): string {
  const digits = Math.abs(w) < 1 ? 2 : 1;
  const text = Math.abs(w).toFixed(digits);
  if (Number(text) === 0) return text;
  return (w > 0 ? "+" : "\u2212") + text;
}

/** The evidence behind a label decided by `source`. Terms stay exactly as sent: text, never markup. */
export function evidenceLines(evidence: readonly Evidence[], source: LabelSource): EvidenceLine[] {
  return evidence
    .filter((e) => e.term.trim() !== "")
    .map((e) => {
      const w = e.weight;
      if (w === null || !Number.isFinite(w) || source === "agent") return { term: e.term, weight: null };
      if (source === "similar") return { term: e.term, weight: `${percent(w) ?? ""} alike` };
      return { term: e.term, weight: signedWeight(w) };
    });
}

/** A label's evidence under "Why this label": the verdict it explains, and its lines. */
export interface EvidenceGroup {
  id: "spam" | "intent" | "sentiment";
  /** The verdict explained: "Not spam", "Complaint", "Negative tone". */
  title: string;
  lines: EvidenceLine[];
}

/** The evidence for spam, intent and tone, leaving out a label with none. */
export function evidenceGroups(labels: Labels): EvidenceGroup[] {
  const groups: EvidenceGroup[] = [
    {
      id: "spam",
      title: spamVerdict(labels).verdict,
      lines: evidenceLines(labels.spam_evidence, labels.spam_source),
    },
    {
      id: "intent",
      title: INTENT_LABELS[labels.intent],
      lines: evidenceLines(labels.intent_evidence, labels.intent_source),
    },
    {
      id: "sentiment",
      title: `${SENTIMENT_LABELS[labels.sentiment]} tone`,
      lines: evidenceLines(labels.sentiment_evidence, "model"),
    },
  ];
  return groups.filter((g) => g.lines.length > 0);
}

/** An agent's word on whether the item needs a person, in words; null when no agent has said. */
export function actionableText(actionable: boolean | null | undefined): string | null {
  if (actionable === true) return "Yes: an agent answered or escalated it";
  if (actionable === false) return "No: an agent closed it without a reply";
  return null;
}

// ---------------------------------------------------------------------------
// Settings: how triage does on the agents' own labels.

export const NOT_ENOUGH_SPAM_LABELS = "Not enough labels yet — mark a few items as spam or not spam.";
export const NOT_ENOUGH_INTENT_LABELS = "Not enough labels yet — set the intent of a few items (press i on one).";

/** One figure of the Triage settings: its name, the figure or why there is none, and what it means. */
export interface QualityFigure {
  id: "spam_precision" | "spam_recall" | "intent_accuracy";
  label: string;
  /** "94%", or null with too few labels. */
  value: string | null;
  /** What to do while there is no figure, or what the figure means. */
  note: string;
}

export function qualityFigures(q: TriageQuality): QualityFigure[] {
  const figure = (
    id: QualityFigure["id"],
    label: string,
    value: number | null,
    means: string,
    missing: string,
  ): QualityFigure => {
    const shown = percent(value);
    return { id, label, value: shown, note: shown === null ? missing : means };
  };
  return [
    figure(
      "spam_precision",
      "Spam precision",
      q.spam_precision,
      "Of the items triage calls spam, the share your agents also call spam.",
      NOT_ENOUGH_SPAM_LABELS,
    ),
    figure(
      "spam_recall",
      "Spam recall",
      q.spam_recall,
      "Of the items your agents call spam, the share triage finds.",
      NOT_ENOUGH_SPAM_LABELS,
    ),
    figure(
      "intent_accuracy",
      "Intent accuracy",
      q.intent_accuracy,
      "Of the items your agents gave an intent, the share triage gets right.",
      NOT_ENOUGH_INTENT_LABELS,
    ),
  ];
}

/** "Measured on 12 items marked spam or not spam and 1 item given an intent." */
export function labelCountsText(q: Pick<TriageQuality, "spam_labels" | "intent_labels" | "retrained">): string {
  if (q.retrained?.adopted && q.spam_labels + q.intent_labels === 0) {
    return "The model in use learnt from every label so far: too few to hold some back and measure it on.";
  }
  const heldBack = q.retrained?.adopted ? ", held back from its training" : "";
  return `Measured on ${plural(q.spam_labels, "item")} marked spam or not spam and ${plural(q.intent_labels, "item")} given an intent${heldBack}.`;
}

/** What the last retraining did, in a sentence or two for Settings. */
export function retrainedText(r: RetrainReport, when: string): string {
  const figures = (f: RetrainReport["before"]) => {
    const parts: string[] = [];
    if (f.spam_labels > 0) parts.push(`spam recall ${percent(f.spam_recall) ?? "—"}, precision ${percent(f.spam_precision) ?? "—"}`);
    if (f.intent_labels > 0) parts.push(`intent accuracy ${percent(f.intent_accuracy) ?? "—"}`);
    return parts.join("; ") || "no figures";
  };
  const measured =
    r.held_back > 0
      ? ` On the ${plural(r.held_back, "label")} held back: the starter model had ${figures(r.before)}; the retrained one ${figures(r.after)}.`
      : " Too few labels yet to hold some back and measure it.";
  const what = `Retrained ${when} on ${plural(r.labels, "labelled item")} and ${plural(r.mentions, "recent mention")}.${measured}`;
  return r.adopted
    ? `${what} The retrained model is in use.`
    : `${what} It did worse, so the starter model stays in use.`;
}

// ---------------------------------------------------------------------------
// Triaging again in the background, after a label.

/** The status line while the open items are triaged again: what is happening, and how far it has got. */
export function retriageText(p: Pick<Progress, "done" | "total" | "phase">): { words: string; count: string | null } {
  if (p.phase.startsWith("Retraining")) {
    // Rust retrains every few labels: "Retraining: reading this workspace's mentions", then measuring, then learning.
    if (p.total > 0 && p.done >= p.total && p.phase.includes("every label")) {
      return { words: "Triage retrained on your agents' labels.", count: null };
    }
    return { words: `${p.phase}…`, count: p.total > 0 ? `${formatCount(p.done)} of ${formatCount(p.total)}` : null };
  }
  if (p.total > 0 && p.done >= p.total) return { words: "Open items triaged again.", count: null };
  if (p.total > 0) return { words: "Triaging open items again…", count: `${formatCount(p.done)} of ${formatCount(p.total)}` };
  return { words: "Triaging open items again…", count: null };
}

/** True once the background triage has nothing left to do. */
export function retriageDone(p: Pick<Progress, "done" | "total">): boolean {
  return p.done >= p.total;
}
