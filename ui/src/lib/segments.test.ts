import { describe, expect, it } from "vitest";
import { hostOf, plainText, safeUrl, toParts } from "./segments";

describe("safeUrl", () => {
  it("accepts absolute http and https URLs", () => {
    expect(safeUrl("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeUrl("http://example.com")).toBe("http://example.com/");
    expect(safeUrl("  https://example.com/x  ")).toBe("https://example.com/x");
  });

  it("rejects every other scheme and malformed input", () => {
    for (const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "file:///etc/passwd",
      "tauri://localhost/",
      "ipc://localhost/",
      "//example.com/relative",
      "/relative/path",
      "not a url",
      "",
      "   ",
      null,
      undefined,
    ]) {
      expect(safeUrl(bad), String(bad)).toBeNull();
    }
  });

  it("rejects URLs with credentials (phishing-style user@host)", () => {
    expect(safeUrl("https://bank.example@evil.example/")).toBeNull();
    expect(safeUrl("https://user:pw@example.com/")).toBeNull();
  });
});

describe("toParts", () => {
  it("keeps text as text, even when it looks like HTML", () => {
    expect(toParts([{ text: "<img src=x onerror=alert(1)>", link: null }])).toEqual([
      { kind: "text", text: "<img src=x onerror=alert(1)>" },
    ]);
  });

  it("turns safe links into link parts with their host", () => {
    expect(toParts([{ text: "my order", link: "https://shop.example/o/1" }])).toEqual([
      { kind: "link", text: "my order", url: "https://shop.example/o/1", host: "shop.example" },
    ]);
  });

  it("renders an unsafe link as plain text, merged with its neighbours", () => {
    expect(
      toParts([
        { text: "click ", link: null },
        { text: "here", link: "javascript:alert(1)" },
        { text: " now", link: null },
      ]),
    ).toEqual([{ kind: "text", text: "click here now" }]);
  });

  it("shows the URL when a link segment has no text, and skips empty text", () => {
    expect(
      toParts([
        { text: "", link: null },
        { text: "", link: "https://a.example/" },
      ]),
    ).toEqual([{ kind: "link", text: "https://a.example/", url: "https://a.example/", host: "a.example" }]);
  });

  it("keeps mentions, tags and emoji as text", () => {
    const parts = toParts([
      { text: "@acme-support.bsky.social ", link: null },
      { text: "#bikes 🚲", link: null },
    ]);
    expect(parts).toEqual([{ kind: "text", text: "@acme-support.bsky.social #bikes 🚲" }]);
  });
});

describe("helpers", () => {
  it("extracts hosts and plain text", () => {
    expect(hostOf("https://www.example.com/x")).toBe("example.com");
    expect(hostOf("nope")).toBe("");
    expect(plainText([{ text: "a", link: null }, { text: "b", link: "https://x.example" }])).toBe("ab");
  });
});
