// Pure helpers for the keyword fields (an account's brand keywords, a listening source's include and exclude
// keywords): comma-separated text turned into the list the commands take, and back.

import { plural } from "./format";

/** The longest keyword the engine takes (core::keywords::MAX_KEYWORD_CHARS), counted in characters. */
export const MAX_KEYWORD_CHARS = 100;

/**
 * The keywords in a comma-separated field: each trimmed with inner spaces collapsed, empties dropped, and
 * repeats dropped ignoring case (the first spelling wins).
 */
export function parseKeywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(",")) {
    const keyword = part.trim().replace(/\s+/g, " ");
    if (keyword === "") continue;
    const key = keyword.normalize("NFC").toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(keyword);
  }
  return out;
}

/** Keywords as the field shows them: "bikes, spokewise". */
export function keywordsText(keywords: readonly string[]): string {
  return keywords.join(", ");
}

/** The same keywords, in any order (the engine stores them sorted). */
export function sameKeywords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((k, i) => k === y[i]);
}

/** What saving keywords did, in words. */
export function keywordsSavedText(keywords: readonly string[]): string {
  return keywords.length === 0 ? "Keywords cleared." : `Saved ${plural(keywords.length, "keyword")}.`;
}

/** What is wrong with parsed keywords before they are sent (the engine refuses the same); null if nothing. */
export function keywordsProblem(keywords: readonly string[]): string | null {
  const long = keywords.find((k) => [...k].length > MAX_KEYWORD_CHARS);
  if (long === undefined) return null;
  const start = [...long].slice(0, 30).join("");
  return `“${start}…” is longer than ${MAX_KEYWORD_CHARS} characters. Use a shorter phrase, and commas between keywords.`;
}

/** The keywords in both lists, as first written in `include`: an entry with one of them would never be kept. */
export function overlap(include: readonly string[], exclude: readonly string[]): string[] {
  const excluded = new Set(exclude.map((k) => k.normalize("NFC").toLowerCase()));
  return include.filter((k) => excluded.has(k.normalize("NFC").toLowerCase()));
}
