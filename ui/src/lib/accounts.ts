// Pure helpers for the Accounts dialog: what an account's state means in
// words, when it last synced, what a sync did, and what needs attention.

import type { AccountView, SyncReport } from "../bindings";
import { formatCount, parseTime, relativeAge } from "./format";

export type AccountState = "healthy" | "syncing" | "rate_limited" | "token_invalid" | "unreachable";

/** How loudly a state is shown: calm, in progress, wait, or act now. */
export type Tone = "ok" | "busy" | "warn" | "bad";

/** States a person has to act on; they are never shown quietly. */
const NEEDS_ATTENTION: ReadonlySet<string> = new Set(["token_invalid", "unreachable"]);

export function needsAttention(account: Pick<AccountView, "state">): boolean {
  return NEEDS_ATTENTION.has(account.state);
}

export function attentionCount(accounts: readonly Pick<AccountView, "state">[]): number {
  return accounts.filter(needsAttention).length;
}

/** The top-bar button's accessible name: "Accounts", or "Accounts — 2 need attention". */
export function accountsButtonLabel(attention: number): string {
  if (attention <= 0) return "Accounts";
  return `Accounts — ${formatCount(attention)} ${attention === 1 ? "needs" : "need"} attention`;
}

/** "14:05", in local time; "" when the text is not a time. */
export function clockTime(iso: string | null): string {
  const t = parseTime(iso);
  if (t === null) return "";
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** The state pill: its words and its tone. */
export function stateLabel(account: Pick<AccountView, "state" | "rate_limited_until">): { text: string; tone: Tone } {
  switch (account.state) {
    case "healthy":
      return { text: "Healthy", tone: "ok" };
    case "syncing":
      return { text: "Syncing…", tone: "busy" };
    case "rate_limited": {
      const until = clockTime(account.rate_limited_until);
      return { text: until ? `Rate-limited until ${until}` : "Rate-limited", tone: "warn" };
    }
    case "token_invalid":
      return { text: "Token expired or revoked — reconnect", tone: "bad" };
    case "unreachable":
      return { text: "Server unreachable", tone: "bad" };
    default:
      // A state this version of the UI does not know: say so rather than hide it.
      return { text: `Unknown state (${account.state})`, tone: "warn" };
  }
}

/** "Last sync 5 min ago", "Last sync just now", "Last sync on Mar 4", "Never synced". */
export function lastSyncText(iso: string | null, now: number): string {
  const t = parseTime(iso);
  if (iso === null || t === null) return "Never synced";
  const age = relativeAge(iso, now);
  if (age === "now") return "Last sync just now";
  if (/^\d+ (min|h|d)$/.test(age)) return `Last sync ${age} ago`;
  return `Last sync on ${age}`;
}

/** What a sync did, in words: "3 new, 0 seen before", or the reason it stopped. */
export function syncSummary(report: SyncReport): { text: string; ok: boolean } {
  let text = `${formatCount(report.imported)} new, ${formatCount(report.merged)} seen before`;
  if (report.skipped > 0) text += `, ${formatCount(report.skipped)} could not be read`;
  if (report.problem) return { text: `${report.problem} (${text}.)`, ok: false };
  return { text, ok: true };
}

/** Checks the connect form before anything is sent; null when it can be sent. */
export function validateConnect(server: string, token: string): { field: "server" | "token"; message: string } | null {
  if (server.trim() === "") {
    return { field: "server", message: "Enter your Mastodon server's address, such as https://mastodon.social." };
  }
  if (token.trim() === "") {
    return { field: "token", message: "Paste an access token from your Mastodon server." };
  }
  return null;
}
