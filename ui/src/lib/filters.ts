// The inbox's view and filters, and how they turn into an `InboxQuery` and
// into words for the empty state.

import type { HandleSummary, InboxQuery, ItemStatus, Network, Role } from "../bindings";
import { handleText, NETWORK_LABELS, ROLE_LABELS } from "./format";

export interface Filters {
  status: ItemStatus;
  role: Role | null;
  network: Network | null;
  handleId: string | null;
  /** The committed (debounced) search text. */
  search: string;
}

export const DEFAULT_FILTERS: Filters = {
  status: "open",
  role: null,
  network: null,
  handleId: null,
  search: "",
};

export function toQuery(f: Filters): InboxQuery {
  const search = f.search.trim();
  return {
    status: f.status,
    handle_id: f.handleId,
    role: f.role,
    network: f.network,
    search: search === "" ? null : search,
  };
}

/** A stable key: equal keys mean the same list. */
export function queryKey(q: InboxQuery): string {
  return JSON.stringify([q.status, q.handle_id, q.role, q.network, q.search]);
}

/** True when anything beyond the Open/Done view narrows the list. */
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

/** What to say when the list is empty. */
export function emptyState(f: Filters, handles: readonly HandleSummary[]): EmptyState {
  const active = describeFilters(f, handles);
  if (active.length > 0) {
    const view = f.status === "open" ? "open mentions" : "done mentions";
    return {
      title: "Nothing here",
      body: `No ${view} for ${active.join(" · ")}. Clear the filters to see everything, or press Esc in the search box to clear the search.`,
      canClear: true,
    };
  }
  if (f.status === "open") {
    return {
      title: "Nothing here — you're all caught up",
      body: "There are no open mentions. New ones appear here as they arrive; finished ones are under Done.",
      canClear: false,
    };
  }
  return {
    title: "Nothing here yet",
    body: "Nothing has been marked done. Select a mention and press e (or Mark done) to move it here.",
    canClear: false,
  };
}
