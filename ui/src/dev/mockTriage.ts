// Triage for the in-browser mock backend (`npm run dev` without Tauri): a handful of keyword rules stand in for
// Rust's models, so the views, chips, the reading pane's Triage section, agents' labels (with "similar" items
// following a label in the background) and the priority weights all have something to show. Never shipped.

import type {
  Evidence,
  Intent,
  Labels,
  PriorityWeights,
  Queue,
  Reason,
  Sentiment,
  TriageQuality,
  TriageSummary,
  Urgency,
  UrgencyCue,
} from "../bindings";
import { DEFAULT_WEIGHTS, type Weights } from "../lib/weights";

const SPAM_THRESHOLD = 0.5;

/** Every weight, as Rust's defaults (kept in one place, lib/weights.ts). */
export const MOCK_DEFAULT_WEIGHTS: Weights = { ...DEFAULT_WEIGHTS };

export type MockWeights = Weights;

const SPAM_WORDS = ["free", "giveaway", "followers", "eth", "dm me", "limited time", "click here"];
const COMPLAINT_WORDS = ["hasn't shipped", "no reply", "skipping", "charged twice", "down all", "refund", "cracked", "fix this", "sigue sin llegar"];
const PRAISE_WORDS = ["amazing", "thank", "love", "wow", "best", "fixed"];
const NEGATIVE_WORDS = ["hasn't", "no reply", "can't", "skipping", "charged twice", "down all", "cracked", "fix this", "keeps saying no"];
const URGENCY: { cue: UrgencyCue; re: RegExp }[] = [
  { cue: "outage", re: /\b(down all \w+|outage|can't unlock)/i },
  { cue: "money", re: /(charged twice|chargeback|disputing it)/i },
  { cue: "cancellation", re: /(cancel my \w+)/i },
  { cue: "legal", re: /(my lawyer|lawsuit)/i },
  { cue: "safety", re: /(recall\w*|can crack)/i },
  { cue: "security", re: /(hacked|fraud|stolen)/i },
];

function hits(text: string, words: readonly string[]): string[] {
  const folded = text.toLowerCase();
  return words.filter((w) => folded.includes(w));
}

const quote = (w: string) => `\u201c${w}\u201d`;

/** What the "model" says about a text, before any agent's word. */
export function modelLabels(text: string): Labels {
  const spamHits = hits(text, SPAM_WORDS);
  const spam = spamHits.length >= 2 ? Math.min(0.99, 0.78 + spamHits.length * 0.06) : spamHits.length === 1 ? 0.31 : 0.03;
  const complaint = hits(text, COMPLAINT_WORDS);
  const praise = hits(text, PRAISE_WORDS);
  const asks = text.includes("?");
  let intent: Intent = "other";
  let intentEvidence: Evidence[] = [];
  if (complaint.length > 0) {
    intent = "complaint";
    intentEvidence = complaint.map((w, i) => ({ term: quote(w), weight: 1.6 - i * 0.4 }));
  } else if (asks) {
    intent = "question";
    intentEvidence = [{ term: "asks a question", weight: 1.3 }];
  } else if (praise.length > 0) {
    intent = "praise";
    intentEvidence = praise.map((w, i) => ({ term: quote(w), weight: 1.2 - i * 0.3 }));
  }
  const negative = hits(text, NEGATIVE_WORDS);
  const sentiment: Sentiment = negative.length > 0 ? "negative" : praise.length > 0 ? "positive" : "neutral";
  const sentimentEvidence: Evidence[] =
    sentiment === "negative"
      ? [...negative.map((w) => ({ term: quote(w), weight: 0.9 })), { term: "overall tone (VADER)", weight: 0.6 }]
      : sentiment === "positive"
        ? [{ term: "positive words (VADER)", weight: 1.1 }]
        : [];
  let urgency: Urgency | null = null;
  for (const u of URGENCY) {
    const m = u.re.exec(text);
    if (m) {
      urgency = { cue: u.cue, phrase: m[0] };
      break;
    }
  }
  const spamEvidence: Evidence[] =
    spam >= SPAM_THRESHOLD
      ? [...spamHits.map((w) => ({ term: quote(w), weight: 1.4 })), ...(text.includes("http") ? [{ term: "contains a link", weight: 0.7 }] : [])]
      : [{ term: text.includes("@") ? "“<user>”" : "very short", weight: 0.4 }];
  const spanish = /[¿¡]|\b(pedido|envíos|sigue)\b/i.test(text);
  return {
    spam,
    spam_source: "model",
    intent,
    intent_confidence: intent === "other" ? 0.55 : Math.min(0.97, 0.62 + intentEvidence.length * 0.11),
    intent_source: "model",
    sentiment,
    sentiment_confidence: sentiment === "neutral" ? 0.58 : 0.74 + Math.min(0.2, negative.length * 0.08),
    urgency,
    language: text.replace(/\s+/g, " ").length < 24 ? null : spanish ? "spa" : "eng",
    spam_evidence: spamEvidence,
    intent_evidence: intentEvidence,
    sentiment_evidence: sentimentEvidence,
    actionable: null,
  };
}

export function queueOf(l: Labels): Queue {
  if ((l.spam ?? 0) >= SPAM_THRESHOLD) return "spam";
  if (l.actionable ?? (l.intent !== "other" || l.urgency !== null)) return "actionable";
  return "other";
}

export function summaryOf(l: Labels): TriageSummary {
  return {
    queue: queueOf(l),
    intent: l.intent,
    sentiment: l.sentiment,
    urgency: l.urgency?.cue ?? null,
    spam: l.spam,
    language: l.language,
  };
}

/** The triage factors of the score, as Rust's Priority::assess_with writes them. */
export function triageReasons(l: Labels, w: MockWeights): Reason[] {
  const reasons: Reason[] = [];
  const intentWeight = { complaint: w.complaint, question: w.question, praise: w.praise, other: 0 }[l.intent];
  const label = { complaint: "Complaint", question: "Question", praise: "Praise", other: "Other" }[l.intent];
  if (intentWeight > 0) reasons.push({ factor: "intent", label, contribution: intentWeight * (l.intent_confidence ?? 1) });
  if (l.sentiment === "negative" && w.negative > 0) {
    reasons.push({ factor: "sentiment", label: "Negative tone", contribution: w.negative * (l.sentiment_confidence ?? 1) });
  }
  if (l.urgency && w.urgent > 0) {
    const cue = l.urgency.cue === "legal" ? "legal threat" : l.urgency.cue;
    reasons.push({ factor: "urgency", label: `Urgent: ${cue} (\u201c${l.urgency.phrase}\u201d)`, contribution: w.urgent });
  }
  if ((l.spam ?? 0) >= 0.2 && w.spam > 0) {
    reasons.push({
      factor: "spam",
      label: `Looks like spam (${Math.round((l.spam ?? 0) * 100)}%)`,
      contribution: -w.spam * (l.spam ?? 0),
    });
  }
  return reasons;
}

/** An agent's word on an item. */
export interface AgentWord {
  spam?: boolean;
  intent?: Intent;
}

/** A label an item took from a labelled item like it. */
export interface SimilarWord {
  spam?: { value: boolean; from: string };
  intent?: { value: Intent; from: string };
}

/** The text without handles, links and numbers: near-copies (spam waves) share it. */
export function likeness(text: string): string {
  return text
    .toLowerCase()
    .replace(/@\S+/g, "")
    .replace(/https?:\/\/\S+/g, "")
    .replace(/\d+/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The model's verdict, then a similar labelled item's, then an agent's own word, which always wins. */
export function labelsWith(text: string, agent: AgentWord | undefined, similar: SimilarWord | undefined): Labels {
  const l = modelLabels(text);
  if (agent?.spam !== undefined) {
    l.spam = agent.spam ? 1 : 0;
    l.spam_source = "agent";
    l.spam_evidence = [{ term: `an agent marked it ${agent.spam ? "spam" : "not spam"}`, weight: 1 }];
  } else if (similar?.spam) {
    l.spam = similar.spam.value ? 1 : 0;
    l.spam_source = "similar";
    l.spam_evidence = [{ term: `like item ${similar.spam.from} that an agent marked ${similar.spam.value ? "spam" : "not spam"}`, weight: 0.92 }];
  }
  if (agent?.intent !== undefined) {
    l.intent = agent.intent;
    l.intent_confidence = 1;
    l.intent_source = "agent";
    l.intent_evidence = [{ term: `an agent marked it ${agent.intent}`, weight: 1 }];
  } else if (similar?.intent) {
    l.intent = similar.intent.value;
    l.intent_confidence = 0.92;
    l.intent_source = "similar";
    l.intent_evidence = [{ term: `like item ${similar.intent.from} that an agent marked ${similar.intent.value}`, weight: 0.92 }];
  }
  return l;
}

const MIN_LABELS = 5;

/** Like Rust's triage_quality: each labelled item judged by the model alone. */
export function qualityOf(labelled: { text: string; word: AgentWord }[]): TriageQuality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let spamN = 0;
  let intentN = 0;
  let intentOk = 0;
  for (const { text, word } of labelled) {
    const judged = modelLabels(text);
    if (word.spam !== undefined) {
      spamN++;
      const said = (judged.spam ?? 0) >= SPAM_THRESHOLD;
      if (said && word.spam) tp++;
      else if (said && !word.spam) fp++;
      else if (!said && word.spam) fn++;
    }
    if (word.intent !== undefined) {
      intentN++;
      if (judged.intent === word.intent) intentOk++;
    }
  }
  const enoughSpam = spamN >= MIN_LABELS;
  return {
    spam_labels: spamN,
    spam_precision: enoughSpam && tp + fp > 0 ? tp / (tp + fp) : null,
    spam_recall: enoughSpam && tp + fn > 0 ? tp / (tp + fn) : null,
    intent_labels: intentN,
    intent_accuracy: intentN >= MIN_LABELS ? intentOk / intentN : null,
    retrained: null,
    model:
      "Browser preview: a few keyword rules stand in for the starter model, which is trained on 600 brand mentions written for Earshot (MIT), the SMS Spam Collection (CC BY 4.0), Bitext customer-support utterances (CDLA-Sharing-1.0) and VADER's rated tweets (MIT).",
  };
}
