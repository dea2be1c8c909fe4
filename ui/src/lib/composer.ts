// Pure helpers for the composer under a mention: which accounts can answer it, what each network calls its
// actions, the length counter, and the outbox rows' states in words. Nothing here talks to Rust.

import type { AccountView, ActionKind, HandleRef, Network, OutboxView } from "../bindings";
import { clockTime, needsAttention } from "./accounts";
import { atHandle, parseTime, ROLE_LABELS } from "./format";

/** Quiet time after typing before the length and warnings are checked again. */
export const CHECK_DEBOUNCE_MS = 150;
/** How often the outbox is read while something of this item is still on its way. */
export const OUTBOX_POLL_MS = 2000;

export interface ActionInfo {
  kind: ActionKind;
  /** The button: "Reply", "Repost", "Favourite". */
  label: string;
  /** Once it is on its way: "Reposted", "Favourited". */
  done: string;
  /** Reply and direct message send the text; the others need none. */
  hasText: boolean;
}

const REPLY: ActionInfo = { kind: "reply", label: "Reply", done: "Replied", hasText: true };
const DM: ActionInfo = { kind: "dm", label: "Direct message", done: "Messaged", hasText: true };

const ACTIONS: Record<Network, readonly ActionInfo[]> = {
  // Earshot cannot send Bluesky direct messages: the action is not offered.
  bluesky: [
    REPLY,
    { kind: "boost", label: "Repost", done: "Reposted", hasText: false },
    { kind: "like", label: "Like", done: "Liked", hasText: false },
  ],
  mastodon: [
    REPLY,
    { kind: "boost", label: "Boost", done: "Boosted", hasText: false },
    { kind: "like", label: "Favourite", done: "Favourited", hasText: false },
    DM,
  ],
  // Earshot cannot post to X.
  x: [],
  // A page found through a feed is answered on the page itself, in the browser.
  web: [],
};

/** The actions a network offers, in the order they are shown. */
export function actionsFor(network: Network): readonly ActionInfo[] {
  return ACTIONS[network] ?? [];
}

/** Whether Earshot can act on a post from this network at all. */
export function canAnswer(network: Network): boolean {
  return actionsFor(network).length > 0;
}

export function hasText(kind: ActionKind): boolean {
  return kind === "reply" || kind === "dm";
}

/**
 * Every kind's words where the network has none of its own. A post (the shift post) is never offered on an item;
 * it appears in the outbox only.
 */
export const KIND_WORDS: Record<ActionKind, { label: string; done: string }> = {
  reply: { label: "Reply", done: "Replied" },
  boost: { label: "Boost", done: "Boosted" },
  like: { label: "Like", done: "Liked" },
  dm: { label: "Direct message", done: "Messaged" },
  post: { label: "Post", done: "Posted" },
};

/** What the network calls an action: "Repost" on Bluesky, "Boost" on Mastodon. */
export function kindLabel(kind: ActionKind, network: Network): string {
  const found = actionsFor(network).find((a) => a.kind === kind);
  if (found) return found.label;
  return KIND_WORDS[kind]?.label ?? kind;
}

function sameHandle(a: string, b: string): boolean {
  const norm = (h: string) => h.trim().replace(/^@/, "").toLowerCase();
  return norm(a) === norm(b);
}

/** Whether the account is one of the handles the post mentions. */
export function isMentioned(account: Pick<AccountView, "network" | "account">, handles: readonly HandleRef[]): boolean {
  return handles.some((h) => h.network === account.network && sameHandle(h.account, account.account));
}

/**
 * The accounts that can answer an item: those on the item's network. The default (from `compose_check`)
 * comes first, then the handles the post mentions, then the others, each group in the order given.
 */
export function senders(
  accounts: readonly AccountView[],
  item: { network: Network; handles: readonly HandleRef[] },
  defaultFrom: string | null,
): AccountView[] {
  const rank = (a: AccountView) => (a.id === defaultFrom ? 0 : isMentioned(a, item.handles) ? 1 : 2);
  return accounts
    .filter((a) => a.network === item.network)
    .map((a, i) => ({ a, i, r: rank(a) }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.a);
}

/** The account to send from: the person's choice, else the default, else the first that can; null if none. */
export function pickFrom(
  candidates: readonly Pick<AccountView, "id">[],
  chosen: string | null,
  defaultFrom: string | null,
): string | null {
  for (const id of [chosen, defaultFrom]) {
    if (id !== null && candidates.some((a) => a.id === id)) return id;
  }
  return candidates[0]?.id ?? null;
}

/** Who sends one kind of action: the accounts that can (for its select), the one picked, and its handle. */
export interface SenderChoice {
  candidates: AccountView[];
  /** The account that would act; null when none can. */
  id: string | null;
  account: AccountView | null;
  /** "@brand.bsky.social", or "" when none can. */
  handle: string;
}

/**
 * The sender for one select: candidates ordered by `senders`, then the person's choice, else `defaultFrom`
 * (compose_check's default for that kind), else the first candidate on the item's network. The reply select
 * passes the reply default (support first); the quick actions pass the boost default (marketing first).
 */
export function chooseSender(
  accounts: readonly AccountView[],
  item: { network: Network; handles: readonly HandleRef[] },
  chosen: string | null,
  defaultFrom: string | null,
): SenderChoice {
  const candidates = senders(accounts, item, defaultFrom);
  const id = pickFrom(candidates, chosen, defaultFrom);
  const account = candidates.find((a) => a.id === id) ?? null;
  return { candidates, id: account?.id ?? null, account, handle: account ? atHandle(account.account) : "" };
}

/** The label of the quick actions' own select, in the network's words: "Repost or like from". */
export function reactFromLabel(network: Network): string {
  return `${kindLabel("boost", network)} or ${kindLabel("like", network).toLowerCase()} from`;
}

/** A quick action's button, naming the handle that acts: "Boost from @brand", "Favourited from @brand". */
export function quickActionLabel(action: Pick<ActionInfo, "label" | "done">, handle: string, done: boolean): string {
  const what = done ? action.done : action.label;
  return handle.trim() === "" ? what : `${what} from ${atHandle(handle.trim())}`;
}

/** An option of the "Reply from" select: "@help.example.com · Support", with a note when it cannot send. */
export function senderLabel(account: Pick<AccountView, "account" | "role" | "state">): string {
  const base = `${atHandle(account.account)} · ${ROLE_LABELS[account.role] ?? account.role}`;
  if (account.state === "token_invalid") return `${base} (reconnect in Accounts first)`;
  if (needsAttention(account)) return `${base} (server unreachable)`;
  return base;
}

export interface Counter {
  /** "212 / 300", or "312 / 300 (−12)" when over. Empty before the first check. */
  text: string;
  over: boolean;
  /** What is left; negative when over; null without a limit. */
  remaining: number | null;
  /** The over-limit state in words, for everyone: "Too long by 12 characters." */
  note: string;
}

/** The live counter under the reply box, from `compose_check`'s `used` and `limit`. */
export function counter(used: number, limit: number | null): Counter {
  if (limit === null) return { text: "", over: false, remaining: null, note: "" };
  const remaining = limit - used;
  if (remaining >= 0) return { text: `${used} / ${limit}`, over: false, remaining, note: "" };
  const by = -remaining;
  return {
    text: `${used} / ${limit} (\u2212${by})`,
    over: true,
    remaining,
    note: `Too long by ${by} ${by === 1 ? "character" : "characters"}.`,
  };
}

/** The outbox states, as Rust sends them. */
export type OutboxState = "queued" | "sending" | "sent" | "failed";

/** How a row's state is shown: calm, on its way, waiting to retry, or needs a person. */
export type OutboxTone = "ok" | "busy" | "warn" | "bad";

/** Whether a row is still on its way, so the outbox has to be read again. */
export function needsPolling(row: Pick<OutboxView, "state">): boolean {
  return row.state === "queued" || row.state === "sending";
}

function retryTime(row: Pick<OutboxView, "state" | "attempts" | "next_attempt_at">): string {
  if (row.state !== "queued" || row.attempts <= 0) return "";
  return clockTime(row.next_attempt_at);
}

/**
 * A row's state in words: "Queued", "Sending…", "Sent", "Failed: <why>", "Retrying at 14:05". Given the time
 * now, a retry that is already due (a failed action put back by Retry) reads "Retrying soon".
 */
export function outboxStateLabel(
  row: Pick<OutboxView, "state" | "attempts" | "problem" | "next_attempt_at">,
  now?: number,
): string {
  switch (row.state) {
    case "queued": {
      const at = retryTime(row);
      if (!at) return "Queued";
      const due = parseTime(row.next_attempt_at);
      return now !== undefined && due !== null && due <= now ? "Retrying soon" : `Retrying at ${at}`;
    }
    case "sending":
      return "Sending…";
    case "sent":
      return "Sent";
    case "failed":
      return row.problem?.trim() ? `Failed: ${row.problem.trim()}` : "Failed";
    default:
      return `Unknown state (${row.state})`;
  }
}

export function outboxTone(row: Pick<OutboxView, "state" | "attempts" | "next_attempt_at">): OutboxTone {
  switch (row.state) {
    case "sent":
      return "ok";
    case "failed":
      return "bad";
    case "queued":
      return retryTime(row) ? "warn" : "busy";
    case "sending":
      return "busy";
    default:
      return "warn";
  }
}

/** The row as returned, replacing the one with its ID or going first (the outbox lists newest first). */
export function mergeRow(rows: readonly OutboxView[], row: OutboxView): OutboxView[] {
  return rows.some((r) => r.id === row.id) ? rows.map((r) => (r.id === row.id ? row : r)) : [row, ...rows];
}

/** Whether a boost or like of this kind already went out, or is on its way, from this handle. */
export function alreadyDone(rows: readonly OutboxView[], kind: ActionKind, fromHandle: string): boolean {
  return rows.some((r) => r.kind === kind && r.state !== "failed" && sameHandle(r.from, fromHandle));
}

/** What to say right after an action was queued: "Reply queued.", "Repost sent.", "Like failed: <why>". */
export function queuedMessage(row: Pick<OutboxView, "kind" | "network" | "state" | "problem">): string {
  const what = kindLabel(row.kind, row.network);
  switch (row.state) {
    case "sent":
      return `${what} sent.`;
    case "failed":
      return row.problem?.trim() ? `${what} failed: ${row.problem.trim()}` : `${what} failed.`;
    case "sending":
      return `${what} sending…`;
    default:
      return `${what} queued. It goes out in a few seconds.`;
  }
}

/**
 * What changed between two reads of the outbox that a person should hear about: rows that were on their way
 * and are now sent or failed. Null when nothing did.
 */
export function announce(before: readonly OutboxView[], after: readonly OutboxView[]): string | null {
  const said: string[] = [];
  for (const row of after) {
    const prev = before.find((r) => r.id === row.id);
    if (!prev || prev.state === row.state || !needsPolling(prev)) continue;
    if (row.state === "sent" || row.state === "failed") said.push(queuedMessage(row));
  }
  return said.length > 0 ? said.join(" ") : null;
}
