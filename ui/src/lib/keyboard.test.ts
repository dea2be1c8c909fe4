import { describe, expect, it } from "vitest";
import { actionFor, isSendKey, replyTarget, reportsKey, SHORTCUTS, zoneOf, type FocusZone } from "./keyboard";

const at = (zone: FocusZone, modalOpen = false) => ({ zone, modalOpen });

describe("actionFor", () => {
  it("maps the navigation keys", () => {
    expect(actionFor({ key: "j" }, at("list"))).toBe("next");
    expect(actionFor({ key: "k" }, at("list"))).toBe("prev");
    expect(actionFor({ key: "ArrowDown" }, at("list"))).toBe("next");
    expect(actionFor({ key: "ArrowUp" }, at("other"))).toBe("prev");
    expect(actionFor({ key: "Home" }, at("list"))).toBe("first");
    expect(actionFor({ key: "End" }, at("list"))).toBe("last");
    expect(actionFor({ key: "PageDown" }, at("list"))).toBe("pageDown");
    expect(actionFor({ key: "PageUp" }, at("list"))).toBe("pageUp");
  });

  it("maps the commands", () => {
    expect(actionFor({ key: "Enter" }, at("list"))).toBe("open");
    expect(actionFor({ key: "e" }, at("list"))).toBe("toggleDone");
    expect(actionFor({ key: "z" }, at("detail"))).toBe("undo");
    expect(actionFor({ key: "/" }, at("list"))).toBe("focusSearch");
    expect(actionFor({ key: "?" }, at("other"))).toBe("showHelp");
  });

  it("opens the accounts with a, but not while typing or in a modal", () => {
    expect(actionFor({ key: "a" }, at("list"))).toBe("openAccounts");
    expect(actionFor({ key: "a" }, at("other"))).toBe("openAccounts");
    expect(actionFor({ key: "a" }, at("control"))).toBe("openAccounts");
    expect(actionFor({ key: "a" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "a" }, at("list", true))).toBeNull();
    expect(actionFor({ key: "A" }, at("list"))).toBeNull();
    expect(actionFor({ key: "a", ctrlKey: true }, at("list"))).toBeNull();
  });

  it("moves to the reply box with r, but not while typing or in a modal", () => {
    expect(actionFor({ key: "r" }, at("list"))).toBe("reply");
    expect(actionFor({ key: "r" }, at("detail"))).toBe("reply");
    expect(actionFor({ key: "r" }, at("control"))).toBe("reply");
    expect(actionFor({ key: "r" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "r" }, at("list", true))).toBeNull();
    // Shift+R is the saved replies dialog, not a reply.
    expect(actionFor({ key: "R" }, at("list"))).not.toBe("reply");
    expect(actionFor({ key: "r", metaKey: true }, at("list"))).toBeNull();
  });

  it("maps the triage keys, but not while typing or in a modal", () => {
    expect(actionFor({ key: "!" }, at("list"))).toBe("toggleSpam");
    expect(actionFor({ key: "!" }, at("detail"))).toBe("toggleSpam");
    expect(actionFor({ key: "i" }, at("list"))).toBe("changeIntent");
    expect(actionFor({ key: "," }, at("other"))).toBe("openSettings");
    expect(actionFor({ key: "1" }, at("list"))).toBe("showView");
    expect(actionFor({ key: "7" }, at("control"))).toBe("showView");
    expect(actionFor({ key: "8" }, at("list"))).toBe("showView");
    expect(actionFor({ key: "!" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "3" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "," }, at("list", true))).toBeNull();
    expect(actionFor({ key: "i", ctrlKey: true }, at("list"))).toBeNull();
    expect(actionFor({ key: "1", altKey: true }, at("list"))).toBeNull();
  });

  it("maps the customer keys, but not while typing or in a modal", () => {
    expect(actionFor({ key: "l" }, at("list"))).toBe("linkCustomer");
    expect(actionFor({ key: "l" }, at("detail"))).toBe("linkCustomer");
    expect(actionFor({ key: "u" }, at("control"))).toBe("notCustomer");
    expect(actionFor({ key: "c" }, at("list"))).toBe("createContact");
    expect(actionFor({ key: "C" }, at("other"))).toBe("openContacts");
    expect(actionFor({ key: "C" }, at("list"))).toBe("openContacts");
    for (const key of ["l", "u", "c", "C"]) {
      expect(actionFor({ key }, at("editable"))).toBeNull();
      expect(actionFor({ key }, at("list", true))).toBeNull();
      expect(actionFor({ key, ctrlKey: true }, at("list"))).toBeNull();
      expect(actionFor({ key, metaKey: true }, at("list"))).toBeNull();
    }
    expect(actionFor({ key: "L" }, at("list"))).toBeNull();
    expect(actionFor({ key: "U" }, at("list"))).toBeNull();
  });

  it("lists the customer keys in the shortcuts", () => {
    const what = (key: string) => SHORTCUTS.find((s) => s.keys.includes(key))?.what ?? "";
    expect(what("l")).toMatch(/link/i);
    expect(what("u")).toMatch(/not this customer/i);
    expect(what("c")).toMatch(/create a contact/i);
    expect(what("Shift+C")).toMatch(/^Contacts/);
  });

  it("lists the triage keys in the shortcuts, each key once", () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    for (const key of ["!", "i", ",", "1", "2", "3", "4", "5", "6", "7"]) expect(keys).toContain(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(SHORTCUTS.find((s) => s.keys.includes("6"))?.what).toContain("Spam");
  });

  it("sends r to the reply box, or on a web page to Open the page", () => {
    expect(replyTarget("bluesky")).toBe("composer");
    expect(replyTarget("mastodon")).toBe("composer");
    // X shows the composer's own words on why it cannot answer.
    expect(replyTarget("x")).toBe("composer");
    expect(replyTarget("web")).toBe("page");
    expect(SHORTCUTS.find((s) => s.keys.includes("r"))?.what).toContain("on a web page: to Open the page");
  });

  it("sends with Ctrl+Enter or Cmd+Enter only", () => {
    expect(isSendKey({ key: "Enter", ctrlKey: true })).toBe(true);
    expect(isSendKey({ key: "Enter", metaKey: true })).toBe(true);
    expect(isSendKey({ key: "Enter" })).toBe(false);
    expect(isSendKey({ key: "Enter", ctrlKey: true, shiftKey: true })).toBe(false);
    expect(isSendKey({ key: "Enter", ctrlKey: true, altKey: true })).toBe(false);
    expect(isSendKey({ key: "Enter", ctrlKey: true, isComposing: true })).toBe(false);
    expect(isSendKey({ key: "s", ctrlKey: true })).toBe(false);
  });

  it("ignores everything but Escape while typing", () => {
    for (const key of ["j", "k", "e", "/", "?", "a", "r", "l", "u", "c", "C", "Enter", "ArrowDown", "z", "Home"]) {
      expect(actionFor({ key }, at("editable"))).toBeNull();
    }
    expect(actionFor({ key: "Escape" }, at("editable"))).toBe("leaveInput");
  });

  it("stays out of the way of a modal", () => {
    expect(actionFor({ key: "j" }, at("list", true))).toBeNull();
    expect(actionFor({ key: "Escape" }, at("editable", true))).toBeNull();
  });

  it("leaves modified keys to the platform", () => {
    expect(actionFor({ key: "j", ctrlKey: true }, at("list"))).toBeNull();
    expect(actionFor({ key: "e", metaKey: true }, at("list"))).toBeNull();
    expect(actionFor({ key: "k", altKey: true }, at("list"))).toBeNull();
  });

  it("ignores keys during IME composition", () => {
    expect(actionFor({ key: "j", isComposing: true }, at("list"))).toBeNull();
  });

  it("lets buttons and links keep Enter", () => {
    expect(actionFor({ key: "Enter" }, at("control"))).toBeNull();
    expect(actionFor({ key: "Enter" }, at("detail"))).toBeNull();
    expect(actionFor({ key: "j" }, at("control"))).toBe("next");
  });

  it("lets arrow keys scroll the reading pane, and Escape return to the list", () => {
    expect(actionFor({ key: "ArrowDown" }, at("detail"))).toBeNull();
    expect(actionFor({ key: "ArrowUp" }, at("detail"))).toBeNull();
    expect(actionFor({ key: "j" }, at("detail"))).toBe("next");
    expect(actionFor({ key: "Escape" }, at("detail"))).toBe("backToList");
    expect(actionFor({ key: "Escape" }, at("list"))).toBeNull();
  });

  it("keeps Home/End/Page keys native outside the list", () => {
    expect(actionFor({ key: "Home" }, at("detail"))).toBeNull();
    expect(actionFor({ key: "PageDown" }, at("other"))).toBeNull();
  });

  it("does nothing for other keys (case matters: Shift+J is not j)", () => {
    expect(actionFor({ key: "q" }, at("list"))).toBeNull();
    expect(actionFor({ key: "J" }, at("list"))).toBeNull();
    expect(actionFor({ key: " " }, at("list"))).toBeNull();
  });

  it("documents every shortcut it handles", () => {
    const documented = SHORTCUTS.flatMap((s) => s.keys).join(" ");
    for (const key of ["j", "k", "Enter", "e", "z", "/", "?", "Esc", "r", "Ctrl+Enter"]) {
      expect(documented).toContain(key);
    }
    expect(SHORTCUTS.find((s) => s.keys.includes("a"))?.what).toMatch(/Accounts/);
  });
});

describe("zoneOf", () => {
  /** A minimal stand-in for an element: tag, attributes, and its ancestors' zones. */
  function el(tag: string, opts: { type?: string; role?: string; editable?: boolean; inZone?: "list" | "detail" } = {}) {
    return {
      tagName: tag,
      type: opts.type ?? "",
      isContentEditable: opts.editable ?? false,
      getAttribute: (name: string) => (name === "role" ? (opts.role ?? null) : null),
      closest: (selector: string) => (opts.inZone && selector.includes(`'${opts.inZone}'`) ? {} : null),
    } as unknown as EventTarget;
  }

  it("classifies text fields as editable", () => {
    expect(zoneOf(el("INPUT", { type: "search" }))).toBe("editable");
    expect(zoneOf(el("INPUT", { type: "text" }))).toBe("editable");
    expect(zoneOf(el("TEXTAREA"))).toBe("editable");
    expect(zoneOf(el("DIV", { editable: true }))).toBe("editable");
  });

  it("classifies buttons, links and checkboxes as controls, even inside a zone", () => {
    expect(zoneOf(el("BUTTON"))).toBe("control");
    expect(zoneOf(el("A", { inZone: "detail" }))).toBe("control");
    expect(zoneOf(el("BUTTON", { inZone: "list" }))).toBe("control");
    expect(zoneOf(el("INPUT", { type: "checkbox" }))).toBe("control");
    expect(zoneOf(el("DIV", { role: "button" }))).toBe("control");
  });

  it("knows the list and the reading pane", () => {
    expect(zoneOf(el("DIV", { inZone: "list" }))).toBe("list");
    expect(zoneOf(el("SECTION", { inZone: "detail" }))).toBe("detail");
    expect(zoneOf(el("BODY"))).toBe("other");
    expect(zoneOf(null)).toBe("other");
  });
});

describe("the agent's day keys", () => {
  it("maps w, x, s, Shift+E, m and n from the list and the reading pane", () => {
    for (const zone of ["list", "detail", "other"] as const) {
      expect(actionFor({ key: "w" }, at(zone))).toBe("markWaiting");
      expect(actionFor({ key: "x" }, at(zone))).toBe("ignore");
      expect(actionFor({ key: "s" }, at(zone))).toBe("snooze");
      expect(actionFor({ key: "E" }, at(zone))).toBe("escalate");
      expect(actionFor({ key: "m" }, at(zone))).toBe("assignMe");
      expect(actionFor({ key: "n" }, at(zone))).toBe("focusNote");
    }
    // e stays resolve and reopen; Shift+E is escalate.
    expect(actionFor({ key: "e" }, at("list"))).toBe("toggleDone");
  });

  it("leaves them alone while typing, in a modal, or with a modifier", () => {
    for (const key of ["w", "x", "s", "E", "m", "n", "8", "9", "0"]) {
      expect(actionFor({ key }, at("editable"))).toBeNull();
      expect(actionFor({ key }, at("list", true))).toBeNull();
      expect(actionFor({ key, ctrlKey: true }, at("list"))).toBeNull();
      expect(actionFor({ key, metaKey: true }, at("list"))).toBeNull();
    }
    expect(actionFor({ key: "W" }, at("list"))).toBeNull();
    expect(actionFor({ key: "M" }, at("list"))).toBeNull();
  });

  it("shows Mine, Waiting and Snoozed on 8, 9 and 0", () => {
    for (const key of ["8", "9", "0"]) expect(actionFor({ key }, at("list"))).toBe("showView");
  });

  it("lists each new key in the shortcuts, once", () => {
    const what = (key: string) => SHORTCUTS.find((s) => s.keys.includes(key))?.what ?? "";
    expect(what("w")).toMatch(/waiting/i);
    expect(what("x")).toMatch(/ignore/i);
    expect(what("s")).toMatch(/snooze/i);
    expect(what("Shift+E")).toMatch(/escalate/i);
    expect(what("m")).toMatch(/assign to me/i);
    expect(what("n")).toMatch(/note/i);
    expect(what("8")).toMatch(/Mine/);
    expect(what("9")).toMatch(/Waiting/);
    expect(what("0")).toMatch(/Snoozed/);
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

// The agent's day: the app's dialogs.
describe("the dialog keys of the agent's day", () => {
  it("open saved replies, team and shift, and toggle do-not-disturb, but not while typing or in a modal", () => {
    expect(actionFor({ key: "R" }, at("list"))).toBe("openSavedReplies");
    expect(actionFor({ key: "T" }, at("other"))).toBe("openTeam");
    expect(actionFor({ key: "S" }, at("detail"))).toBe("openShift");
    expect(actionFor({ key: "D" }, at("control"))).toBe("toggleDnd");
    expect(actionFor({ key: "R" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "S" }, at("list", true))).toBeNull();
    expect(actionFor({ key: "D", ctrlKey: true }, at("list"))).toBeNull();
  });

  it("lists them in the shortcuts, each key once", () => {
    const what = (key: string) => SHORTCUTS.find((s) => s.keys.includes(key))?.what ?? "";
    expect(what("Shift+R")).toMatch(/^Saved replies/);
    expect(what("Ctrl+/")).toMatch(/saved reply/);
    expect(what("Shift+T")).toMatch(/^Team/);
    expect(what("Shift+S")).toMatch(/^Shift/);
    expect(what("Shift+D")).toMatch(/^Do not disturb/);
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("the Reports key", () => {
  it("opens Reports with Shift+P, but not while typing, in a modal or with a modifier", () => {
    expect(actionFor({ key: "P" }, at("list"))).toBe("openReports");
    expect(actionFor({ key: "P" }, at("other"))).toBe("openReports");
    expect(actionFor({ key: "p" }, at("list"))).toBeNull();
    expect(actionFor({ key: "P" }, at("editable"))).toBeNull();
    expect(actionFor({ key: "P" }, at("list", true))).toBeNull();
    expect(actionFor({ key: "P", ctrlKey: true }, at("list"))).toBeNull();
  });

  it("goes back to the inbox with Escape from anywhere in the view, or Shift+P outside text fields", () => {
    expect(reportsKey({ key: "Escape" }, at("other"))).toBe("close");
    expect(reportsKey({ key: "Escape" }, at("editable"))).toBe("close");
    expect(reportsKey({ key: "Escape" }, at("control"))).toBe("close");
    expect(reportsKey({ key: "P" }, at("control"))).toBe("close");
    expect(reportsKey({ key: "P" }, at("editable"))).toBeNull();
    expect(reportsKey({ key: "Escape" }, at("other", true))).toBeNull();
    expect(reportsKey({ key: "Escape", isComposing: true }, at("other"))).toBeNull();
    expect(reportsKey({ key: "Escape", ctrlKey: true }, at("other"))).toBeNull();
    expect(reportsKey({ key: "j" }, at("other"))).toBeNull();
  });

  it("lists Shift+P in the shortcuts, once", () => {
    const found = SHORTCUTS.filter((s) => s.keys.includes("Shift+P"));
    expect(found).toHaveLength(1);
    expect(found[0]!.what).toMatch(/^Reports/);
  });
});
