import { describe, expect, it } from "vitest";
import { contentHeight, pageSize, renderIndices, revealOffset, visibleRange } from "./virtual";

const H = 80;

describe("visibleRange", () => {
  it("is empty for an empty list", () => {
    expect(visibleRange({ scrollTop: 0, height: 800 }, H, 0, 8)).toEqual({ start: 0, end: 0 });
  });

  it("covers the visible rows plus overscan at the top", () => {
    // 800px shows rows 0..9; overscan adds 8 below.
    expect(visibleRange({ scrollTop: 0, height: 800 }, H, 100_000, 8)).toEqual({ start: 0, end: 18 });
  });

  it("includes partly visible rows", () => {
    // scrollTop 100 → row 1 partly hidden at top; bottom edge 900 → row 11 partly shown.
    expect(visibleRange({ scrollTop: 100, height: 800 }, H, 100_000, 0)).toEqual({ start: 1, end: 12 });
  });

  it("stays small deep in a 100,000-row list", () => {
    const r = visibleRange({ scrollTop: 50_000 * H, height: 800 }, H, 100_000, 8);
    expect(r).toEqual({ start: 49_992, end: 50_018 });
    expect(r.end - r.start).toBeLessThan(40);
  });

  it("clamps at the end and when scrolled past the content", () => {
    expect(visibleRange({ scrollTop: 99_995 * H, height: 800 }, H, 100_000, 8)).toEqual({ start: 99_987, end: 100_000 });
    // The list shrank under the viewport: still render the last rows.
    expect(visibleRange({ scrollTop: 10_000 * H, height: 800 }, H, 5, 2)).toEqual({ start: 2, end: 5 });
  });

  it("ignores negative scroll (overscroll bounce) and zero height", () => {
    expect(visibleRange({ scrollTop: -40, height: 800 }, H, 100, 0)).toEqual({ start: 0, end: 10 });
    expect(visibleRange({ scrollTop: 0, height: 0 }, H, 100, 0)).toEqual({ start: 0, end: 1 });
  });
});

describe("renderIndices", () => {
  it("adds the selection when it is above or below the window", () => {
    expect(renderIndices({ start: 10, end: 13 }, null, 100)).toEqual([10, 11, 12]);
    expect(renderIndices({ start: 10, end: 13 }, 11, 100)).toEqual([10, 11, 12]);
    expect(renderIndices({ start: 10, end: 13 }, 2, 100)).toEqual([2, 10, 11, 12]);
    expect(renderIndices({ start: 10, end: 13 }, 50, 100)).toEqual([10, 11, 12, 50]);
  });

  it("drops a selection outside the list", () => {
    expect(renderIndices({ start: 0, end: 2 }, 7, 5)).toEqual([0, 1]);
    expect(renderIndices({ start: 0, end: 2 }, -1, 5)).toEqual([0, 1]);
  });
});

describe("revealOffset", () => {
  const vp = { scrollTop: 800, height: 400 }; // rows 10..14 fully visible

  it("does nothing when the row is fully visible", () => {
    expect(revealOffset(10, H, vp)).toBeNull();
    expect(revealOffset(14, H, vp)).toBeNull();
  });

  it("scrolls up to put a row above at the top", () => {
    expect(revealOffset(9, H, vp)).toBe(720);
    expect(revealOffset(0, H, vp)).toBe(0);
  });

  it("scrolls down just enough to put a row below at the bottom", () => {
    expect(revealOffset(15, H, vp)).toBe(16 * H - 400);
    expect(revealOffset(99_999, H, vp)).toBe(100_000 * H - 400);
  });

  it("handles a partly visible row", () => {
    expect(revealOffset(10, H, { scrollTop: 810, height: 400 })).toBe(800);
  });
});

describe("sizes", () => {
  it("computes content height and page size", () => {
    expect(contentHeight(100_000, H)).toBe(8_000_000);
    expect(contentHeight(-3, H)).toBe(0);
    expect(pageSize(800, H)).toBe(9);
    expect(pageSize(50, H)).toBe(1);
  });
});
