import { describe, expect, it } from "vitest";
import {
  excerpt,
  filledValues,
  firstName,
  initials,
  isPaletteKey,
  paletteKey,
  renderTemplate,
  sampleValues,
  signatureLine,
} from "./savedReplies";

const KNOWN = ["author.name", "author.first_name", "author.handle", "agent.name", "agent.first_name", "agent.initials", "handle", "order"];

describe("renderTemplate (the rule of earshot_desk::template)", () => {
  it("fills a saved reply in", () => {
    const values = { ...sampleValues("Ana María López", "brand-support"), order: "A-1042" };
    const r = renderTemplate(
      "Hi {author.first_name}, sorry about order {order}! DM {handle} and we'll sort it. {agent.initials}",
      values,
      KNOWN,
    );
    expect(r.text).toBe("Hi Jane, sorry about order A-1042! DM @brand-support and we'll sort it. AML");
    expect(r.missing).toEqual([]);
    expect(renderTemplate("{author.handle} / {author.name}", values, KNOWN).text).toBe("@jane / Jane Doe");
  });

  it("keeps and reports missing and unknown variables, once each", () => {
    const r = renderTemplate("Your {order} ({ORDER}) and {coupon} – {agent.name}", sampleValues("Ana", ""), KNOWN);
    expect(r.text).toBe("Your {order} ({ORDER}) and {coupon} – Ana");
    expect(r.missing).toEqual(["order"]);
    expect(r.unknown).toEqual(["coupon"]);
  });

  it("treats doubled braces as braces and leaves stray ones", () => {
    expect(renderTemplate("{{literal}} } { not a name } {", {}, KNOWN).text).toBe("{literal} } { not a name } {");
  });

  it("names people as Rust does", () => {
    expect(firstName("  Ana María López ")).toBe("Ana");
    expect(initials("jean-luc picard")).toBe("JLP");
    expect(initials("Zoë 🌸 Ng (she/her)")).toBe("ZN");
  });
});

describe("the palette's keys", () => {
  it("moves with the arrows, wrapping, and chooses with Enter", () => {
    expect(paletteKey("ArrowDown", -1, 3)).toEqual({ kind: "move", index: 0 });
    expect(paletteKey("ArrowDown", 2, 3)).toEqual({ kind: "move", index: 0 });
    expect(paletteKey("ArrowUp", 0, 3)).toEqual({ kind: "move", index: 2 });
    expect(paletteKey("End", 0, 3)).toEqual({ kind: "move", index: 2 });
    expect(paletteKey("Enter", 1, 3)).toEqual({ kind: "choose", index: 1 });
    expect(paletteKey("Enter", -1, 3)).toEqual({ kind: "choose", index: 0 });
  });

  it("does nothing with no results but close, and leaves typing alone", () => {
    expect(paletteKey("ArrowDown", -1, 0)).toBeNull();
    expect(paletteKey("Enter", -1, 0)).toBeNull();
    expect(paletteKey("Escape", -1, 0)).toEqual({ kind: "close" });
    expect(paletteKey("a", 0, 3)).toBeNull();
  });

  it("opens with Ctrl+/ or Cmd+/", () => {
    expect(isPaletteKey({ key: "/", ctrlKey: true })).toBe(true);
    expect(isPaletteKey({ key: "/", metaKey: true })).toBe(true);
    expect(isPaletteKey({ key: "/" })).toBe(false);
    expect(isPaletteKey({ key: "/", ctrlKey: true, altKey: true })).toBe(false);
  });
});

describe("small words", () => {
  it("says the signature line", () => {
    expect(signatureLine("–Ana")).toBe("Signed –Ana");
    expect(signatureLine(null)).toMatch(/^Not signed/);
  });

  it("shortens bodies and drops empty values", () => {
    expect(excerpt("Hi\n there", 90)).toBe("Hi there");
    expect(excerpt("x".repeat(100), 10)).toHaveLength(10);
    expect(filledValues({ order: " A-1 ", other: "  " })).toEqual({ order: "A-1" });
  });
});
