import { describe, expect, it } from "vitest";
import {
  alertsStatusText,
  defaultRule,
  DEFAULT_RULE_ID,
  dndPresetOf,
  dndText,
  dndToggleValue,
  dndValue,
  newRule,
  parseFollowers,
  restoreDefault,
  ruleSummary,
  standingChoices,
  toggled,
} from "./alerts";

const NOON = new Date(2026, 10, 28, 12, 0, 0).getTime();

describe("do-not-disturb presets", () => {
  it("turns each preset into what set_dnd takes", () => {
    expect(dndValue("off", NOON)).toBeNull();
    expect(dndValue("on", NOON)).toBe("on");
    expect(Date.parse(dndValue("hour", NOON)!)).toBe(NOON + 3_600_000);
    const tomorrow = new Date(Date.parse(dndValue("tomorrow", NOON)!));
    expect([tomorrow.getDate(), tomorrow.getHours(), tomorrow.getMinutes()]).toEqual([29, 9, 0]);
  });

  it("toggles between on until turned off and off", () => {
    expect(dndToggleValue({ dnd_active: false })).toBe("on");
    expect(dndToggleValue({ dnd_active: true })).toBeNull();
  });

  it("says the state in words", () => {
    expect(dndText({ dnd_active: false, dnd_until: null }, NOON)).toMatch(/^Do not disturb is off/);
    expect(dndText({ dnd_active: true, dnd_until: "on" }, NOON)).toMatch(/until you turn it off/);
    const at9 = new Date(2026, 10, 29, 9, 0).toISOString();
    expect(dndText({ dnd_active: true, dnd_until: at9 }, NOON)).toMatch(/until tomorrow 09:00/);
    expect(dndPresetOf({ dnd_active: false, dnd_until: null })).toBe("off");
    expect(dndPresetOf({ dnd_active: true, dnd_until: "on" })).toBe("on");
    expect(dndPresetOf({ dnd_active: true, dnd_until: at9 })).toBeNull();
  });

  it("says whether alerts can show", () => {
    expect(alertsStatusText({ available: true, server: "dunst 1.9", problem: null })).toBe("Alerts show through dunst 1.9.");
    expect(alertsStatusText({ available: false, server: null, problem: "No notification server." })).toBe("No notification server.");
  });
});

describe("alert rule editing", () => {
  it("makes a new rule with an ID no other rule has", () => {
    const rule = newRule([{ id: "rule-2" }, { id: DEFAULT_RULE_ID }]);
    expect(rule.id).toBe("rule-3");
    expect(rule).toMatchObject({ enabled: true, intents: ["complaint"], urgent: false, min_followers: null, keywords: [] });
    expect(newRule([]).id).toBe("rule-1");
  });

  it("puts the default rule back first, once", () => {
    const mine = newRule([]);
    const edited = { ...defaultRule(), name: "Renamed", enabled: false };
    const rules = restoreDefault([mine, edited]);
    expect(rules.map((r) => r.id)).toEqual([DEFAULT_RULE_ID, mine.id]);
    expect(rules[0]).toEqual(defaultRule());
  });

  it("offers the rule's own standing when it is not a preset", () => {
    expect(standingChoices(0.5)).toHaveLength(4);
    expect(standingChoices(0.7).at(-1)).toEqual({ value: 0.7, label: "Standing 0.7 or more" });
  });

  it("toggles list members and reads followers", () => {
    expect(toggled(["a", "b"], "a", false)).toEqual(["b"]);
    expect(toggled(["b"], "a", true)).toEqual(["b", "a"]);
    expect(toggled(["a"], "a", true)).toEqual(["a"]);
    expect(parseFollowers("10,000")).toEqual({ value: 10000 });
    expect(parseFollowers("")).toEqual({ value: null });
    expect(parseFollowers("many")).toHaveProperty("problem");
  });

  it("sums a rule up in one line", () => {
    expect(ruleSummary(defaultRule())).toBe("Complaints or urgent items from authors with 10,000+ followers or customers paying (0.5)");
    expect(ruleSummary({ ...newRule([]), intents: [], keywords: ["refund"] })).toBe("Anything from anyone, mentioning refund");
  });
});
