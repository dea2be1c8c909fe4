import { describe, expect, it } from "vitest";
import type { PresenceView } from "../bindings";
import { presenceSummary } from "./presence";

const at = (agent: string, activity: PresenceView["activity"]): PresenceView => ({ agent, activity, text: "" });

describe("presenceSummary", () => {
  it("is empty when nobody else has the item open", () => {
    expect(presenceSummary([])).toBe("");
  });

  it("names one viewer or one writer", () => {
    expect(presenceSummary([at("Ana Ruiz", "viewing")])).toBe("Ana Ruiz is viewing this item");
    expect(presenceSummary([at("Bo Chen", "composing")])).toBe("Bo Chen is writing a reply");
  });

  it("puts writers first and joins several names", () => {
    expect(
      presenceSummary([
        at("Ana Ruiz", "viewing"),
        at("Bo Chen", "composing"),
        at("Cleo Park", "viewing"),
        at("Dev Rao", "viewing"),
      ]),
    ).toBe("Bo Chen is writing a reply; Ana Ruiz, Cleo Park and Dev Rao are viewing this item");
    expect(presenceSummary([at("Ana Ruiz", "composing"), at("Bo Chen", "composing")])).toBe(
      "Ana Ruiz and Bo Chen are writing a reply",
    );
  });
});
