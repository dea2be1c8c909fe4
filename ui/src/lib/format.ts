// Pure formatting helpers. The app's copy is English, so numbers and dates use
// the en-US conventions on every machine ("1,204", "Nov 28").

import type { ItemStatus, Network, Role } from "../bindings";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Milliseconds since the epoch, or null when the text is not a date. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * Short age for a list row: "now", "12 min", "3 h", "2 d"; older than 30 days
 * becomes a date ("Mar 4", or "Mar 4, 2024" in another year). Times slightly in
 * the future (clock skew) count as "now".
 */
export function relativeAge(iso: string, now: number): string {
  const t = parseTime(iso);
  if (t === null) return "";
  const diff = now - t;
  if (diff < MINUTE) return "now";
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h`;
  if (diff < 30 * DAY) return `${Math.floor(diff / DAY)} d`;
  return shortDate(t, now);
}

/**
 * A status line's "when": "Last sync 5 min ago", "Last sync just now", "Last sync on Mar 4", after `label`. Null
 * when there is no time, for the caller's own "Never …".
 */
export function agoText(label: string, iso: string | null, now: number): string | null {
  if (iso === null || parseTime(iso) === null) return null;
  const age = relativeAge(iso, now);
  if (age === "now") return `${label} just now`;
  if (/^\d+ (min|h|d)$/.test(age)) return `${label} ${age} ago`;
  return `${label} on ${age}`;
}

/**
 * How long until a time to come, the same short way: "in 4 min" (to the nearest minute, as the app's clock ticks
 * every 30 s), "in 2 h", "in 3 d", "on Mar 4" (30 days or more). Under a minute, or already past, is "in under a
 * minute". "" when the text is not a time.
 */
export function relativeUntil(iso: string, now: number): string {
  const t = parseTime(iso);
  if (t === null) return "";
  const diff = t - now;
  if (diff < MINUTE) return "in under a minute";
  if (diff < HOUR) return `in ${Math.min(59, Math.round(diff / MINUTE))} min`;
  if (diff < DAY) return `in ${Math.floor(diff / HOUR)} h`;
  if (diff < 30 * DAY) return `in ${Math.floor(diff / DAY)} d`;
  return `on ${shortDate(t, now)}`;
}

/** The same age in words, for screen readers and tooltips: "12 minutes ago". */
export function relativeAgeLong(iso: string, now: number): string {
  const t = parseTime(iso);
  if (t === null) return "";
  const diff = now - t;
  if (diff < MINUTE) return "just now";
  if (diff < HOUR) return plural(Math.floor(diff / MINUTE), "minute") + " ago";
  if (diff < DAY) return plural(Math.floor(diff / HOUR), "hour") + " ago";
  if (diff < 30 * DAY) return plural(Math.floor(diff / DAY), "day") + " ago";
  return "on " + shortDate(t, now);
}

function shortDate(t: number, now: number): string {
  const d = new Date(t);
  const base = `${MONTHS[d.getMonth()] ?? ""} ${d.getDate()}`;
  return d.getFullYear() === new Date(now).getFullYear() ? base : `${base}, ${d.getFullYear()}`;
}

/** A full local date and time for tooltips: "Nov 28, 2026, 9:12 AM". */
export function formatDateTime(iso: string): string {
  const t = parseTime(iso);
  if (t === null) return "";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" }).format(t);
}

export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** How old an account is: "12 days", "5 months", "3 years"; "today" for new ones. */
export function accountAge(iso: string | null, now: number): string | null {
  const t = parseTime(iso);
  if (t === null) return null;
  const days = Math.floor((now - t) / DAY);
  if (days < 1) return "less than a day";
  if (days < 31) return plural(days, "day");
  const months = Math.floor(days / 30.44);
  if (months < 12) return plural(months, "month");
  return plural(Math.floor(days / 365.25), "year");
}

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "1,204" */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** "999", "1.2k", "12.4k", "124k", "1.3M": for follower counts. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = abs / size;
      // Truncate rather than round so 999,999 never reads "1000k".
      const text = v < 100 ? trimZero((Math.floor(v * 10) / 10).toFixed(1)) : String(Math.floor(v));
      return sign + text + suffix;
    }
  }
  return sign + String(Math.round(abs));
}

function trimZero(text: string): string {
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** A reason's signed contribution: "+2.8", "−0.5" (a real minus sign), "0.0". Rust sends a number that
 * could not be represented (never expected) as null: shown as a dash. */
export function formatContribution(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "\u2014";
  const rounded = Math.round(x * 10) / 10;
  if (rounded === 0) return "0.0";
  return (rounded > 0 ? "+" : "\u2212") + Math.abs(rounded).toFixed(1);
}

/** The score as shown in the list and the detail: one decimal. */
export function formatScore(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "\u2014";
  return (Math.round(x * 10) / 10).toFixed(1);
}

export const NETWORK_LABELS: Record<Network, string> = {
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  x: "X",
  web: "Web",
};

/** The roles, in the order every role list and choice shows them. */
export const ROLES: readonly Role[] = ["support", "marketing", "other"];

export const ROLE_LABELS: Record<Role, string> = {
  support: "Support",
  marketing: "Marketing",
  other: "Other",
};

export const STATUS_LABELS: Record<ItemStatus, string> = {
  open: "Open",
  done: "Done",
};

/** "1,204 open", "1 done" */
export function totalLabel(total: number, status: ItemStatus): string {
  return `${formatCount(total)} ${status}`;
}

/** "@jane.bsky.social"; Mastodon handles already carry the server. */
export function atHandle(handle: string): string {
  return handle.startsWith("@") ? handle : `@${handle}`;
}

/**
 * A handle as the network writes it: "@jane.bsky.social", but a web page's author or a listening source as named
 * ("Jane-Ortiz@forum.example", "forum.example/latest.rss"), since no one is @-mentioned on the open web.
 */
export function handleText(network: Network, handle: string): string {
  return network === "web" ? handle : atHandle(handle);
}
