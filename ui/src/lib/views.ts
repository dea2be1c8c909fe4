// The inbox's triage views (Actionable, Complaints, Questions, Praise, Other, Spam and All), the work lists under
// them (Mine, Waiting, Snoozed, Resolved), their shortcuts, and whether an agent's label takes an item out of the
// view being shown.

import type { AgentLabel, InboxQuery, InboxView, Intent, ItemStatus, Stage } from "../bindings";

/** A work list: the items the person at this desk holds, or the items at one point of the work. */
export type WorkList = "mine" | "waiting" | "snoozed" | "resolved";

/** A view the sidebar offers: one of Rust's triage views, every item, or a work list. */
export type TriageView = InboxView | "all" | WorkList;

export interface ViewInfo {
  id: TriageView;
  /** The name in the sidebar and the list's heading. */
  label: string;
  /** The key that shows it (outside text fields); "" for none. */
  key: string;
  /** What is in it, for the button's tooltip and the shortcuts dialog. */
  about: string;
}

/** The views, in the order the sidebar lists them and their keys run. */
export const VIEWS: readonly ViewInfo[] = [
  { id: "actionable", label: "Actionable", key: "1", about: "Complaints, questions, praise and anything urgent; no spam" },
  { id: "complaints", label: "Complaints", key: "2", about: "Mentions triage reads as complaints" },
  { id: "questions", label: "Questions", key: "3", about: "Mentions that ask something" },
  { id: "praise", label: "Praise", key: "4", about: "Thanks and compliments" },
  { id: "other", label: "Other", key: "5", about: "Chatter, news and passing tags that need no answer" },
  { id: "spam", label: "Spam", key: "6", about: "What triage calls spam, to rescue what it got wrong" },
  { id: "all", label: "All", key: "7", about: "Every mention, spam included" },
];

/** The work lists, under the triage views in the sidebar. Resolved has no key. */
export const WORK_LISTS: readonly (ViewInfo & { id: WorkList })[] = [
  { id: "mine", label: "Mine", key: "8", about: "What you hold: assigned or escalated to you" },
  { id: "waiting", label: "Waiting", key: "9", about: "Waiting on the customer to answer" },
  { id: "snoozed", label: "Snoozed", key: "0", about: "Out of the list until their time comes" },
  { id: "resolved", label: "Resolved", key: "", about: "Finished work" },
];

/** The view the app opens on. */
export const DEFAULT_VIEW: TriageView = "actionable";

/** The view a key shows ("1" to "9" and "0"), or null for any other key. */
export function viewForKey(key: string): TriageView | null {
  if (key === "") return null;
  return [...VIEWS, ...WORK_LISTS].find((v) => v.key === key)?.id ?? null;
}

export function viewInfo(view: TriageView): ViewInfo {
  const found = [...VIEWS, ...WORK_LISTS].find((v) => v.id === view);
  if (!found) throw new Error(`unknown view ${view}`);
  return found;
}

export function isWorkList(view: TriageView): view is WorkList {
  return WORK_LISTS.some((v) => v.id === view);
}

/** What `InboxQuery.view` takes: null lists every item (All and the work lists span every triage view). */
export function toInboxView(view: TriageView): InboxView | null {
  return view === "all" || isWorkList(view) ? null : view;
}

/**
 * Whether Open and Done narrow a view. Waiting, snoozed and resolved items are never in the working list (Rust
 * calls them done), so those lists ignore it; Mine and the triage views take it.
 */
export function statusApplies(view: TriageView): boolean {
  return view !== "waiting" && view !== "snoozed" && view !== "resolved";
}

/** The work part of a view's `InboxQuery`: stage, snoozed and mine. Waiting leaves out snoozed items. */
export function workQuery(view: TriageView): Pick<InboxQuery, "stage" | "snoozed" | "mine"> {
  switch (view) {
    case "mine":
      return { stage: null, snoozed: null, mine: true };
    case "waiting":
      return { stage: "waiting", snoozed: false, mine: null };
    case "snoozed":
      return { stage: null, snoozed: true, mine: null };
    case "resolved":
      return { stage: "resolved", snoozed: null, mine: null };
    default:
      return { stage: null, snoozed: null, mine: null };
  }
}

/** The intent a view lists, when it lists one. */
export function viewIntent(view: TriageView): Intent | null {
  switch (view) {
    case "complaints":
      return "complaint";
    case "questions":
      return "question";
    case "praise":
      return "praise";
    default:
      return null;
  }
}

/**
 * True when an agent's label surely takes an item out of `view`, so the list drops it at once (as Mark done does)
 * and selects the next one. Spam leaves every view but Spam and All; "not spam" leaves Spam; another intent leaves
 * that intent's view. Other changes (an intent in Actionable or Other) depend on what agents did before, which the
 * row does not say: the refresh that follows the label settles those.
 */
export function leavesView(view: TriageView, label: AgentLabel): boolean {
  if (view === "all" || isWorkList(view)) return false;
  if (label.kind === "spam") return label.value ? view !== "spam" : view === "spam";
  const intent = viewIntent(view);
  return intent !== null && intent !== label.value;
}

/** The working list's status for a stage: new and open items are open, every other stage is done (as in Rust). */
function statusOf(stage: Stage): ItemStatus {
  return stage === "new" || stage === "open" ? "open" : "done";
}

/**
 * True when moving an item to `stage` takes it out of `view` shown with `status` (a stage change also ends a
 * snooze), so the list drops it at once and selects the next one.
 */
export function stageLeaves(view: TriageView, status: ItemStatus, stage: Stage): boolean {
  if (statusApplies(view) && statusOf(stage) !== status) return true;
  const q = workQuery(view);
  if (q.stage && q.stage !== stage) return true;
  return q.snoozed === true;
}

/** True when snoozing an item takes it out of `view` shown with `status`: only Snoozed and Resolved keep it. */
export function snoozeLeaves(view: TriageView, status: ItemStatus): boolean {
  if (view === "snoozed" || view === "resolved") return false;
  return !statusApplies(view) || status === "open";
}
