// The inbox's triage views (Actionable, Complaints, Questions, Praise, Other, Spam and All), their shortcuts, and
// whether an agent's label takes an item out of the view being shown.

import type { AgentLabel, InboxView, Intent } from "../bindings";

/** A view the sidebar offers: one of Rust's triage views, or every item. */
export type TriageView = InboxView | "all";

export interface ViewInfo {
  id: TriageView;
  /** The name in the sidebar and the list's heading. */
  label: string;
  /** The key that shows it (outside text fields). */
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

/** The view the app opens on. */
export const DEFAULT_VIEW: TriageView = "actionable";

/** The view a key shows ("1" to "7"), or null for any other key. */
export function viewForKey(key: string): TriageView | null {
  return VIEWS.find((v) => v.key === key)?.id ?? null;
}

export function viewInfo(view: TriageView): ViewInfo {
  const found = VIEWS.find((v) => v.id === view);
  if (!found) throw new Error(`unknown view ${view}`);
  return found;
}

/** What `InboxQuery.view` takes: null lists every item. */
export function toInboxView(view: TriageView): InboxView | null {
  return view === "all" ? null : view;
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
  if (view === "all") return false;
  if (label.kind === "spam") return label.value ? view !== "spam" : view === "spam";
  const intent = viewIntent(view);
  return intent !== null && intent !== label.value;
}
