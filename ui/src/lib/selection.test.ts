import { describe, expect, it } from "vitest";
import { afterRemoval, clamp, move } from "./selection";

describe("move", () => {
  it("moves and clamps", () => {
    expect(move(0, 1, 10)).toBe(1);
    expect(move(9, 1, 10)).toBe(9);
    expect(move(0, -1, 10)).toBe(0);
    expect(move(5, 9, 10)).toBe(9);
  });

  it("starts at the top (or bottom going up) with nothing selected", () => {
    expect(move(-1, 1, 10)).toBe(0);
    expect(move(-1, -1, 10)).toBe(9);
  });

  it("selects nothing in an empty list", () => {
    expect(move(3, 1, 0)).toBe(-1);
    expect(clamp(3, 0)).toBe(-1);
  });
});

describe("afterRemoval", () => {
  it("selects the next row in the removed row's place", () => {
    expect(afterRemoval(4, 4, 9)).toBe(4);
  });

  it("selects the new last row when the last one was removed", () => {
    expect(afterRemoval(9, 9, 9)).toBe(8);
  });

  it("keeps the same row selected when another row above it left", () => {
    expect(afterRemoval(6, 2, 9)).toBe(5);
    expect(afterRemoval(1, 5, 9)).toBe(1);
  });

  it("selects nothing when the list is now empty", () => {
    expect(afterRemoval(0, 0, 0)).toBe(-1);
  });
});
