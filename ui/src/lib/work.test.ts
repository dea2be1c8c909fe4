import { describe, expect, it } from "vitest";
import type { SlaTimerView, WorkEvent } from "../bindings";
import {
  dayTime,
  fromLocalInput,
  heldText,
  minutesWords,
  rfc3339In,
  rowTimerText,
  rowWorkText,
  snoozedText,
  snoozePresets,
  stageChip,
  STAGE_LABELS,
  stageToast,
  timerTone,
  toLocalInput,
} from "./work";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";

function timer(over: Partial<SlaTimerView>): SlaTimerView {
  return {
    kind: "first_response",
    state: "on_track",
    target_minutes: 60,
    due_at: null,
    remaining_minutes: 12,
    took_minutes: null,
    label: "First reply due in 12 min",
    ...over,
  };
}

function presetsAt(iso: string, zone: string): Record<string, string> {
  return Object.fromEntries(snoozePresets(Date.parse(iso), zone).map((p) => [p.id, rfc3339In(p.at, zone)]));
}

describe("stage words", () => {
  it("says each stage plainly, as Rust does", () => {
    expect(STAGE_LABELS.waiting).toBe("Waiting on customer");
    expect(STAGE_LABELS.resolved).toBe("Resolved");
    expect(stageToast("waiting")).toBe("Marked waiting on customer.");
    expect(stageToast("ignored")).toBe("Ignored.");
    expect(stageToast("open")).toBe("Reopened.");
  });

  it("gives a row no chip while an item is simply open, a badge while it is new", () => {
    expect(stageChip("open")).toBeNull();
    expect(stageChip("new")).toEqual({ text: "New", tone: "new" });
    expect(stageChip("waiting")?.text).toBe("Waiting");
    expect(stageChip("ignored")?.tone).toBe("closed");
  });
});

describe("timers", () => {
  it("writes minutes as Rust does", () => {
    expect(minutesWords(12)).toBe("12 min");
    expect(minutesWords(-65)).toBe("1 h 5 min");
    expect(minutesWords(120)).toBe("2 h");
    expect(minutesWords(1440)).toBe("1 d");
    expect(minutesWords(1440 * 2 + 180)).toBe("2 d 3 h");
  });

  it("shortens a timer for the row, keeping what it says", () => {
    expect(rowTimerText(timer({}))).toBe("Reply due 12 min");
    expect(rowTimerText(timer({ state: "due_soon", remaining_minutes: 4 }))).toBe("Reply due 4 min");
    expect(rowTimerText(timer({ state: "breached", remaining_minutes: -65 }))).toBe("Reply 1 h 5 min overdue");
    expect(rowTimerText(timer({ state: "met", took_minutes: 18 }))).toBe("Replied in 18 min");
    expect(rowTimerText(timer({ kind: "resolution", state: "met_late", remaining_minutes: -30 }))).toBe("Resolved 30 min late");
    expect(rowTimerText(timer({ kind: "resolution", state: "on_track", remaining_minutes: 180 }))).toBe("Resolve due 3 h");
  });

  it("colours by state: amber due soon, red breached, muted met", () => {
    expect(timerTone("on_track")).toBe("ok");
    expect(timerTone("due_soon")).toBe("soon");
    expect(timerTone("breached")).toBe("late");
    expect(timerTone("met")).toBe("done");
    expect(timerTone("met_late")).toBe("done");
  });

  it("reads the whole of a row's work out, in sentences", () => {
    const sla = timer({ state: "breached", label: "First reply 5 min overdue" });
    expect(rowWorkText({ stage: "waiting", sla, held_by: "Sam", snoozed_until: null })).toBe(
      "Waiting on customer. First reply 5 min overdue. Held by Sam.",
    );
    expect(rowWorkText({ stage: "open", sla: null, held_by: null, snoozed_until: null })).toBe("");
    expect(rowWorkText({ stage: "new", sla: timer({ state: "due_soon" }), held_by: null, snoozed_until: null })).toBe(
      "New. First reply due in 12 min, due soon.",
    );
  });
});

describe("heldText", () => {
  const ev = (kind: string, who: string | null): WorkEvent => ({ at: "2026-03-02T10:00:00Z", who, kind, text: kind });

  it("names the holder, why and who escalated", () => {
    expect(
      heldText({ held_by: "Sam", held_because: "refund over $500", history: [ev("stage", "Ana"), ev("escalated", "Ana")] }),
    ).toBe("Held by Sam — refund over $500 (escalated by Ana)");
  });

  it("says only who holds an item assigned after an escalation, and nothing when no one does", () => {
    expect(heldText({ held_by: "Ben", held_because: null, history: [ev("escalated", "Ana"), ev("assigned", "Ben")] })).toBe(
      "Held by Ben",
    );
    expect(heldText({ held_by: null, held_because: null, history: [] })).toBeNull();
  });
});

describe("snooze presets", () => {
  it("offers 1 hour, 3 hours, tomorrow 09:00 and next Monday 09:00 in local time", () => {
    // Wednesday 4 March 2026, 14:20 in Berlin (UTC+1).
    expect(presetsAt("2026-03-04T13:20:00Z", BERLIN)).toEqual({
      hour: "2026-03-04T15:20:00+01:00",
      "three-hours": "2026-03-04T17:20:00+01:00",
      tomorrow: "2026-03-05T09:00:00+01:00",
      monday: "2026-03-09T09:00:00+01:00",
    });
  });

  it("keeps 09:00 at 09:00 across the spring DST change, and an hour an hour", () => {
    // Saturday 28 March 2026, 23:30 in Berlin; clocks go from 02:00 to 03:00 on Sunday the 29th.
    expect(presetsAt("2026-03-28T22:30:00Z", BERLIN)).toEqual({
      hour: "2026-03-29T00:30:00+01:00",
      "three-hours": "2026-03-29T03:30:00+02:00",
      tomorrow: "2026-03-29T09:00:00+02:00",
      monday: "2026-03-30T09:00:00+02:00",
    });
  });

  it("keeps 09:00 at 09:00 across the autumn DST change", () => {
    // Saturday 31 October 2026, 20:00 in New York; clocks go back on Sunday 1 November.
    const p = presetsAt("2026-11-01T00:00:00Z", NEW_YORK);
    expect(p.tomorrow).toBe("2026-11-01T09:00:00-05:00");
    expect(p.monday).toBe("2026-11-02T09:00:00-05:00");
  });

  it("makes next Monday a week away on a Monday, and crosses month ends", () => {
    // Monday 30 November 2026, 08:00 in Berlin.
    const p = presetsAt("2026-11-30T07:00:00Z", BERLIN);
    expect(p.tomorrow).toBe("2026-12-01T09:00:00+01:00");
    expect(p.monday).toBe("2026-12-07T09:00:00+01:00");
  });
});

describe("custom snooze times", () => {
  it("reads a datetime-local value in the zone and writes it back", () => {
    const at = fromLocalInput("2026-03-29T09:00", BERLIN);
    expect(at).not.toBeNull();
    expect(rfc3339In(at ?? 0, BERLIN)).toBe("2026-03-29T09:00:00+02:00");
    expect(toLocalInput(at ?? 0, BERLIN)).toBe("2026-03-29T09:00");
    expect(fromLocalInput("2026-01-10T18:45", "UTC")).toBe(Date.parse("2026-01-10T18:45:00Z"));
  });

  it("refuses what is not a date and time", () => {
    expect(fromLocalInput("", BERLIN)).toBeNull();
    expect(fromLocalInput("tomorrow", BERLIN)).toBeNull();
    expect(fromLocalInput("2026-13-01T09:00", BERLIN)).toBeNull();
  });
});

describe("snoozedText", () => {
  const now = Date.parse("2026-03-02T08:00:00Z"); // Monday

  it("says the weekday and time within a week, the date beyond", () => {
    expect(snoozedText("2026-03-03T08:00:00Z", now, BERLIN)).toBe("Snoozed until Tue 09:00");
    expect(dayTime(Date.parse("2026-03-20T08:00:00Z"), now, BERLIN)).toBe("Fri 20 Mar 09:00");
    expect(snoozedText("not a time", now, BERLIN)).toBe("Snoozed");
  });
});
