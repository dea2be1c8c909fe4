import { describe, expect, it } from "vitest";
import {
  DEFAULT_VIEW,
  isWorkList,
  leavesView,
  snoozeLeaves,
  stageLeaves,
  statusApplies,
  toInboxView,
  viewForKey,
  viewInfo,
  viewIntent,
  VIEWS,
  WORK_LISTS,
  workQuery,
} from "./views";

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
    expect(viewForKey("s")).toBeNull();
    expect(viewForKey("")).toBeNull();
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

describe("the work lists", () => {
  it("come under the triage views: Mine on 8, Waiting on 9, Snoozed on 0, Resolved with no key", () => {
    expect(WORK_LISTS.map((v) => [v.label, v.key])).toEqual([
      ["Mine", "8"],
      ["Waiting", "9"],
      ["Snoozed", "0"],
      ["Resolved", ""],
    ]);
    expect(viewForKey("8")).toBe("mine");
    expect(viewForKey("9")).toBe("waiting");
    expect(viewForKey("0")).toBe("snoozed");
    expect(viewInfo("resolved").label).toBe("Resolved");
    expect(isWorkList("mine")).toBe(true);
    expect(isWorkList("all")).toBe(false);
  });

  it("ask Rust for the work, across every triage view", () => {
    expect(toInboxView("waiting")).toBeNull();
    expect(workQuery("mine")).toEqual({ stage: null, snoozed: null, mine: true });
    expect(workQuery("waiting")).toEqual({ stage: "waiting", snoozed: false, mine: null });
    expect(workQuery("snoozed")).toEqual({ stage: null, snoozed: true, mine: null });
    expect(workQuery("resolved")).toEqual({ stage: "resolved", snoozed: null, mine: null });
    expect(workQuery("actionable")).toEqual({ stage: null, snoozed: null, mine: null });
  });

  it("take Open and Done only in Mine and the triage views", () => {
    expect(statusApplies("actionable")).toBe(true);
    expect(statusApplies("mine")).toBe(true);
    expect(statusApplies("waiting")).toBe(false);
    expect(statusApplies("snoozed")).toBe(false);
    expect(statusApplies("resolved")).toBe(false);
  });

  it("know when a stage change takes an item out of the list", () => {
    expect(stageLeaves("actionable", "open", "waiting")).toBe(true);
    expect(stageLeaves("actionable", "open", "open")).toBe(false);
    expect(stageLeaves("actionable", "done", "resolved")).toBe(false);
    expect(stageLeaves("waiting", "open", "resolved")).toBe(true);
    expect(stageLeaves("waiting", "open", "waiting")).toBe(false);
    // Any stage change ends a snooze.
    expect(stageLeaves("snoozed", "open", "waiting")).toBe(true);
    expect(stageLeaves("mine", "open", "ignored")).toBe(true);
  });

  it("know when snoozing takes an item out of the list", () => {
    expect(snoozeLeaves("actionable", "open")).toBe(true);
    expect(snoozeLeaves("actionable", "done")).toBe(false);
    expect(snoozeLeaves("waiting", "open")).toBe(true);
    expect(snoozeLeaves("snoozed", "open")).toBe(false);
    expect(snoozeLeaves("resolved", "open")).toBe(false);
  });
});
