// Keyboard shortcuts, as a pure function from a key press and where it
// happened to the action to take.

import type { Network } from "../bindings";
import { VIEWS, viewForKey, WORK_LISTS } from "./views";

export type Action =
  | "next"
  | "prev"
  | "first"
  | "last"
  | "pageDown"
  | "pageUp"
  | "open"
  | "toggleDone"
  | "undo"
  | "focusSearch"
  | "showHelp"
  | "openAccounts"
  | "openSettings"
  | "reply"
  /** A digit: show a triage view (`viewForKey` says which). */
  | "showView"
  /** `!`: spam, or not spam when it is already. */
  | "toggleSpam"
  /** `i`: to the reading pane's intent choice. */
  | "changeIntent"
  /** `l`: link the suggested customer (with none suggested: find one to link). */
  | "linkCustomer"
  /** `u`: "Not this customer" or, for a suggestion, "Not them". */
  | "notCustomer"
  /** `c`: create a contact for an author who is not a known customer. */
  | "createContact"
  /** `Shift+C`: the Contacts dialog. */
  | "openContacts"
  | "leaveInput"
  | "backToList"
  // The agent's day (the Work section): stages, snooze, escalate, assign and notes.
  /** `w`: waiting on the customer. */
  | "markWaiting"
  /** `x`: ignore (needs no one). */
  | "ignore"
  /** `s`: the snooze menu of the selected mention. */
  | "snooze"
  /** `Shift+E`: the escalate dialog. */
  | "escalate"
  /** `m`: assign the selected mention to me. */
  | "assignMe"
  /** `n`: the internal note box. */
  | "focusNote"
  // The agent's day (the app's dialogs): saved replies, team, shift, do-not-disturb.
  /** `Shift+R`: the saved replies dialog. */
  | "openSavedReplies"
  /** `Shift+T`: the Team dialog. */
  | "openTeam"
  /** `Shift+S`: the Shift dialog (start or end a shift). */
  | "openShift"
  /** `Shift+D`: do-not-disturb on (until turned off) or off. */
  | "toggleDnd"
  /** `Shift+P`: the Reports view, or back to the inbox from it. */
  | "openReports";

/** Where focus was when the key was pressed. */
export type FocusZone =
  /** A text field: only Escape is ours. */
  | "editable"
  /** A button or link: Enter and Space belong to it. */
  | "control"
  /** The inbox list itself. */
  | "list"
  /** The reading pane: arrow keys scroll it. */
  | "detail"
  | "other";

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Key repeat or IME composition in progress. */
  isComposing?: boolean;
}

export interface KeyContext {
  zone: FocusZone;
  /** A modal (shortcuts or accounts) is open: it handles its own keys. */
  modalOpen: boolean;
}

/** The action for a key press, or null to let the browser handle it. */
export function actionFor(press: KeyPress, ctx: KeyContext): Action | null {
  if (ctx.modalOpen || press.isComposing) return null;
  // Leave the platform's own shortcuts (Cmd+F, Ctrl+C, Alt+Tab...) alone.
  if (press.ctrlKey || press.metaKey || press.altKey) return null;

  if (ctx.zone === "editable") return press.key === "Escape" ? "leaveInput" : null;

  switch (press.key) {
    case "j":
      return "next";
    case "k":
      return "prev";
    case "ArrowDown":
      return ctx.zone === "detail" ? null : "next";
    case "ArrowUp":
      return ctx.zone === "detail" ? null : "prev";
    case "Home":
      return ctx.zone === "list" ? "first" : null;
    case "End":
      return ctx.zone === "list" ? "last" : null;
    case "PageDown":
      return ctx.zone === "list" ? "pageDown" : null;
    case "PageUp":
      return ctx.zone === "list" ? "pageUp" : null;
    case "Enter":
      return ctx.zone === "list" || ctx.zone === "other" ? "open" : null;
    case "e":
      return "toggleDone";
    case "z":
      return "undo";
    case "/":
      return "focusSearch";
    case "?":
      return "showHelp";
    case "a":
      return "openAccounts";
    case "r":
      return "reply";
    case "!":
      return "toggleSpam";
    case "i":
      return "changeIntent";
    case ",":
      return "openSettings";
    case "l":
      return "linkCustomer";
    case "u":
      return "notCustomer";
    case "c":
      return "createContact";
    case "C":
      return "openContacts";
    case "Escape":
      return ctx.zone === "detail" ? "backToList" : null;
    // The agent's day.
    case "w":
      return "markWaiting";
    case "x":
      return "ignore";
    case "s":
      return "snooze";
    case "E":
      return "escalate";
    case "m":
      return "assignMe";
    case "n":
      return "focusNote";
    // The agent's day: the app's dialogs.
    case "R":
      return "openSavedReplies";
    case "T":
      return "openTeam";
    case "S":
      return "openShift";
    case "D":
      return "toggleDnd";
    case "P":
      return "openReports";
    default:
      return viewForKey(press.key) !== null ? "showView" : null;
  }
}

/**
 * A key pressed while the Reports view shows: "close" (back to the inbox) for Escape, wherever focus is in the view,
 * and for `Shift+P` outside text fields; null for anything else, and while a dialog is open.
 */
export function reportsKey(press: KeyPress, ctx: KeyContext): "close" | null {
  if (ctx.modalOpen || press.isComposing) return null;
  if (press.key === "Escape" && !press.ctrlKey && !press.metaKey && !press.altKey) return "close";
  return actionFor(press, ctx) === "openReports" ? "close" : null;
}

/**
 * Where `r` ("reply") takes focus for an item of this network: the composer's reply box, or, for a web page (which
 * Earshot cannot answer), the reading pane's "Open the page" button, so Enter opens it and nothing is sent.
 */
export function replyTarget(network: Network): "composer" | "page" {
  return network === "web" ? "page" : "composer";
}

/** Ctrl+Enter (Cmd+Enter on a Mac) in the reply box: send. */
export function isSendKey(press: KeyPress & { shiftKey?: boolean }): boolean {
  if (press.key !== "Enter" || press.isComposing || press.altKey || press.shiftKey) return false;
  return Boolean(press.ctrlKey || press.metaKey);
}

/** Classifies the element that had focus, for `actionFor`. */
export function zoneOf(target: EventTarget | null): FocusZone {
  if (!target || typeof (target as Element).closest !== "function") return "other";
  const el = target as HTMLElement;
  if (el.isContentEditable) return "editable";
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return "editable";
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return type === "checkbox" || type === "radio" || type === "button" || type === "submit"
      ? "control"
      : "editable";
  }
  if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || el.getAttribute("role") === "button") {
    return "control";
  }
  if (el.closest("[data-zone='list']")) return "list";
  if (el.closest("[data-zone='detail']")) return "detail";
  return "other";
}

/** The shortcuts, for the help dialog. */
export const SHORTCUTS: readonly { keys: string[]; what: string }[] = [
  { keys: ["j", "↓"], what: "Next mention" },
  { keys: ["k", "↑"], what: "Previous mention" },
  { keys: ["Enter"], what: "Open the selected mention and move to it" },
  { keys: ["e"], what: "Resolve (mark done; in the Done view: reopen)" },
  { keys: ["z"], what: "Undo the last mark done, reopen, spam or intent change" },
  { keys: ["/"], what: "Search mentions" },
  { keys: ["r"], what: "Reply: move to the reply box of the open mention (on a web page: to Open the page)" },
  { keys: ["Ctrl+Enter", "⌘+Enter"], what: "Send (in the reply box)" },
  { keys: ["Esc"], what: "Clear search · leave the reply box · back to the list · leave Reports · close this dialog" },
  { keys: ["Home", "End"], what: "First or last mention (in the list)" },
  { keys: ["!"], what: "Spam: mark the selected mention spam (in the Spam view, or when it is spam: not spam)" },
  { keys: ["i"], what: "Change the intent of the open mention (complaint, question, praise, other)" },
  ...VIEWS.map((v) => ({ keys: [v.key], what: `Show ${v.label}` })),
  ...WORK_LISTS.filter((v) => v.key !== "").map((v) => ({ keys: [v.key], what: `Show ${v.label}: ${v.about.toLowerCase()}` })),
  { keys: ["w"], what: "Mark waiting on the customer" },
  { keys: ["x"], what: "Ignore: needs no one" },
  { keys: ["s"], what: "Snooze: out of the list until a time you choose" },
  { keys: ["Shift+E"], what: "Escalate to a person or the team leads, with a note" },
  { keys: ["m"], what: "Assign to me" },
  { keys: ["n"], what: "Write an internal note (never sent)" },
  { keys: ["l"], what: "Customer: link the open mention's author to the suggested customer (none suggested: find one)" },
  { keys: ["u"], what: "Customer: not this customer (or, for a suggestion, not them)" },
  { keys: ["c"], what: "Customer: create a contact for an author who is not a known customer" },
  { keys: ["a"], what: "Accounts: connect, check and sync" },
  { keys: ["Shift+C"], what: "Contacts: search, edit, merge and import" },
  { keys: [","], what: "Settings: your profile, handles, alerts, triage quality and priority weights" },
  { keys: ["Shift+R"], what: "Saved replies: search, write, change and delete them" },
  { keys: ["Ctrl+/", "⌘+/"], what: "Insert a saved reply (in the reply box)" },
  { keys: ["Shift+T"], what: "Team: who is on duty, and add a person" },
  { keys: ["Shift+S"], what: "Shift: start your shift with the handover, or end it and leave one" },
  { keys: ["Shift+D"], what: "Do not disturb: hold alerts until you press it again" },
  { keys: ["Shift+P"], what: "Reports: volume, response times and SLAs for a period, and how things stand now (Esc or Shift+P: back)" },
  { keys: ["?"], what: "Show these shortcuts" },
];
