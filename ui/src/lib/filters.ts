// The inbox's view and filters, and how they turn into an `InboxQuery` and
// into words for the empty state.

import type { HandleSummary, InboxQuery, ItemStatus, Network, Role } from "../bindings";
import { formatCount, handleText, NETWORK_LABELS, ROLE_LABELS } from "./format";
import { DEFAULT_VIEW, isWorkList, statusApplies, toInboxView, viewInfo, workQuery, type TriageView } from "./views";

export interface Filters {
  /** The triage view (Actionable, Spam…); it combines with everything below. */
  view: TriageView;
  status: ItemStatus;
  role: Role | null;
  network: Network | null;
  handleId: string | null;
  /** The committed (debounced) search text. */
  search: string;
}

export const DEFAULT_FILTERS: Filters = {
  view: DEFAULT_VIEW,
  status: "open",
  role: null,
  network: null,
  handleId: null,
  search: "",
};

export function toQuery(f: Filters): InboxQuery {
  const search = f.search.trim();
  const query: InboxQuery = {
    status: statusApplies(f.view) ? f.status : null,
    handle_id: f.handleId,
    role: f.role,
    network: f.network,
    search: search === "" ? null : search,
    view: toInboxView(f.view),
  };
  // The work lists add what they list by; the triage views leave those out, as before.
  return isWorkList(f.view) ? { ...query, ...workQuery(f.view) } : query;
}

/** A stable key: equal keys mean the same list. */
export function queryKey(q: InboxQuery): string {
  return JSON.stringify([q.status, q.handle_id, q.role, q.network, q.search, q.view, q.stage ?? null, q.snoozed ?? null, q.mine ?? null]);
}

/** True when anything beyond the triage view and Open/Done narrows the list. */
export function isNarrowed(f: Filters): boolean {
  return f.role !== null || f.network !== null || f.handleId !== null || f.search.trim() !== "";
}

/** Clicking an active filter turns it off; clicking another switches to it. */
export function toggle<T>(current: T | null, clicked: T): T | null {
  return current === clicked ? null : clicked;
}

/** A handle in the sidebar: its name, else the handle as its network writes it (no @ for a listening source). */
export function handleLabel(h: Pick<HandleSummary, "account" | "display_name"> & { network?: Network }): string {
  return h.display_name?.trim() || (h.network ? handleText(h.network, h.account) : `@${h.account}`);
}

/** The active filters in words: ["Support", "Bluesky", "@acme", "matching “refund”"]. */
export function describeFilters(f: Filters, handles: readonly HandleSummary[]): string[] {
  const parts: string[] = [];
  if (f.role) parts.push(ROLE_LABELS[f.role]);
  if (f.network) parts.push(NETWORK_LABELS[f.network]);
  if (f.handleId) {
    const h = handles.find((x) => x.id === f.handleId);
    parts.push(h ? handleText(h.network, h.account) : "the chosen handle");
  }
  const search = f.search.trim();
  if (search) parts.push(`matching “${search}”`);
  return parts;
}

export interface EmptyState {
  title: string;
  body: string;
  /** Whether a "Clear filters" action makes sense. */
  canClear: boolean;
}

/** What the lists that ignore Open and Done count: "3 waiting on customer", "2 snoozed", "5 resolved". */
const LIST_WORDS: Partial<Record<TriageView, string>> = {
  waiting: "waiting on customer",
  snoozed: "snoozed",
  resolved: "resolved",
};

/** "1,204 open in Actionable", "3 done in Spam", "2 waiting on customer"; All says just "1,204 open". */
export function listTotalLabel(total: number, status: ItemStatus, view: TriageView): string {
  const words = LIST_WORDS[view];
  if (words) return `${formatCount(total)} ${words}`;
  const base = `${formatCount(total)} ${status}`;
  return view === "all" ? base : `${base} in ${viewInfo(view).label}`;
}

/** The list's accessible name: "Actionable, open mentions", "Open mentions" in All, "Snoozed mentions". */
export function listLabel(status: ItemStatus, view: TriageView): string {
  if (!statusApplies(view)) return `${viewInfo(view).label} mentions`;
  const mentions = status === "open" ? "open mentions" : "done mentions";
  return view === "all" ? mentions.charAt(0).toUpperCase() + mentions.slice(1) : `${viewInfo(view).label}, ${mentions}`;
}

/** What an empty view with no other filters says, open and done. */
const EMPTY_VIEWS: Record<TriageView, { title: string; body: string; done: string }> = {
  actionable: {
    title: "Nothing here — nothing needs a person right now",
    body: `No open complaints, questions, praise or urgent mentions. Chatter and news wait under Other (${viewInfo("other").key}); what triage calls spam is under Spam (${viewInfo("spam").key}).`,
    done: "No actionable mention has been marked done yet. Select one and press e (or Mark done) to move it here.",
  },
  complaints: {
    title: "No open complaints",
    body: "Mentions triage reads as complaints appear here. If it got one wrong, open it and press i to change its intent.",
    done: "No complaint has been marked done yet.",
  },
  questions: {
    title: "No open questions",
    body: "Mentions that ask something appear here. If triage missed one, open it and press i to change its intent.",
    done: "No question has been marked done yet.",
  },
  praise: {
    title: "No open praise",
    body: "Thanks and compliments appear here, worth a like or a thank-you.",
    done: "No praise has been marked done yet.",
  },
  other: {
    title: "Nothing under Other",
    body: "Chatter, news and passing tags that need no answer land here, out of the way but searchable.",
    done: "Nothing under Other has been marked done yet.",
  },
  spam: {
    title: "No spam.",
    body: "Items triage calls spam land here so you can rescue them. Press ! on a mention to mark it spam, or here to say it is not.",
    done: "No spam has been marked done yet.",
  },
  all: {
    title: "Nothing here — you're all caught up",
    body: "There are no open mentions. New ones appear here as they arrive; finished ones are under Done.",
    done: "Nothing has been marked done. Select a mention and press e (or Mark done) to move it here.",
  },
  mine: {
    title: "Nothing is yours right now",
    body: "Items assigned or escalated to you appear here. Press m on a mention to take it.",
    done: "Nothing you hold has been finished yet.",
  },
  waiting: {
    title: "Nobody is waiting to answer",
    body: "Mentions you mark waiting on the customer (w) wait here; a new post from the same author brings one back.",
    done: "",
  },
  snoozed: {
    title: "Nothing is snoozed",
    body: "Press s on a mention to put it away until later: it comes back to the list at its time.",
    done: "",
  },
  resolved: {
    title: "Nothing resolved yet",
    body: "Mentions you resolve (e) land here.",
    done: "",
  },
};

/** What to say when the list is empty. */
export function emptyState(f: Filters, handles: readonly HandleSummary[]): EmptyState {
  const active = describeFilters(f, handles);
  const where = f.view === "all" ? "" : ` in ${viewInfo(f.view).label}`;
  if (active.length > 0) {
    const view = !statusApplies(f.view) ? "mentions" : f.status === "open" ? "open mentions" : "done mentions";
    return {
      title: "Nothing here",
      body: `No ${view}${where} for ${active.join(" · ")}. Clear the filters to see everything, or press Esc in the search box to clear the search.`,
      canClear: true,
    };
  }
  const words = EMPTY_VIEWS[f.view];
  if (f.status === "open" || !statusApplies(f.view)) return { title: words.title, body: words.body, canClear: false };
  return { title: "Nothing here yet", body: words.done, canClear: false };
}
