import { describe, expect, it } from "vitest";
import {
  accountAge,
  agoText,
  atHandle,
  formatCompact,
  formatContribution,
  formatCount,
  formatScore,
  handleText,
  relativeAge,
  relativeAgeLong,
  relativeUntil,
  totalLabel,
} from "./format";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("relativeAge", () => {
  it("says now under a minute, and for clock skew into the future", () => {
    expect(relativeAge(ago(0), NOW)).toBe("now");
    expect(relativeAge(ago(59_000), NOW)).toBe("now");
    expect(relativeAge(ago(-5 * MIN), NOW)).toBe("now");
  });

  it("uses minutes, hours and days", () => {
    expect(relativeAge(ago(12 * MIN), NOW)).toBe("12 min");
    expect(relativeAge(ago(59 * MIN + 59_000), NOW)).toBe("59 min");
    expect(relativeAge(ago(HOUR), NOW)).toBe("1 h");
    expect(relativeAge(ago(3 * HOUR + 20 * MIN), NOW)).toBe("3 h");
    expect(relativeAge(ago(DAY), NOW)).toBe("1 d");
    expect(relativeAge(ago(2 * DAY + 5 * HOUR), NOW)).toBe("2 d");
    expect(relativeAge(ago(29 * DAY), NOW)).toBe("29 d");
  });

  it("falls back to a date after 30 days, with the year only when it differs", () => {
    expect(relativeAge("2026-03-04T12:00:00Z", NOW)).toBe("Mar 4");
    expect(relativeAge("2024-03-04T12:00:00Z", NOW)).toBe("Mar 4, 2024");
  });

  it("is empty for text that is not a date", () => {
    expect(relativeAge("yesterday-ish", NOW)).toBe("");
  });

  it("has a spoken form", () => {
    expect(relativeAgeLong(ago(30_000), NOW)).toBe("just now");
    expect(relativeAgeLong(ago(MIN), NOW)).toBe("1 minute ago");
    expect(relativeAgeLong(ago(12 * MIN), NOW)).toBe("12 minutes ago");
    expect(relativeAgeLong(ago(3 * HOUR), NOW)).toBe("3 hours ago");
    expect(relativeAgeLong(ago(2 * DAY), NOW)).toBe("2 days ago");
    expect(relativeAgeLong("2024-03-04T12:00:00Z", NOW)).toBe("on Mar 4, 2024");
  });
});

describe("agoText", () => {
  it("puts the age after a label, or null without a time", () => {
    expect(agoText("Last fetched", ago(20_000), NOW)).toBe("Last fetched just now");
    expect(agoText("Last fetched", ago(7 * MIN), NOW)).toBe("Last fetched 7 min ago");
    expect(agoText("Last fetched", ago(5 * HOUR), NOW)).toBe("Last fetched 5 h ago");
    expect(agoText("Last fetched", "2026-03-04T12:00:00Z", NOW)).toBe("Last fetched on Mar 4");
    expect(agoText("Last fetched", null, NOW)).toBeNull();
    expect(agoText("Last fetched", "soon", NOW)).toBeNull();
  });
});

describe("relativeUntil", () => {
  const later = (ms: number) => new Date(NOW + ms).toISOString();

  it("counts minutes to the nearest, and hours and days down", () => {
    expect(relativeUntil(later(5 * MIN + 20_000), NOW)).toBe("in 5 min");
    expect(relativeUntil(later(4 * MIN + 40_000), NOW)).toBe("in 5 min");
    expect(relativeUntil(later(MIN), NOW)).toBe("in 1 min");
    expect(relativeUntil(later(59 * MIN + 50_000), NOW)).toBe("in 59 min");
    expect(relativeUntil(later(2 * HOUR + 40 * MIN), NOW)).toBe("in 2 h");
    expect(relativeUntil(later(3 * DAY + HOUR), NOW)).toBe("in 3 d");
  });

  it("says under a minute for what is due or past, a date far off, and nothing for garbage", () => {
    expect(relativeUntil(later(30_000), NOW)).toBe("in under a minute");
    expect(relativeUntil(later(-5 * MIN), NOW)).toBe("in under a minute");
    expect(relativeUntil("2027-01-15T12:00:00Z", NOW)).toBe("on Jan 15, 2027");
    expect(relativeUntil("whenever", NOW)).toBe("");
  });
});

describe("accountAge", () => {
  it("describes how old an account is", () => {
    expect(accountAge(null, NOW)).toBeNull();
    expect(accountAge("garbage", NOW)).toBeNull();
    expect(accountAge(ago(HOUR), NOW)).toBe("less than a day");
    expect(accountAge(ago(DAY), NOW)).toBe("1 day");
    expect(accountAge(ago(12 * DAY), NOW)).toBe("12 days");
    expect(accountAge(ago(70 * DAY), NOW)).toBe("2 months");
    expect(accountAge(ago(400 * DAY), NOW)).toBe("1 year");
    expect(accountAge("2021-03-02T10:00:00Z", NOW)).toBe("5 years");
  });
});

describe("numbers", () => {
  it("formats counts with separators", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1204)).toBe("1,204");
    expect(formatCount(100000)).toBe("100,000");
  });

  it("formats follower counts compactly without rounding up", () => {
    expect(formatCompact(0)).toBe("0");
    expect(formatCompact(999)).toBe("999");
    expect(formatCompact(1000)).toBe("1k");
    expect(formatCompact(1250)).toBe("1.2k");
    expect(formatCompact(12_400)).toBe("12.4k");
    expect(formatCompact(99_999)).toBe("99.9k");
    expect(formatCompact(124_000)).toBe("124k");
    expect(formatCompact(999_999)).toBe("999k");
    expect(formatCompact(1_250_000)).toBe("1.2M");
    expect(formatCompact(3_000_000_000)).toBe("3B");
  });

  it("signs contributions with a real minus sign", () => {
    expect(formatContribution(2.8)).toBe("+2.8");
    expect(formatContribution(2.849)).toBe("+2.8");
    expect(formatContribution(-0.5)).toBe("\u22120.5");
    expect(formatContribution(0)).toBe("0.0");
    expect(formatContribution(-0.01)).toBe("0.0");
    expect(formatContribution(1)).toBe("+1.0");
  });

  it("shows scores with one decimal", () => {
    expect(formatScore(8.44)).toBe("8.4");
    expect(formatScore(3)).toBe("3.0");
  });
});

describe("labels", () => {
  it("counts the list", () => {
    expect(totalLabel(1204, "open")).toBe("1,204 open");
    expect(totalLabel(1, "done")).toBe("1 done");
  });

  it("adds one @ to handles", () => {
    expect(atHandle("jane.bsky.social")).toBe("@jane.bsky.social");
    expect(atHandle("@jane")).toBe("@jane");
    expect(atHandle("user@server.example")).toBe("@user@server.example");
  });

  it("writes web handles as named, with no @", () => {
    expect(handleText("web", "Jane-Ortiz@forum.example")).toBe("Jane-Ortiz@forum.example");
    expect(handleText("web", "community.spokewise.example/latest.rss")).toBe("community.spokewise.example/latest.rss");
    expect(handleText("mastodon", "user@server.example")).toBe("@user@server.example");
    expect(handleText("x", "SpokewiseBikes")).toBe("@SpokewiseBikes");
  });
});
