import { describe, expect, it } from "vitest";
import {
  DEFAULT_WEIGHTS,
  draftsOf,
  isDefault,
  parseWeight,
  WEIGHT_FIELDS,
  WEIGHT_GROUPS,
  weightsFromDrafts,
  weightText,
  type WeightKey,
} from "./weights";

const ALL_KEYS: WeightKey[] = [
  "followers",
  "verified",
  "new_account",
  "established_account",
  "waiting_per_hour",
  "engagement",
  "complaint",
  "question",
  "praise",
  "negative",
  "urgent",
  "spam",
  "customer",
];

const defaultsAsText = () => draftsOf({});

describe("the weight fields", () => {
  it("has one field per weight, each once, with a label and a hint", () => {
    expect(WEIGHT_FIELDS.map((f) => f.key).sort()).toEqual([...ALL_KEYS].sort());
    expect(new Set(WEIGHT_FIELDS.map((f) => f.key)).size).toBe(ALL_KEYS.length);
    for (const f of WEIGHT_FIELDS) {
      expect(f.label.trim()).not.toBe("");
      expect(f.hint.length).toBeGreaterThan(20);
    }
    expect(WEIGHT_GROUPS.flatMap((g) => g.fields)).toEqual(WEIGHT_FIELDS);
  });

  it("marks the weights that take points away", () => {
    expect(WEIGHT_FIELDS.filter((f) => f.takes).map((f) => f.key)).toEqual(["new_account", "spam"]);
  });

  it("keeps the defaults Rust ships", () => {
    expect(DEFAULT_WEIGHTS).toEqual({
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
    expect(Object.isFrozen(DEFAULT_WEIGHTS)).toBe(true);
  });
});

describe("draftsOf and weightText", () => {
  it("writes saved weights as their fields show them, without float noise", () => {
    expect(weightText(0.25)).toBe("0.25");
    expect(weightText(8)).toBe("8");
    expect(weightText(0.1 + 0.2)).toBe("0.3");
    const drafts = draftsOf({ ...DEFAULT_WEIGHTS, urgent: 5, spam: 0 });
    expect(drafts.urgent).toBe("5");
    expect(drafts.spam).toBe("0");
    expect(drafts.waiting_per_hour).toBe("0.25");
  });

  it("fills a weight Rust left out, or sent as null, with its default", () => {
    const drafts = draftsOf({ urgent: 4, spam: null });
    expect(drafts.urgent).toBe("4");
    expect(drafts.spam).toBe("8");
    expect(drafts.followers).toBe("1");
  });
});

describe("parseWeight", () => {
  it("reads numbers from 0 to 100", () => {
    expect(parseWeight(" 1.5 ")).toEqual({ ok: true, value: 1.5 });
    expect(parseWeight(".5")).toEqual({ ok: true, value: 0.5 });
    expect(parseWeight("0")).toEqual({ ok: true, value: 0 });
    expect(parseWeight("100")).toEqual({ ok: true, value: 100 });
    expect(parseWeight("3.")).toEqual({ ok: true, value: 3 });
  });

  it("refuses what is not a number from 0 to 100", () => {
    expect(parseWeight("")).toEqual({ ok: false, problem: "empty" });
    expect(parseWeight("   ")).toEqual({ ok: false, problem: "empty" });
    expect(parseWeight("abc")).toEqual({ ok: false, problem: "not_number" });
    expect(parseWeight("1,5")).toEqual({ ok: false, problem: "not_number" });
    expect(parseWeight("1e2")).toEqual({ ok: false, problem: "not_number" });
    expect(parseWeight("Infinity")).toEqual({ ok: false, problem: "not_number" });
    expect(parseWeight("-1")).toEqual({ ok: false, problem: "negative" });
    expect(parseWeight("\u22120.5")).toEqual({ ok: false, problem: "negative" });
    expect(parseWeight("100.01")).toEqual({ ok: false, problem: "too_large" });
  });
});

describe("weightsFromDrafts", () => {
  it("turns the defaults' fields back into the defaults", () => {
    expect(weightsFromDrafts(defaultsAsText())).toEqual({ ok: true, weights: { ...DEFAULT_WEIGHTS } });
  });

  it("sends every weight, with the one changed", () => {
    const result = weightsFromDrafts({ ...defaultsAsText(), urgent: "6" });
    expect(result.ok && result.weights.urgent).toBe(6);
    expect(result.ok && Object.keys(result.weights).sort()).toEqual([...ALL_KEYS].sort());
  });

  it("names the first field in the order shown, with a clear message", () => {
    const result = weightsFromDrafts({ ...defaultsAsText(), spam: "200", verified: "" });
    expect(result).toEqual({ ok: false, field: "verified", message: "Enter a number from 0 to 100 for Verified account." });
    const tooMuch = weightsFromDrafts({ ...defaultsAsText(), spam: "200" });
    expect(tooMuch).toEqual({ ok: false, field: "spam", message: "Spam can be at most 100." });
    const below = weightsFromDrafts({ ...defaultsAsText(), negative: "-2" });
    expect(below.ok === false && below.message).toContain("can't be below 0");
  });

  it("counts a missing field as empty", () => {
    const { followers: _, ...rest } = defaultsAsText();
    expect(weightsFromDrafts(rest)).toMatchObject({ ok: false, field: "followers" });
  });
});

describe("isDefault", () => {
  it("compares numbers, not text", () => {
    expect(isDefault(defaultsAsText())).toBe(true);
    expect(isDefault({ ...defaultsAsText(), verified: "1.50" })).toBe(true);
    expect(isDefault({ ...defaultsAsText(), verified: "1.6" })).toBe(false);
    expect(isDefault({ ...defaultsAsText(), verified: "x" })).toBe(false);
  });
});
