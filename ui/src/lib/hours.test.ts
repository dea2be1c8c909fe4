import { describe, expect, it } from "vitest";
import type { Schedule } from "../bindings";
import {
  BUSINESS_DEFAULT,
  copyToOpenDays,
  draftToSchedule,
  draftToSla,
  minutesHelp,
  minutesInWords,
  overnightNote,
  parseMinutes,
  QUIET_DEFAULT,
  runsOvernight,
  scheduleToDraft,
  slaToDraft,
  timeZoneChoices,
} from "./hours";

describe("minutesInWords", () => {
  it("says minutes, hours and days the short way", () => {
    expect(minutesInWords(45)).toBe("45 min");
    expect(minutesInWords(60)).toBe("1 h");
    expect(minutesInWords(90)).toBe("1 h 30 min");
    expect(minutesInWords(1440)).toBe("1 day");
    expect(minutesInWords(2 * 1440 + 4 * 60 + 5)).toBe("2 days 4 h 5 min");
  });

  it("says nothing for no target", () => {
    expect(minutesInWords(null)).toBe("");
    expect(minutesInWords(0)).toBe("");
    expect(minutesHelp("")).toBe("No target");
    expect(minutesHelp("90")).toBe("1 h 30 min");
    expect(minutesHelp("1.5")).toBe("");
  });

  it("reads whole minutes only", () => {
    expect(parseMinutes(" 30 ")).toEqual({ value: 30 });
    expect(parseMinutes("")).toEqual({ value: null });
    expect(parseMinutes("1h")).toHaveProperty("problem");
    expect(parseMinutes("-5")).toHaveProperty("problem");
  });
});

describe("the SLA draft", () => {
  it("goes both ways, and names the field it cannot read", () => {
    const draft = slaToDraft({ first_response_minutes: 60, resolution_minutes: null, business_hours_only: true });
    expect(draft).toEqual({ firstResponse: "60", resolution: "", businessHoursOnly: true });
    expect(draftToSla(draft)).toEqual({
      sla: { first_response_minutes: 60, resolution_minutes: null, business_hours_only: true },
    });
    expect(draftToSla({ ...draft, resolution: "two days" })).toMatchObject({ field: "resolution" });
  });
});

describe("the schedule editor", () => {
  const office: Schedule = {
    time_zone: "Europe/Berlin",
    spans: [
      { day: 1, start: "09:00", end: "17:30" },
      { day: 1, start: "19:00", end: "21:00" },
      { day: 5, start: "9:00", end: "24:00" },
    ],
  };

  it("shows one row per weekday, open where the schedule has a span", () => {
    const draft = scheduleToDraft(office, "UTC", BUSINESS_DEFAULT);
    expect(draft.enabled).toBe(true);
    expect(draft.timeZone).toBe("Europe/Berlin");
    expect(draft.days.map((d) => d.open)).toEqual([true, false, false, false, true, false, false]);
    expect(draft.days[0]).toMatchObject({ start: "09:00", end: "17:30", others: [{ start: "19:00", end: "21:00" }] });
    // A time input cannot show 24:00 (nor 9:00): midnight at the end of the day shows as 00:00.
    expect(draft.days[4]).toMatchObject({ start: "09:00", end: "00:00" });
    expect(draft.days[1]).toMatchObject({ start: "09:00", end: "17:00" });
  });

  it("gives back the same schedule, the extra spans kept, midnight as 24:00", () => {
    const back = draftToSchedule(scheduleToDraft(office, "UTC", BUSINESS_DEFAULT));
    expect(back).toEqual({
      time_zone: "Europe/Berlin",
      spans: [
        { day: 1, start: "09:00", end: "17:30" },
        { day: 1, start: "19:00", end: "21:00" },
        { day: 5, start: "09:00", end: "24:00" },
      ],
    });
  });

  it("has no hours when off, and starts from the given zone and defaults", () => {
    const draft = scheduleToDraft(null, "America/New_York", QUIET_DEFAULT);
    expect(draft.enabled).toBe(false);
    expect(draft.timeZone).toBe("America/New_York");
    expect(draft.days.every((d) => !d.open && d.start === "22:00" && d.end === "07:00")).toBe(true);
    expect(draftToSchedule(draft)).toBeNull();
  });

  it("keeps overnight spans as written and says where they end", () => {
    const draft = scheduleToDraft(null, "UTC", QUIET_DEFAULT);
    draft.enabled = true;
    draft.days = draft.days.map((d) => (d.day === 7 ? { ...d, open: true } : d));
    expect(draftToSchedule(draft)).toEqual({ time_zone: "UTC", spans: [{ day: 7, start: "22:00", end: "07:00" }] });
    const sunday = draft.days[6]!;
    expect(runsOvernight(sunday)).toBe(true);
    expect(overnightNote(sunday)).toBe("Until 07:00 on Monday");
    expect(runsOvernight({ start: "09:00", end: "00:00" })).toBe(false);
    expect(overnightNote({ day: 1, open: true, start: "09:00", end: "17:00" })).toBe("");
  });

  it("copies one day's hours to the other open days", () => {
    const draft = scheduleToDraft(office, "UTC", BUSINESS_DEFAULT);
    const copied = copyToOpenDays(draft, 1);
    expect(copied.days[4]).toMatchObject({ start: "09:00", end: "17:30" });
    expect(copied.days[1]).toMatchObject({ open: false, start: "09:00", end: "17:00" });
  });

  it("offers the current and system zones among the choices", () => {
    const zones = timeZoneChoices("Mars/Olympus", "Europe/Berlin");
    expect(zones).toContain("Mars/Olympus");
    expect(zones).toContain("Europe/Berlin");
    expect(zones).toContain("UTC");
  });
});
