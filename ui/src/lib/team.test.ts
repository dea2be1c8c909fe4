import { describe, expect, it } from "vitest";
import type { MoveReport } from "../bindings";
import { assignModeSaid, movedSummary } from "./team";

const report = (tables: [string, string, number][], items: number): MoveReport => ({
  url: "postgres://ana@db/inbox",
  items,
  tables: tables.map(([table, label, rows]) => ({ table, label, rows })),
});

describe("movedSummary", () => {
  it("leads with the items and names a few of the rest", () => {
    expect(
      movedSummary(
        report(
          [
            ["handles", "handles", 3],
            ["mentions", "items", 1204],
            ["notes", "notes", 0],
            ["item_events", "history entries", 412],
          ],
          1204,
        ),
      ),
    ).toBe("Moved 1,204 items (and 3 handles, 412 history entries) into the team database.");
  });

  it("says one item, and cuts a long list short", () => {
    expect(movedSummary(report([["mentions", "items", 1]], 1))).toBe("Moved 1 item into the team database.");
    const many = report(
      [
        ["a", "a", 1],
        ["b", "b", 1],
        ["c", "c", 1],
        ["d", "d", 1],
        ["e", "e", 1],
      ],
      0,
    );
    expect(movedSummary(many)).toBe("Moved 0 items (and 1 a, 1 b, 1 c, 1 d, …) into the team database.");
  });
});

describe("assignModeSaid", () => {
  it("says what each mode does", () => {
    expect(assignModeSaid("support", "off")).toBe("Support items wait for someone to claim them.");
    expect(assignModeSaid("marketing", "least_loaded")).toBe("Marketing items now go to whoever on duty holds the fewest.");
  });
});
