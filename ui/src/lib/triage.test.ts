import { describe, expect, it } from "vitest";
import type { Labels, RetrainReport, TriageQuality, TriageSummary } from "../bindings";
import {
  actionableText,
  chipsText,
  confidenceText,
  evidenceGroups,
  evidenceLines,
  isSpam,
  labelCountsText,
  languageName,
  NOT_ENOUGH_INTENT_LABELS,
  NOT_ENOUGH_SPAM_LABELS,
  percent,
  qualityFigures,
  retriageDone,
  retrainedText,
  retriageText,
  rowChips,
  SOURCE_LABELS,
  spamVerdict,
  urgencyText,
} from "./triage";

const summary = (over: Partial<TriageSummary> = {}): TriageSummary => ({
  queue: "actionable",
  intent: "question",
  sentiment: "neutral",
  urgency: null,
  spam: 0.02,
  language: "eng",
  ...over,
});

const labels = (over: Partial<Labels> = {}): Labels => ({
  spam: 0.03,
  spam_source: "model",
  intent: "complaint",
  intent_confidence: 0.81,
  intent_source: "model",
  sentiment: "negative",
  sentiment_confidence: 0.74,
  urgency: null,
  language: "eng",
  spam_evidence: [],
  intent_evidence: [],
  sentiment_evidence: [],
  actionable: null,
  ...over,
});

describe("percent", () => {
  it("rounds to a whole percent", () => {
    expect(percent(0.923)).toBe("92%");
    expect(percent(0.5)).toBe("50%");
    expect(percent(0)).toBe("0%");
    expect(percent(1)).toBe("100%");
  });

  it("never rounds a possibility to a certainty", () => {
    expect(percent(0.003)).toBe("under 1%");
    expect(percent(0.9996)).toBe("over 99%");
  });

  it("has nothing to say about an unknown or broken figure", () => {
    expect(percent(null)).toBeNull();
    expect(percent(undefined)).toBeNull();
    expect(percent(Number.NaN)).toBeNull();
  });

  it("keeps a figure out of range within 0 to 100", () => {
    expect(percent(1.2)).toBe("100%");
    expect(percent(-0.1)).toBe("0%");
  });
});

describe("isSpam", () => {
  it("calls spam from 50% on", () => {
    expect(isSpam(0.5)).toBe(true);
    expect(isSpam(0.49)).toBe(false);
    expect(isSpam(null)).toBe(false);
  });
});

describe("rowChips", () => {
  it("shows nothing for an item not triaged yet", () => {
    expect(rowChips(null, "actionable")).toEqual([]);
    expect(chipsText([])).toBe("");
  });

  it("shows the intent, in words", () => {
    expect(rowChips(summary({ intent: "question" }), "actionable")).toEqual([{ text: "Question", tone: "intent" }]);
    expect(rowChips(summary({ intent: "praise" }), "all")).toEqual([{ text: "Praise", tone: "intent" }]);
  });

  it("leaves out the intent its own view already says, and Other", () => {
    expect(rowChips(summary({ intent: "question" }), "questions")).toEqual([]);
    expect(rowChips(summary({ intent: "other" }), "actionable")).toEqual([]);
  });

  it("puts urgency first, with its cue", () => {
    const chips = rowChips(summary({ intent: "complaint", urgency: "outage" }), "actionable");
    expect(chips.map((c) => c.text)).toEqual(["Urgent: outage", "Complaint"]);
    expect(rowChips(summary({ urgency: "legal" }), "all")[0]?.text).toBe("Urgent: legal threat");
  });

  it("says a negative tone unless the item is a complaint", () => {
    expect(rowChips(summary({ intent: "question", sentiment: "negative" }), "actionable").map((c) => c.text)).toEqual([
      "Question",
      "Negative tone",
    ]);
    expect(rowChips(summary({ intent: "complaint", sentiment: "negative" }), "actionable").map((c) => c.text)).toEqual([
      "Complaint",
    ]);
    expect(rowChips(summary({ sentiment: "positive" }), "actionable").some((c) => c.tone === "negative")).toBe(false);
  });

  it("shows only the spam probability for spam", () => {
    expect(rowChips(summary({ queue: "spam", spam: 0.92, intent: "question", urgency: "money" }), "spam")).toEqual([
      { text: "Spam 92%", tone: "spam" },
    ]);
    expect(rowChips(summary({ queue: "spam", spam: 0.97 }), "all")).toEqual([{ text: "Spam 97%", tone: "spam" }]);
    expect(rowChips(summary({ queue: "spam", spam: null }), "spam")[0]?.text).toBe("Spam");
  });

  it("reads the chips out as one sentence", () => {
    expect(chipsText(rowChips(summary({ intent: "complaint", urgency: "money" }), "actionable"))).toBe(
      "Triage: Urgent: money, Complaint.",
    );
  });
});

describe("the reading pane's labels", () => {
  it("says spam or not spam and how likely", () => {
    expect(spamVerdict({ spam: 0.92, spam_source: "model" })).toEqual({ verdict: "Spam", detail: "92% likely to be spam" });
    expect(spamVerdict({ spam: 0.03, spam_source: "similar" })).toEqual({
      verdict: "Not spam",
      detail: "3% likely to be spam",
    });
    expect(spamVerdict({ spam: 1, spam_source: "agent" })).toEqual({ verdict: "Spam", detail: null });
    expect(spamVerdict({ spam: null, spam_source: "model" })).toEqual({ verdict: "Not spam", detail: null });
  });

  it("gives the model's confidence, but no figure for an agent's word", () => {
    expect(confidenceText(0.81, "model")).toBe("81% sure");
    expect(confidenceText(0.6, "similar")).toBe("60% sure");
    expect(confidenceText(1, "agent")).toBeNull();
    expect(confidenceText(null, "model")).toBeNull();
  });

  it("says who decided, in words that follow the label", () => {
    expect(SOURCE_LABELS.model).toBe("by the model");
    expect(SOURCE_LABELS.similar).toBe("like an item an agent labelled");
    expect(SOURCE_LABELS.agent).toBe("by an agent");
  });

  it("names the urgency cue with the post's own words", () => {
    expect(urgencyText({ cue: "outage", phrase: "site is down" })).toBe("Outage: “site is down”");
    expect(urgencyText({ cue: "legal", phrase: "  my lawyer " })).toBe("Legal threat: “my lawyer”");
    expect(urgencyText({ cue: "money", phrase: "" })).toBe("Money");
  });

  it("names languages in English and keeps a code it does not know", () => {
    expect(languageName("eng")).toBe("English");
    expect(languageName("spa")).toBe("Spanish");
    expect(languageName("JPN")).toBe("Japanese");
    expect(languageName("gle")).toBe("gle");
    expect(languageName(null)).toBe("Not clear");
    expect(languageName("  ")).toBe("Not clear");
  });

  it("says what an agent decided about needing a person", () => {
    expect(actionableText(true)).toContain("Yes");
    expect(actionableText(false)).toContain("No");
    expect(actionableText(null)).toBeNull();
    expect(actionableText(undefined)).toBeNull();
  });
});

describe("evidence", () => {
  it("shows the model's weights signed, with more digits under 1", () => {
    const lines = evidenceLines(
      [
        { term: "“refund”", weight: 1.43 },
        { term: "asks a question", weight: 0.423 },
        { term: "letters “scam”", weight: -0.2 },
      ],
      "model",
    );
    expect(lines).toEqual([
      { term: "“refund”", weight: "+1.4" },
      { term: "asks a question", weight: "+0.42" },
      { term: "letters “scam”", weight: "\u22120.20" },
    ]);
  });

  it("shows how alike a similar labelled item is, and no figure for an agent", () => {
    expect(evidenceLines([{ term: "like item 42 that an agent marked spam", weight: 0.87 }], "similar")).toEqual([
      { term: "like item 42 that an agent marked spam", weight: "87% alike" },
    ]);
    expect(evidenceLines([{ term: "an agent marked it spam", weight: 1 }], "agent")).toEqual([
      { term: "an agent marked it spam", weight: null },
    ]);
  });

  it("keeps a term exactly as sent, markup and all, and drops blank ones", () => {
    const hostile = "“<img src=x onerror=alert(1)>”";
    expect(evidenceLines([{ term: hostile, weight: null }, { term: "  ", weight: 2 }], "model")).toEqual([
      { term: hostile, weight: null },
    ]);
  });

  it("groups the evidence by the verdict it explains, leaving out empty groups", () => {
    const groups = evidenceGroups(
      labels({
        spam: 0.96,
        spam_evidence: [{ term: "“free”", weight: 2.1 }],
        intent_evidence: [],
        sentiment_evidence: [{ term: "overall tone (VADER)", weight: 0.9 }],
      }),
    );
    expect(groups.map((g) => [g.id, g.title])).toEqual([
      ["spam", "Spam"],
      ["sentiment", "Negative tone"],
    ]);
    expect(groups[0]?.lines).toEqual([{ term: "“free”", weight: "+2.1" }]);
  });

  it("titles the intent group with the intent, and spam evidence under a low probability as Not spam", () => {
    const groups = evidenceGroups(
      labels({
        spam_evidence: [{ term: "“thanks”", weight: 0.5 }],
        intent_evidence: [{ term: "like item 9 that an agent marked question", weight: 0.7 }],
        intent: "question",
        intent_source: "similar",
      }),
    );
    expect(groups.map((g) => g.title)).toEqual(["Not spam", "Question"]);
    expect(groups[1]?.lines[0]?.weight).toBe("70% alike");
  });
});

describe("triage quality", () => {
  const quality = (over: Partial<TriageQuality> = {}): TriageQuality => ({
    spam_labels: 40,
    spam_precision: 0.94,
    spam_recall: 0.815,
    intent_labels: 12,
    intent_accuracy: 0.75,
    model: "Starter model",
    retrained: null,
    ...over,
  });

  it("shows each figure as a percent with what it means", () => {
    const figures = qualityFigures(quality());
    expect(figures.map((f) => [f.label, f.value])).toEqual([
      ["Spam precision", "94%"],
      ["Spam recall", "82%"],
      ["Intent accuracy", "75%"],
    ]);
    expect(figures[0]?.note).toContain("triage calls spam");
  });

  it("asks for labels while there are too few", () => {
    const figures = qualityFigures(quality({ spam_precision: null, spam_recall: null, intent_accuracy: null }));
    expect(figures.map((f) => f.value)).toEqual([null, null, null]);
    expect(figures[0]?.note).toBe(NOT_ENOUGH_SPAM_LABELS);
    expect(figures[1]?.note).toBe(NOT_ENOUGH_SPAM_LABELS);
    expect(figures[2]?.note).toBe(NOT_ENOUGH_INTENT_LABELS);
    expect(NOT_ENOUGH_SPAM_LABELS).toBe("Not enough labels yet — mark a few items as spam or not spam.");
  });

  it("counts the labels it was measured on", () => {
    expect(labelCountsText({ spam_labels: 1, intent_labels: 0, retrained: null })).toBe(
      "Measured on 1 item marked spam or not spam and 0 items given an intent.",
    );
    expect(labelCountsText({ spam_labels: 1204, intent_labels: 3, retrained: null })).toBe(
      "Measured on 1,204 items marked spam or not spam and 3 items given an intent.",
    );
    expect(labelCountsText({ spam_labels: 6, intent_labels: 0, retrained: retrained() })).toBe(
      "Measured on 6 items marked spam or not spam and 0 items given an intent, held back from its training.",
    );
    expect(labelCountsText({ spam_labels: 0, intent_labels: 0, retrained: retrained({ held_back: 0 }) })).toBe(
      "The model in use learnt from every label so far: too few to hold some back and measure it on.",
    );
  });

  const retrained = (over: Partial<RetrainReport> = {}): RetrainReport => ({
    at: "2026-11-29T18:00:00Z",
    labels: 30,
    mentions: 3000,
    held_back: 6,
    before: { spam_labels: 6, spam_precision: null, spam_recall: 0, intent_labels: 0, intent_accuracy: null },
    after: { spam_labels: 6, spam_precision: 1, spam_recall: 1, intent_labels: 0, intent_accuracy: null },
    adopted: true,
    ...over,
  });

  it("says what the last retraining did, and whether its model is in use", () => {
    expect(retrainedText(retrained(), "29 Nov, 18:00")).toBe(
      "Retrained 29 Nov, 18:00 on 30 labelled items and 3,000 recent mentions. On the 6 labels held back: the starter model had spam recall 0%, precision —; the retrained one spam recall 100%, precision 100%. The retrained model is in use.",
    );
    expect(retrainedText(retrained({ adopted: false }), "today")).toContain("It did worse, so the starter model stays in use.");
    expect(retrainedText(retrained({ labels: 2, held_back: 0 }), "today")).toBe(
      "Retrained today on 2 labelled items and 3,000 recent mentions. Too few labels yet to hold some back and measure it. The retrained model is in use.",
    );
  });
});

describe("triaging again", () => {
  it("says how far it has got, then that it is done", () => {
    expect(retriageText({ done: 120, total: 4000, phase: "Triaging similar items again" })).toEqual({ words: "Triaging open items again…", count: "120 of 4,000" });
    expect(retriageText({ done: 0, total: 0, phase: "Triaging similar items again" })).toEqual({ words: "Triaging open items again…", count: null });
    expect(retriageText({ done: 400, total: 400, phase: "Triaging again" })).toEqual({ words: "Open items triaged again.", count: null });
  });

  it("says when triage retrains, and when it has", () => {
    expect(retriageText({ done: 500, total: 3060, phase: "Retraining: reading this workspace's mentions" })).toEqual({
      words: "Retraining: reading this workspace's mentions…",
      count: "500 of 3,060",
    });
    expect(retriageText({ done: 2, total: 2, phase: "Retraining: learning from every label" })).toEqual({
      words: "Triage retrained on your agents' labels.",
      count: null,
    });
  });

  it("is done when every item is, or when there was nothing to do", () => {
    expect(retriageDone({ done: 399, total: 400 })).toBe(false);
    expect(retriageDone({ done: 400, total: 400 })).toBe(true);
    expect(retriageDone({ done: 0, total: 0 })).toBe(true);
  });
});
