import { describe, expect, it } from "vitest";
import { usableLanguage } from "./uplot";

describe("the language uPlot is loaded with", () => {
  it("accepts real language tags and refuses the C locale's", () => {
    expect(usableLanguage("en-US")).toBe(true);
    expect(usableLanguage("de")).toBe(true);
    expect(usableLanguage("C")).toBe(false);
    expect(usableLanguage("")).toBe(false);
    expect(usableLanguage(undefined)).toBe(false);
  });
});
