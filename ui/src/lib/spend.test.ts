import { describe, expect, it } from "vitest";
import type { SpendView, XPrice } from "../bindings";
import {
  budgetFraction,
  budgetText,
  budgetTone,
  dollarsMessage,
  formatPrice,
  formatUsd,
  hasSpend,
  parseDollars,
  priceSource,
  priceText,
  savedText,
  showSpend,
  spendRows,
  spendSettings,
  toMicros,
  usageText,
} from "./spend";

const view = (over: Partial<SpendView> = {}): SpendView => ({
  today: [],
  month: [],
  today_usd: 0,
  month_usd: 0,
  budget_usd: null,
  paused: null,
  prices: [],
  ...over,
});

describe("formatUsd", () => {
  it("shows dollars and cents, with thousands grouped", () => {
    expect(formatUsd(0.92)).toBe("$0.92");
    expect(formatUsd(1)).toBe("$1.00");
    expect(formatUsd(1204.5)).toBe("$1,204.50");
    expect(formatUsd(0)).toBe("$0.00");
  });

  it("rounds half a cent up, as Rust does", () => {
    expect(formatUsd(9.125)).toBe("$9.13");
    expect(formatUsd(1.005)).toBe("$1.01");
    expect(formatUsd(0.005)).toBe("$0.01");
    expect(formatUsd(0.994)).toBe("$0.99");
  });

  it("says a tiny cost is under a cent instead of nothing", () => {
    expect(formatUsd(0.004)).toBe("< $0.01");
    expect(formatUsd(0.000001)).toBe("< $0.01");
  });

  it("shows an amount that is not known as a dash", () => {
    expect(formatUsd(null)).toBe("\u2014");
    expect(formatUsd(Number.NaN)).toBe("\u2014");
  });
});

describe("prices", () => {
  it("keeps every digit Rust keeps, and at least cents", () => {
    expect(priceText(0.005)).toBe("0.005");
    expect(priceText(0.2)).toBe("0.20");
    expect(priceText(0.015)).toBe("0.015");
    expect(priceText(1)).toBe("1.00");
    expect(priceText(0.000001)).toBe("0.000001");
    expect(priceText(null)).toBe("");
    expect(formatPrice(0.01)).toBe("$0.01");
    expect(formatPrice(0.0125)).toBe("$0.0125");
    expect(formatPrice(null)).toBe("\u2014");
  });

  it("marks X's own prices", () => {
    expect(priceSource({ is_default: true })).toBe("X's published price");
    expect(priceSource({ is_default: false })).toBe("Your price");
  });

  it("counts in millionths", () => {
    expect(toMicros(0.005)).toBe(5_000);
    expect(toMicros(0.1 + 0.2)).toBe(300_000);
  });
});

describe("the budget meter", () => {
  it("gives the share of the budget used, held between 0 and 1", () => {
    expect(budgetFraction(0.92, 1)).toBeCloseTo(0.92, 10);
    expect(budgetFraction(0, 25)).toBe(0);
    expect(budgetFraction(30, 25)).toBe(1);
    expect(budgetFraction(0, 0)).toBe(1);
    expect(budgetFraction(5, null)).toBeNull();
    expect(budgetFraction(null, 10)).toBe(0);
  });

  it("warns from 90% and is used up at 100%, as Rust pauses", () => {
    expect(budgetTone(0.89, 1)).toBe("ok");
    expect(budgetTone(0.9, 1)).toBe("warn");
    expect(budgetTone(0.999999, 1)).toBe("warn");
    expect(budgetTone(1, 1)).toBe("bad");
    expect(budgetTone(2, 1)).toBe("bad");
    expect(budgetTone(0, 0)).toBe("bad");
    expect(budgetTone(500, null)).toBe("ok");
  });

  it("says the month against the budget in words", () => {
    expect(budgetText(0.92, 1)).toBe("$0.92 of $1.00 this month");
    expect(budgetText(0.004, 25)).toBe("< $0.01 of $25.00 this month");
    expect(budgetText(12.5, null)).toBe("$12.50 this month");
  });
});

describe("per handle", () => {
  const bikesMonth = { handle: "@SpokewiseBikes", reads: 1480, writes: 9, usd: 9.535 };
  const jobsMonth = { handle: "@SpokewiseJobs", reads: 106, writes: 0, usd: 0.58 };
  const bikesToday = { handle: "@SpokewiseBikes", reads: 73, writes: 1, usd: 0.425 };

  it("puts today beside the month, costliest first", () => {
    expect(spendRows(view({ today: [bikesToday], month: [jobsMonth, bikesMonth] }))).toEqual([
      { handle: "@SpokewiseBikes", today: bikesToday, month: bikesMonth },
      { handle: "@SpokewiseJobs", today: null, month: jobsMonth },
    ]);
    expect(spendRows(view())).toEqual([]);
  });

  it("keeps a handle billed today even if the month has no line for it", () => {
    expect(spendRows(view({ today: [bikesToday] }))).toEqual([
      { handle: "@SpokewiseBikes", today: bikesToday, month: null },
    ]);
  });

  it("says reads and writes in words", () => {
    expect(usageText(bikesMonth)).toBe("1,480 reads, 9 writes");
    expect(usageText({ reads: 1, writes: 1 })).toBe("1 read, 1 write");
    expect(usageText({ reads: 0, writes: 0 })).toBe("Nothing billed");
    expect(usageText(null)).toBe("Nothing billed");
  });
});

describe("when the meter shows", () => {
  const x = { network: "x" as const };
  const bluesky = { network: "bluesky" as const };

  it("shows for a connected X account, or for spend this month", () => {
    expect(showSpend([bluesky, x], null)).toBe(true);
    expect(showSpend([bluesky], view())).toBe(false);
    expect(showSpend([bluesky], view({ month_usd: 0.004 }))).toBe(true);
    expect(showSpend(null, view({ month: [{ handle: "@a", reads: 3, writes: 0, usd: 0 }] }))).toBe(true);
    expect(showSpend([], null)).toBe(false);
  });

  it("counts reads at a zero price as spend", () => {
    expect(hasSpend(view())).toBe(false);
    expect(hasSpend(view({ today: [{ handle: "@a", reads: 0, writes: 2, usd: 0 }] }))).toBe(true);
    expect(hasSpend(view({ today_usd: null, month_usd: null }))).toBe(false);
  });
});

describe("parseDollars", () => {
  it("reads amounts as people type them", () => {
    expect(parseDollars("0.005")).toEqual({ ok: true, usd: 0.005 });
    expect(parseDollars(" $25 ")).toEqual({ ok: true, usd: 25 });
    expect(parseDollars("$ 1,000.50")).toEqual({ ok: true, usd: 1000.5 });
    expect(parseDollars(".5")).toEqual({ ok: true, usd: 0.5 });
    expect(parseDollars("3.")).toEqual({ ok: true, usd: 3 });
    expect(parseDollars("0")).toEqual({ ok: true, usd: 0 });
    expect(parseDollars("0.0050000")).toEqual({ ok: true, usd: 0.005 });
  });

  it("refuses what is not an amount of dollars", () => {
    expect(parseDollars("  ")).toEqual({ ok: false, problem: "empty" });
    expect(parseDollars("$")).toEqual({ ok: false, problem: "empty" });
    expect(parseDollars("five")).toEqual({ ok: false, problem: "not_number" });
    expect(parseDollars("1e3")).toEqual({ ok: false, problem: "not_number" });
    expect(parseDollars("0,005")).toEqual({ ok: false, problem: "not_number" });
    expect(parseDollars("1.2.3")).toEqual({ ok: false, problem: "not_number" });
    expect(parseDollars("-1")).toEqual({ ok: false, problem: "negative" });
    expect(parseDollars("\u2212$0.50")).toEqual({ ok: false, problem: "negative" });
    expect(parseDollars("0.0000001")).toEqual({ ok: false, problem: "too_precise" });
    expect(parseDollars("2000000000")).toEqual({ ok: false, problem: "too_large" });
  });

  it("says each problem in words, naming the field", () => {
    expect(dollarsMessage("empty", "the price for Post read", "0.005")).toBe(
      "Enter the price for Post read in US dollars, such as 0.005.",
    );
    expect(dollarsMessage("negative", "the monthly budget", "25.00")).toBe("The monthly budget can't be below zero.");
    expect(dollarsMessage("too_large", "the monthly budget", "25.00")).toBe(
      "The monthly budget is too large. Enter at most 1,000,000,000.",
    );
  });
});

describe("spendSettings", () => {
  const prices: XPrice[] = [
    { kind: "post_read", label: "Post read", usd: 0.005, is_default: true },
    { kind: "user_read", label: "User read", usd: 0.01, is_default: true },
  ];

  it("removes the budget when the field is empty", () => {
    expect(spendSettings("  ", prices, {})).toEqual({
      ok: true,
      settings: { budgetUsd: null, clearBudget: true, prices: [] },
    });
  });

  it("sets the budget and sends only the prices that changed", () => {
    expect(spendSettings("$25", prices, { post_read: "0.005000", user_read: "0.012" })).toEqual({
      ok: true,
      settings: { budgetUsd: 25, clearBudget: false, prices: [{ kind: "user_read", usd: 0.012 }] },
    });
  });

  it("names the first field that is wrong, budget first", () => {
    expect(spendSettings("ten", prices, { post_read: "" })).toEqual({
      ok: false,
      field: { budget: true },
      message: "Enter the monthly budget as a number of US dollars, with a dot before the cents, such as 25.00.",
    });
    expect(spendSettings("10", prices, { post_read: "0.005", user_read: "" })).toEqual({
      ok: false,
      field: { kind: "user_read" },
      message: "Enter the price for User read in US dollars, such as 0.01.",
    });
    expect(spendSettings("10", prices, { post_read: "-1" })).toMatchObject({
      ok: false,
      field: { kind: "post_read" },
      message: "The price for Post read can't be below zero.",
    });
  });

  it("says what a save did", () => {
    expect(savedText({ budget_usd: 25 }, 0)).toBe("Budget set to $25.00 a month.");
    expect(savedText({ budget_usd: null }, 2)).toBe("No monthly budget; 2 prices changed.");
  });
});
