import { describe, expect, it } from "vitest";
import {
  keywordsProblem,
  keywordsSavedText,
  keywordsText,
  MAX_KEYWORD_CHARS,
  overlap,
  parseKeywords,
  sameKeywords,
} from "./keywords";

describe("keywords", () => {
  it("trims, collapses spaces and drops empties", () => {
    expect(parseKeywords("  spokewise ,  flat   tyre,,  , #ebike\t")).toEqual(["spokewise", "flat tyre", "#ebike"]);
    expect(parseKeywords("")).toEqual([]);
    expect(parseKeywords(" , ,")).toEqual([]);
  });

  it("drops repeats ignoring case, keeping the first spelling", () => {
    expect(parseKeywords("Spokewise, spokewise, SPOKEWISE, Flat Tyre, flat  tyre")).toEqual([
      "Spokewise",
      "Flat Tyre",
    ]);
  });

  it("shows keywords for editing and compares them in any order", () => {
    expect(keywordsText(["bikes", "spokewise"])).toBe("bikes, spokewise");
    expect(keywordsText([])).toBe("");
    expect(parseKeywords(keywordsText(["flat tyre", "bikes"]))).toEqual(["flat tyre", "bikes"]);
    expect(sameKeywords(["b", "a"], ["a", "b"])).toBe(true);
    expect(sameKeywords(["a"], ["A"])).toBe(false);
    expect(sameKeywords(["a"], ["a", "b"])).toBe(false);
  });

  it("says what a save did", () => {
    expect(keywordsSavedText([])).toBe("Keywords cleared.");
    expect(keywordsSavedText(["a"])).toBe("Saved 1 keyword.");
    expect(keywordsSavedText(["a", "b"])).toBe("Saved 2 keywords.");
  });

  it("refuses a keyword over the engine's length limit, naming its start", () => {
    expect(keywordsProblem([])).toBeNull();
    expect(keywordsProblem(["spokewise", "x".repeat(MAX_KEYWORD_CHARS)])).toBeNull();
    // Characters, not UTF-16 units: 100 emoji are 100 characters.
    expect(keywordsProblem(["🚲".repeat(100)])).toBeNull();
    expect(keywordsProblem(["ok", "a".repeat(40) + "b".repeat(61)])).toBe(
      `“${"a".repeat(30)}…” is longer than 100 characters. Use a shorter phrase, and commas between keywords.`,
    );
  });

  it("finds the keywords in both lists, ignoring case", () => {
    expect(overlap(["Spokewise", "tempo", "atlas"], ["hiring", "TEMPO", "Spokewise"])).toEqual(["Spokewise", "tempo"]);
    expect(overlap(["spokewise"], ["jobs"])).toEqual([]);
    expect(overlap([], ["jobs"])).toEqual([]);
  });
});
