import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, leavesView, toInboxView, viewForKey, viewInfo, viewIntent, VIEWS } from "./views";

describe("the triage views", () => {
  it("opens on Actionable and lists the seven views in order, All last", () => {
    expect(DEFAULT_VIEW).toBe("actionable");
    expect(VIEWS.map((v) => v.label)).toEqual(["Actionable", "Complaints", "Questions", "Praise", "Other", "Spam", "All"]);
  });

  it("gives each view its own digit, 1 to 7", () => {
    expect(VIEWS.map((v) => v.key)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(viewForKey("1")).toBe("actionable");
    expect(viewForKey("6")).toBe("spam");
    expect(viewForKey("7")).toBe("all");
    expect(viewForKey("8")).toBeNull();
    expect(viewForKey("0")).toBeNull();
    expect(viewForKey("s")).toBeNull();
  });

  it("asks Rust for every item in All", () => {
    expect(toInboxView("all")).toBeNull();
    expect(toInboxView("praise")).toBe("praise");
  });

  it("knows which intent a view lists", () => {
    expect(viewIntent("complaints")).toBe("complaint");
    expect(viewIntent("questions")).toBe("question");
    expect(viewIntent("praise")).toBe("praise");
    expect(viewIntent("actionable")).toBeNull();
    expect(viewIntent("other")).toBeNull();
  });

  it("finds a view's details and refuses one it does not know", () => {
    expect(viewInfo("spam").label).toBe("Spam");
    expect(() => viewInfo("nope" as never)).toThrow();
  });
});

describe("leavesView", () => {
  it("takes an item marked spam out of every view but Spam and All", () => {
    const spam = { kind: "spam", value: true } as const;
    for (const view of ["actionable", "complaints", "questions", "praise", "other"] as const) {
      expect(leavesView(view, spam)).toBe(true);
    }
    expect(leavesView("spam", spam)).toBe(false);
    expect(leavesView("all", spam)).toBe(false);
  });

  it("takes an item rescued as not spam out of Spam only", () => {
    const notSpam = { kind: "spam", value: false } as const;
    expect(leavesView("spam", notSpam)).toBe(true);
    expect(leavesView("actionable", notSpam)).toBe(false);
    expect(leavesView("all", notSpam)).toBe(false);
  });

  it("takes an item out of an intent's view when its intent changes", () => {
    expect(leavesView("complaints", { kind: "intent", value: "question" })).toBe(true);
    expect(leavesView("complaints", { kind: "intent", value: "complaint" })).toBe(false);
    expect(leavesView("praise", { kind: "intent", value: "other" })).toBe(true);
  });

  it("leaves uncertain moves to the refresh", () => {
    // Whether an item stays actionable also depends on urgency and what agents did before.
    expect(leavesView("actionable", { kind: "intent", value: "other" })).toBe(false);
    expect(leavesView("other", { kind: "intent", value: "complaint" })).toBe(false);
    expect(leavesView("spam", { kind: "intent", value: "question" })).toBe(false);
  });
});
