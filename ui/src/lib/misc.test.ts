import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounce } from "./debounce";
import { nextFocus } from "./focusTrap";
import { progressPercent, progressText } from "./progress";
import { contributionSign, contributionWidth } from "./reasons";

describe("debounce", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once with the last arguments after the quiet period", () => {
    const fn = vi.fn();
    const d = debounce(fn, 200);
    d("r");
    d("re");
    vi.advanceTimersByTime(199);
    d("ref");
    vi.advanceTimersByTime(199);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledExactlyOnceWith("ref");
  });

  it("flushes now and cancels", () => {
    const fn = vi.fn();
    const d = debounce(fn, 200);
    d(1);
    d.flush();
    expect(fn).toHaveBeenCalledWith(1);
    d(2);
    d.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
    d.flush(); // nothing pending
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe("progressText", () => {
  it("counts with a total, and says the phase alone without one", () => {
    expect(progressText({ done: 2, total: 3, phase: "Fetching mentions" })).toBe("Fetching mentions — 2 of 3");
    expect(progressText({ done: 1204, total: 5000, phase: "Reading the feed" })).toBe("Reading the feed — 1,204 of 5,000");
    expect(progressText({ done: 0, total: 0, phase: "Connecting" })).toBe("Connecting…");
  });
});

describe("progressPercent", () => {
  it("rounds and clamps", () => {
    expect(progressPercent(null)).toBeNull();
    expect(progressPercent({ done: 0, total: 0, phase: "x" })).toBeNull();
    expect(progressPercent({ done: 1, total: 3, phase: "x" })).toBe(33);
    expect(progressPercent({ done: 300, total: 300, phase: "x" })).toBe(100);
    expect(progressPercent({ done: 400, total: 300, phase: "x" })).toBe(100);
  });
});

describe("contributionWidth", () => {
  it("scales to the largest contribution", () => {
    expect(contributionWidth(2.8, 2.8)).toBe(100);
    expect(contributionWidth(-1.4, 2.8)).toBe(50);
    expect(contributionWidth(1, 0)).toBe(0);
    expect(contributionWidth(Number.NaN, 2)).toBe(0);
  });

  it("colours by the sign that is shown", () => {
    expect(contributionSign(0.3)).toBe(1);
    expect(contributionSign(0.04)).toBe(0);
    expect(contributionSign(-0.04)).toBe(0);
    expect(contributionSign(-0.06)).toBe(-1);
  });
});

describe("nextFocus", () => {
  const [a, b, c] = ["a", "b", "c"];
  const all = [a, b, c];

  it("wraps at the ends and otherwise lets the browser move", () => {
    expect(nextFocus(all, c, false)).toBe(a);
    expect(nextFocus(all, a, true)).toBe(c);
    expect(nextFocus(all, a, false)).toBeNull();
    expect(nextFocus(all, b, true)).toBeNull();
  });

  it("pulls focus back in from outside", () => {
    expect(nextFocus(all, "elsewhere", false)).toBe(a);
    expect(nextFocus(all, "elsewhere", true)).toBe(c);
    expect(nextFocus([], a, false)).toBeNull();
  });
});
