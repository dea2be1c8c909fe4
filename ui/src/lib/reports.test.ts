import { describe, expect, it } from "vitest";
import type { DayVolume } from "../bindings";
import {
  addDays,
  attainmentText,
  axisMinutes,
  dayLabel,
  dayLong,
  daysInPeriod,
  dayTicks,
  emptyHint,
  exportedText,
  formatMinutes,
  formatShare,
  includesDay,
  isDay,
  isFiltered,
  localDay,
  NO_FILTERS,
  NONE,
  periodDays,
  periodLabel,
  periodProblem,
  presetOf,
  presetPeriod,
  PRESETS,
  queueLabel,
  reportKey,
  responseSeries,
  responseSummary,
  sentParts,
  sentTotal,
  shareOfTotal,
  splitRowName,
  timeStatsText,
  toReportQuery,
  volumeSeries,
  volumeShares,
  volumeSummary,
} from "./reports";

function day(d: string, over: Partial<DayVolume> = {}): DayVolume {
  return {
    day: d,
    total: 0,
    spam: 0,
    actionable: 0,
    complaint: 0,
    question: 0,
    praise: 0,
    first_response_median_minutes: null,
    ...over,
  };
}

describe("days", () => {
  it("knows a real calendar day from text that only looks like one", () => {
    expect(isDay("2026-10-01")).toBe(true);
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("2026-1-01")).toBe(false);
    expect(isDay("")).toBe(false);
  });

  it("adds days across months, years and leap days", () => {
    expect(addDays("2026-10-31", 1)).toBe("2026-11-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-10-07", -6)).toBe("2026-10-01");
  });

  it("counts every day of a period, both ends included, across the end of summer time", () => {
    expect(daysInPeriod({ from: "2026-10-01", to: "2026-10-31" })).toBe(31);
    expect(daysInPeriod({ from: "2026-10-24", to: "2026-10-26" })).toBe(3);
    expect(daysInPeriod({ from: "2026-11-28", to: "2026-11-28" })).toBe(1);
    expect(periodDays({ from: "2026-12-30", to: "2027-01-02" })).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
  });

  it("finds the local day of a moment in a given time zone", () => {
    // 23:30 UTC on Oct 31 is already Nov 1 in Berlin and still Oct 31 in New York.
    const t = Date.parse("2026-10-31T23:30:00Z");
    expect(localDay(t, "Europe/Berlin")).toBe("2026-11-01");
    expect(localDay(t, "America/New_York")).toBe("2026-10-31");
    expect(localDay(t, "UTC")).toBe("2026-10-31");
  });

  it("finds the local day on this machine's clock", () => {
    const d = new Date(2026, 9, 5, 23, 59);
    expect(localDay(d.getTime())).toBe("2026-10-05");
  });
});

describe("presets", () => {
  const today = "2026-10-15";

  it("gives each preset its whole local days", () => {
    expect(presetPeriod("today", today)).toEqual({ from: "2026-10-15", to: "2026-10-15" });
    expect(presetPeriod("last-7-days", today)).toEqual({ from: "2026-10-09", to: "2026-10-15" });
    expect(presetPeriod("last-30-days", today)).toEqual({ from: "2026-09-16", to: "2026-10-15" });
    expect(presetPeriod("this-month", today)).toEqual({ from: "2026-10-01", to: "2026-10-15" });
    expect(presetPeriod("last-month", today)).toEqual({ from: "2026-09-01", to: "2026-09-30" });
  });

  it("has last month cross the year and know February's length", () => {
    expect(presetPeriod("last-month", "2027-01-03")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
    expect(presetPeriod("last-month", "2028-03-31")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(presetPeriod("this-month", "2026-03-01")).toEqual({ from: "2026-03-01", to: "2026-03-01" });
  });

  it("makes the last 7 and 30 days exactly that many days", () => {
    expect(daysInPeriod(presetPeriod("last-7-days", "2026-03-02"))).toBe(7);
    expect(daysInPeriod(presetPeriod("last-30-days", "2026-03-02"))).toBe(30);
  });

  it("says which preset a period is, if any", () => {
    expect(presetOf({ from: "2026-10-09", to: "2026-10-15" }, today)).toBe("last-7-days");
    expect(presetOf({ from: "2026-10-01", to: "2026-10-15" }, today)).toBe("this-month");
    expect(presetOf({ from: "2026-10-02", to: "2026-10-15" }, today)).toBeNull();
    // On the first of the month, "Today" and "This month" are the same days: the first in the list wins.
    expect(presetOf({ from: "2026-10-01", to: "2026-10-01" }, "2026-10-01")).toBe("today");
  });

  it("names every preset for its test hook", () => {
    expect(PRESETS.map((p) => p.id)).toEqual(["today", "last-7-days", "last-30-days", "this-month", "last-month"]);
  });
});

describe("a period typed in", () => {
  it("accepts a period in order, up to 400 days", () => {
    expect(periodProblem({ from: "2026-10-01", to: "2026-10-31" })).toBeNull();
    expect(periodProblem({ from: "2026-10-01", to: "2026-10-01" })).toBeNull();
    expect(periodProblem({ from: "2025-10-01", to: addDays("2025-10-01", 399) })).toBeNull();
  });

  it("says what is wrong in words", () => {
    expect(periodProblem({ from: "", to: "2026-10-31" })).toBe("Enter the first day of the period as a date.");
    expect(periodProblem({ from: "2026-10-01", to: "2026-02-30" })).toBe("Enter the last day of the period as a date.");
    expect(periodProblem({ from: "2026-10-31", to: "2026-10-01" })).toBe("The period ends before it starts.");
    expect(periodProblem({ from: "2025-10-01", to: addDays("2025-10-01", 400) })).toBe("Choose a period of at most 400 days.");
  });

  it("writes periods and days for people", () => {
    expect(periodLabel({ from: "2026-10-01", to: "2026-10-31" })).toBe("Oct 1 – Oct 31, 2026");
    expect(periodLabel({ from: "2026-12-20", to: "2027-01-05" })).toBe("Dec 20, 2026 – Jan 5, 2027");
    expect(periodLabel({ from: "2026-10-01", to: "2026-10-01" })).toBe("Oct 1, 2026");
    expect(dayLabel("2026-10-01")).toBe("Oct 1");
    expect(dayLong("2026-10-01")).toBe("Thu, Oct 1, 2026");
    expect(dayLong("2028-02-29")).toBe("Tue, Feb 29, 2028");
    expect(includesDay({ from: "2026-10-01", to: "2026-10-31" }, "2026-10-31")).toBe(true);
    expect(includesDay({ from: "2026-10-01", to: "2026-10-31" }, "2026-11-01")).toBe(false);
  });
});

describe("the query", () => {
  it("sends the desk's own time zone and only the filters chosen", () => {
    const q = toReportQuery({ from: "2026-10-01", to: "2026-10-31" }, { ...NO_FILTERS, handleId: "3", agent: "Sam Lee", split: "agent" });
    expect(q).toEqual({
      from: "2026-10-01",
      to: "2026-10-31",
      time_zone: null,
      handle_id: "3",
      role: null,
      network: null,
      agent: "Sam Lee",
      split: "agent",
    });
    expect(toReportQuery({ from: "2026-10-01", to: "2026-10-01" }, { ...NO_FILTERS, agent: "  " }).agent).toBeNull();
  });

  it("tells queries apart by every part", () => {
    const p = { from: "2026-10-01", to: "2026-10-31" };
    const a = reportKey(toReportQuery(p, NO_FILTERS));
    expect(reportKey(toReportQuery(p, NO_FILTERS))).toBe(a);
    expect(reportKey(toReportQuery(p, { ...NO_FILTERS, role: "support" }))).not.toBe(a);
    expect(reportKey(toReportQuery(p, { ...NO_FILTERS, split: "handle" }))).not.toBe(a);
    expect(reportKey(toReportQuery({ ...p, to: "2026-10-30" }, NO_FILTERS))).not.toBe(a);
  });

  it("counts filters, not the breakdown, as narrowing", () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, split: "role" })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, network: "x" })).toBe(true);
    expect(emptyHint({ ...NO_FILTERS, network: "x" })).toMatch(/Clear the filters/);
    expect(emptyHint(NO_FILTERS)).toMatch(/longer period/);
  });

  it("names breakdown rows in words", () => {
    expect(splitRowName({ key: "support", name: "support" }, "role")).toBe("Support");
    expect(splitRowName({ key: "bluesky", name: "bluesky" }, "network")).toBe("Bluesky");
    expect(splitRowName({ key: "", name: "" }, "agent")).toBe("Unassigned");
    expect(splitRowName({ key: "2", name: "Sam Lee" }, "agent")).toBe("Sam Lee");
    expect(splitRowName({ key: "4", name: "" }, "handle")).toBe("4");
  });
});

describe("figures in words", () => {
  it("writes minutes to the nearest minute", () => {
    expect(formatMinutes(75)).toBe("1 h 15 min");
    expect(formatMinutes(74.6)).toBe("1 h 15 min");
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(120)).toBe("2 h");
    expect(formatMinutes(0.2)).toBe("under 1 min");
    expect(formatMinutes(1440)).toBe("1 d");
    expect(formatMinutes(1440 + 4 * 60 + 10)).toBe("1 d 4 h");
    expect(formatMinutes(2 * 1440 - 10)).toBe("2 d");
    expect(formatMinutes(null)).toBe(NONE);
  });

  it("labels a minutes axis briefly", () => {
    expect(axisMinutes(30)).toBe("30 min");
    expect(axisMinutes(90)).toBe("1.5 h");
    expect(axisMinutes(120)).toBe("2 h");
    expect(axisMinutes(2880)).toBe("2 d");
  });

  it("writes shares as whole percents, never 100% with a miss nor 0% with a hit", () => {
    expect(formatShare(0.8)).toBe("80%");
    expect(formatShare(1)).toBe("100%");
    expect(formatShare(0)).toBe("0%");
    expect(formatShare(0.996)).toBe("99%");
    expect(formatShare(0.003)).toBe("under 1%");
    expect(formatShare(null)).toBe(NONE);
    expect(shareOfTotal(3, 12)).toBe("25%");
    expect(shareOfTotal(0, 0)).toBe(NONE);
  });

  it("says nothing is due yet when no SLA target has come due", () => {
    expect(attainmentText({ met: 0, missed: 0, share: null })).toEqual({
      value: "Nothing due yet",
      detail: "No item has reached its target yet",
    });
    expect(attainmentText({ met: 8, missed: 2, share: 0.8 })).toEqual({ value: "80%", detail: "8 of 10 met the target" });
  });

  it("gives median and 90th percentile, or says there are none", () => {
    expect(timeStatsText({ count: 12, median_minutes: 75, p90_minutes: 250 }, "No replies yet")).toEqual({
      median: "1 h 15 min",
      p90: "4 h 10 min",
      detail: "Over 12 items",
    });
    expect(timeStatsText({ count: 0, median_minutes: null, p90_minutes: null }, "No replies yet")).toEqual({
      median: NONE,
      p90: NONE,
      detail: "No replies yet",
    });
  });

  it("adds up and words the actions sent", () => {
    const s = { replies: 12, direct_messages: 1, boosts: 0, likes: 3, posts: 0 };
    expect(sentTotal(s)).toBe(16);
    expect(sentParts(s)).toEqual(["12 replies", "1 direct message", "3 likes"]);
    expect(sentParts({ replies: 1, direct_messages: 0, boosts: 2, likes: 0, posts: 1 })).toEqual(["1 reply", "2 boosts", "1 post"]);
  });

  it("gives each kind of mention as a share of all", () => {
    const shares = volumeShares(day("", { total: 200, actionable: 120, spam: 40, complaint: 50, question: 60, praise: 10 }));
    expect(shares.map((s) => `${s.label} ${s.share}`)).toEqual([
      "Actionable 60%",
      "Spam 20%",
      "Complaints 25%",
      "Questions 30%",
      "Praise 5%",
    ]);
  });
});

describe("charts", () => {
  const days = [
    day("2026-10-01", { total: 10, actionable: 6, spam: 2, complaint: 3, question: 2, praise: 1, first_response_median_minutes: 30 }),
    day("2026-10-02", { total: 25, actionable: 15, spam: 5, complaint: 7, question: 6, praise: 2 }),
    day("2026-10-03", { total: 4, actionable: 2, spam: 1, complaint: 1, question: 1, first_response_median_minutes: 95 }),
  ];

  it("draws a line per kind of mention, each with its own colour and dash", () => {
    const series = volumeSeries(days);
    expect(series.map((s) => s.label)).toEqual(["Total", "Actionable", "Spam", "Complaints", "Questions", "Praise"]);
    expect(series[0]!.values).toEqual([10, 25, 4]);
    expect(series[4]!.values).toEqual([2, 6, 1]);
    expect(new Set(series.map((s) => s.colorVar)).size).toBe(6);
    expect(series.every((s) => s.colorVar.startsWith("--chart-"))).toBe(true);
  });

  it("leaves a gap on days without a first response", () => {
    expect(responseSeries(days)[0]!.values).toEqual([30, null, 95]);
  });

  it("labels at most as many days as there is room for, always the first", () => {
    expect(dayTicks(7, 10)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(dayTicks(31, 8)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(dayTicks(365, 6).length).toBeLessThanOrEqual(6);
    expect(dayTicks(0, 6)).toEqual([]);
    expect(dayTicks(5, 0)).toEqual([0]);
  });

  it("sums a chart up in one sentence for screen readers", () => {
    expect(volumeSummary(days)).toBe("Mentions per day, Oct 1 to Oct 3: 39 mentions in all; the busiest day was Oct 2 with 25.");
    expect(volumeSummary([day("2026-10-01")])).toBe("Mentions per day, Thu, Oct 1, 2026: no mentions.");
    expect(responseSummary(days)).toBe("Median first response per day, Oct 1 to Oct 3: from 30 min to 1 h 35 min; 1 day without a first response.");
    expect(responseSummary([day("2026-10-01")])).toBe("Median first response per day, Thu, Oct 1, 2026: no first responses yet.");
  });
});

describe("the Now panel and export", () => {
  it("names queues in words", () => {
    expect(queueLabel("actionable")).toBe("Actionable");
    expect(queueLabel("spam")).toBe("Spam");
    expect(queueLabel("later")).toBe("later");
  });

  it("says how many rows were saved where", () => {
    expect(exportedText({ path: "/home/ana/Downloads/earshot-days-2026-10-01-to-2026-10-31.csv", rows: 12 })).toBe(
      "Saved 12 rows to /home/ana/Downloads/earshot-days-2026-10-01-to-2026-10-31.csv",
    );
    expect(exportedText({ path: "/tmp/a.csv", rows: 1 })).toBe("Saved 1 row to /tmp/a.csv");
    expect(exportedText({ path: "/tmp/a.csv", rows: 1204 })).toBe("Saved 1,204 rows to /tmp/a.csv");
  });
});
