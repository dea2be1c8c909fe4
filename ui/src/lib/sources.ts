// Pure helpers for listening sources (RSS and Atom feeds of forums, blogs, review sites and Google Alerts) in the
// Accounts dialog, and for the web items they bring into the inbox: a source's state and times in words, what a
// fetch did, and the add and edit forms turned into what the commands take. Nothing here talks to Rust.

import type { HandleRef, HandleSummary, Role, SourceView, SyncReport } from "../bindings";
import { clockTime, syncSummary, type Tone } from "./accounts";
import { agoText, parseTime, plural, relativeUntil, ROLE_LABELS } from "./format";
import { keywordsProblem, keywordsText, overlap, parseKeywords, sameKeywords } from "./keywords";

export type SourceState = "healthy" | "syncing" | "rate_limited" | "unreachable";

/** The name a person knows a source by: the feed's own title, else the short name Earshot gave it. */
export function sourceTitle(source: Pick<SourceView, "title" | "name">): string {
  return source.title?.trim() || source.name;
}

/** The state pill. A site that asked Earshot to wait says until when (the next fetch). */
export function sourceStateLabel(source: Pick<SourceView, "state" | "next_fetch_at">): { text: string; tone: Tone } {
  switch (source.state) {
    case "healthy":
      return { text: "Healthy", tone: "ok" };
    case "syncing":
      return { text: "Fetching…", tone: "busy" };
    case "rate_limited": {
      const until = clockTime(source.next_fetch_at);
      return { text: until ? `Site asked to wait until ${until}` : "Site asked to wait", tone: "warn" };
    }
    case "unreachable":
      return { text: "Feed unreachable", tone: "bad" };
    default:
      return { text: `Unknown state (${source.state})`, tone: "warn" };
  }
}

/** A source a person has to act on: its feed cannot be fetched. Entries that could not be read are only a note. */
export function sourceNeedsAttention(source: Pick<SourceView, "state">): boolean {
  return source.state === "unreachable";
}

/** "Last fetched 5 min ago", "Last fetched on Mar 4", "Not fetched yet". */
export function lastFetchText(iso: string | null, now: number): string {
  return agoText("Last fetched", iso, now) ?? "Not fetched yet";
}

/** "Next fetch in 4 min"; "Next fetch with the next sync" when nothing holds it back. */
export function nextFetchText(iso: string | null, now: number): string {
  const t = parseTime(iso);
  if (iso === null || t === null || t <= now) return "Next fetch with the next sync";
  return `Next fetch ${relativeUntil(iso, now)}`;
}

/** "No items yet", "1 item found", "1,204 items found": the inbox items a source found, open or done. */
export function itemsText(items: number): string {
  return items === 0 ? "No items yet" : `${plural(items, "item")} found`;
}

/** The include keywords as the row shows them; none means every entry is kept. */
export function includeText(include: readonly string[]): string {
  return include.length === 0 ? "Every entry" : keywordsText(include);
}

export function excludeText(exclude: readonly string[]): string {
  return exclude.length === 0 ? "None" : keywordsText(exclude);
}

/**
 * What "Fetch now" did, in words. A site that asked Earshot to wait was not asked again: the report says until
 * when, and nothing was fetched.
 */
export function fetchSummary(report: SyncReport, now: number): { text: string; ok: boolean } {
  const next = report.next_fetch_at ?? null;
  if (next !== null && (parseTime(next) ?? 0) > now) {
    const at = clockTime(next);
    return {
      text: `Not fetched: the site asked Earshot to wait${at ? ` until ${at}` : ""}. Try again ${relativeUntil(next, now)}.`,
      ok: false,
    };
  }
  return syncSummary(report);
}

/** Said when a source was added: its name and what it brought in at once. */
export function addedText(source: Pick<SourceView, "title" | "name" | "items">): string {
  const found =
    source.items === 0
      ? "Nothing in the feed mentions your keywords yet; new entries that do will join the inbox."
      : `${plural(source.items, "item")} joined the inbox.`;
  return `Added ${sourceTitle(source)}. ${found}`;
}

/** Said when a source was removed, where its row was. */
export function removedText(source: Pick<SourceView, "title" | "name" | "items">): string {
  const what = `Stopped listening to ${sourceTitle(source)}.`;
  if (source.items === 0) return what;
  return `${what} Its ${plural(source.items, "item")} ${source.items === 1 ? "stays" : "stay"} in your inbox.`;
}

// ---------------------------------------------------------------------------
// Adding and editing sources.

const ADDRESS_EXAMPLE = "https://forum.example.com/latest.rss";

/**
 * A feed's address as typed, checked before anything is sent: http or https only (`https://` is added when no
 * scheme is given, as Rust does), with a site. The address to send, or what is wrong in words.
 */
export function feedAddress(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (text === "") return { ok: false, message: `Enter the feed's address, such as ${ADDRESS_EXAMPLE}.` };
  if (/\s/.test(text)) return { ok: false, message: "A web address has no spaces. Copy the feed's address again." };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  // "localhost:8080/feed.xml" names a port, not a scheme.
  const named = scheme && !/^\d+(\/|$)/.test(text.slice(scheme[0].length)) ? (scheme[1] ?? "").toLowerCase() : null;
  if (named === "feed") {
    return { ok: false, message: "Use the feed's web address: replace feed:// at its start with https://." };
  }
  if (named !== null && named !== "http" && named !== "https") {
    return {
      ok: false,
      message: `Earshot reads feeds over http and https only, and this is a ${named}: address. Use the feed's web address, such as ${ADDRESS_EXAMPLE}.`,
    };
  }
  const url = named === null ? `https://${text}` : text;
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    host = "";
  }
  if (host === "") {
    return { ok: false, message: `That is not a web address. Use the feed's full address, such as ${ADDRESS_EXAMPLE}.` };
  }
  return { ok: true, url };
}

/** The field a problem is about, so the form can mark it and move focus to it. */
export type SourceField = "url" | "include" | "exclude";

export interface SourceProblem {
  field: SourceField;
  message: string;
}

/** The add form as typed: keywords as comma-separated text. */
export interface SourceForm {
  url: string;
  include: string;
  exclude: string;
  role: Role;
}

/** Exactly the arguments of `add_source`. */
export interface SourceRequest {
  url: string;
  include: string[];
  exclude: string[];
  role: Role;
}

function quoteAll(words: readonly string[]): string {
  const quoted = words.map((w) => `“${w}”`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** The keyword fields checked: the lists, or the first problem (include first). */
function checkKeywords(
  includeRaw: string,
  excludeRaw: string,
): { ok: true; include: string[]; exclude: string[] } | { ok: false; problem: SourceProblem } {
  const include = parseKeywords(includeRaw);
  const exclude = parseKeywords(excludeRaw);
  const longInclude = keywordsProblem(include);
  if (longInclude) return { ok: false, problem: { field: "include", message: longInclude } };
  const longExclude = keywordsProblem(exclude);
  if (longExclude) return { ok: false, problem: { field: "exclude", message: longExclude } };
  const both = overlap(include, exclude);
  if (both.length > 0) {
    const are = both.length === 1 ? "is" : "are";
    return {
      ok: false,
      problem: {
        field: "exclude",
        message: `${quoteAll(both)} ${are} in both lists, so an entry that mentions ${both.length === 1 ? "it" : "them"} is never kept. Take ${both.length === 1 ? "it" : "them"} out of one list.`,
      },
    };
  }
  return { ok: true, include, exclude };
}

/** Checks the add form and builds `add_source`'s arguments: the first problem, in field order, or the request. */
export function sourceRequest(
  form: SourceForm,
): { ok: true; request: SourceRequest } | { ok: false; problem: SourceProblem } {
  const address = feedAddress(form.url);
  if (!address.ok) return { ok: false, problem: { field: "url", message: address.message } };
  const keywords = checkKeywords(form.include, form.exclude);
  if (!keywords.ok) return keywords;
  return {
    ok: true,
    request: { url: address.url, include: keywords.include, exclude: keywords.exclude, role: form.role },
  };
}

/** The edit form as typed. */
export interface SourceEditForm {
  include: string;
  exclude: string;
  role: Role;
}

/** Exactly `update_source`'s arguments after the ID: null leaves that one as it is. */
export interface SourceUpdate {
  include: string[] | null;
  exclude: string[] | null;
  role: Role | null;
}

/** The edit form as the form first shows it: what the source has now. */
export function editForm(source: Pick<SourceView, "include" | "exclude" | "role">): SourceEditForm {
  return { include: keywordsText(source.include), exclude: keywordsText(source.exclude), role: source.role };
}

/**
 * Checks the edit form against the source and builds `update_source`'s arguments, sending only what changed
 * (`changed` false: nothing to save). Keywords are compared in any order, as the engine stores them sorted.
 */
export function sourceUpdate(
  source: Pick<SourceView, "include" | "exclude" | "role">,
  form: SourceEditForm,
): { ok: true; update: SourceUpdate; changed: boolean } | { ok: false; problem: SourceProblem } {
  const keywords = checkKeywords(form.include, form.exclude);
  if (!keywords.ok) return keywords;
  const update: SourceUpdate = {
    include: sameKeywords(keywords.include, source.include) ? null : keywords.include,
    exclude: sameKeywords(keywords.exclude, source.exclude) ? null : keywords.exclude,
    role: form.role === source.role ? null : form.role,
  };
  const changed = update.include !== null || update.exclude !== null || update.role !== null;
  return { ok: true, update, changed };
}

/** What saving an edit did, in words. New keywords make the next fetch read the whole feed again. */
export function updatedText(update: SourceUpdate): string {
  const parts: string[] = [];
  if (update.include !== null) parts.push("include keywords");
  if (update.exclude !== null) parts.push("exclude keywords");
  if (update.role !== null) parts.push(`role (${ROLE_LABELS[update.role]})`);
  if (parts.length === 0) return "No changes to save.";
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  const again =
    update.include !== null || update.exclude !== null
      ? " The next fetch checks every entry in the feed against them."
      : "";
  return `Saved the ${list}.${again}`;
}

// ---------------------------------------------------------------------------
// Web items in the reading pane.

/** A listening source's handle by the name people know: its feed's title (from the handle list), else its own. */
export function sourceHandleName(
  handle: Pick<HandleRef, "id" | "account">,
  summaries: readonly Pick<HandleSummary, "id" | "display_name">[],
): string {
  return summaries.find((h) => h.id === handle.id)?.display_name?.trim() || handle.account;
}

/**
 * Where a web item came from, for "This came from …": its source's feed title (from the handle list), else the
 * source's short name, else the page's site; "a listening source" when none is known.
 */
export function webOrigin(
  item: { handles: readonly HandleRef[]; url: string | null },
  summaries: readonly Pick<HandleSummary, "id" | "display_name">[],
): string {
  const source = item.handles.find((h) => h.network === "web");
  if (source) return sourceHandleName(source, summaries);
  if (item.url) {
    try {
      const host = new URL(item.url).hostname.replace(/^www\./, "");
      if (host) return host;
    } catch {
      // Not an address: fall through.
    }
  }
  return "a listening source";
}
