import { describe, expect, it } from "vitest";
import type { SourceView, SyncReport } from "../bindings";
import {
  addedText,
  editForm,
  excludeText,
  feedAddress,
  fetchSummary,
  includeText,
  itemsText,
  lastFetchText,
  nextFetchText,
  removedText,
  sourceNeedsAttention,
  sourceHandleName,
  sourceRequest,
  sourceStateLabel,
  sourceTitle,
  sourceUpdate,
  updatedText,
  webOrigin,
  type SourceForm,
} from "./sources";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const MIN = 60_000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

function source(over: Partial<SourceView> = {}): SourceView {
  return {
    id: "12",
    url: "https://community.spokewise.example/latest.rss",
    name: "community.spokewise.example/latest.rss",
    title: "Spokewise Community",
    role: "support",
    include: ["spokewise", "tempo"],
    exclude: ["hiring"],
    state: "healthy",
    problem: null,
    last_fetch_at: at(-3 * MIN),
    next_fetch_at: at(2 * MIN),
    items: 14,
    ...over,
  };
}

describe("source names and states", () => {
  it("names a source by its feed's title, else its short name", () => {
    expect(sourceTitle(source())).toBe("Spokewise Community");
    expect(sourceTitle(source({ title: null }))).toBe("community.spokewise.example/latest.rss");
    expect(sourceTitle(source({ title: "   " }))).toBe("community.spokewise.example/latest.rss");
  });

  it("says every state in words, with a tone", () => {
    expect(sourceStateLabel(source())).toEqual({ text: "Healthy", tone: "ok" });
    expect(sourceStateLabel(source({ state: "syncing" }))).toEqual({ text: "Fetching…", tone: "busy" });
    expect(sourceStateLabel(source({ state: "unreachable" }))).toEqual({ text: "Feed unreachable", tone: "bad" });
    expect(sourceStateLabel(source({ state: "rate_limited", next_fetch_at: null }))).toEqual({
      text: "Site asked to wait",
      tone: "warn",
    });
    expect(sourceStateLabel(source({ state: "paused" }))).toEqual({ text: "Unknown state (paused)", tone: "warn" });
  });

  it("says until when a site asked Earshot to wait, in local time", () => {
    const until = new Date(2026, 10, 28, 14, 5).toISOString();
    expect(sourceStateLabel(source({ state: "rate_limited", next_fetch_at: until })).text).toBe(
      "Site asked to wait until 14:05",
    );
  });

  it("needs attention only when the feed cannot be fetched", () => {
    expect(sourceNeedsAttention(source({ state: "unreachable" }))).toBe(true);
    expect(sourceNeedsAttention(source({ state: "rate_limited" }))).toBe(false);
    expect(sourceNeedsAttention(source({ problem: "2 of 20 entries could not be read: entry 4 has no link or id." }))).toBe(
      false,
    );
  });
});

describe("source times and counts", () => {
  it("says when the feed was last fetched", () => {
    expect(lastFetchText(at(-3 * MIN), NOW)).toBe("Last fetched 3 min ago");
    expect(lastFetchText(at(-10_000), NOW)).toBe("Last fetched just now");
    expect(lastFetchText("2026-03-04T12:00:00Z", NOW)).toBe("Last fetched on Mar 4");
    expect(lastFetchText(null, NOW)).toBe("Not fetched yet");
  });

  it("says when it is fetched next", () => {
    expect(nextFetchText(at(2 * MIN), NOW)).toBe("Next fetch in 2 min");
    expect(nextFetchText(at(90 * MIN), NOW)).toBe("Next fetch in 1 h");
    expect(nextFetchText(null, NOW)).toBe("Next fetch with the next sync");
    expect(nextFetchText(at(-MIN), NOW)).toBe("Next fetch with the next sync");
    expect(nextFetchText("later", NOW)).toBe("Next fetch with the next sync");
  });

  it("counts the items found", () => {
    expect(itemsText(0)).toBe("No items yet");
    expect(itemsText(1)).toBe("1 item found");
    expect(itemsText(1204)).toBe("1,204 items found");
  });

  it("shows the keyword lists, saying what none means", () => {
    expect(includeText(["spokewise", "flat tyre"])).toBe("spokewise, flat tyre");
    expect(includeText([])).toBe("Every entry");
    expect(excludeText(["hiring"])).toBe("hiring");
    expect(excludeText([])).toBe("None");
  });
});

describe("fetchSummary", () => {
  const report: SyncReport = {
    account: "community.spokewise.example/latest.rss",
    imported: 2,
    merged: 5,
    skipped: 0,
    pages: 1,
    problem: null,
  };

  it("says what a fetch found", () => {
    expect(fetchSummary(report, NOW)).toEqual({ text: "2 new, 5 seen before", ok: true });
    expect(fetchSummary({ ...report, skipped: 1, next_fetch_at: null }, NOW)).toEqual({
      text: "2 new, 5 seen before, 1 could not be read",
      ok: true,
    });
  });

  it("says when the site asked Earshot to wait and nothing was fetched", () => {
    const until = new Date(NOW + 7 * MIN);
    const clock = `${String(until.getHours()).padStart(2, "0")}:${String(until.getMinutes()).padStart(2, "0")}`;
    expect(fetchSummary({ ...report, imported: 0, merged: 0, pages: 0, next_fetch_at: until.toISOString() }, NOW)).toEqual({
      text: `Not fetched: the site asked Earshot to wait until ${clock}. Try again in 7 min.`,
      ok: false,
    });
    // A time already past is not a wait.
    expect(fetchSummary({ ...report, next_fetch_at: at(-MIN) }, NOW).ok).toBe(true);
  });
});

describe("added and removed", () => {
  it("says what adding brought in", () => {
    expect(addedText(source({ items: 3 }))).toBe("Added Spokewise Community. 3 items joined the inbox.");
    expect(addedText(source({ items: 1, title: null }))).toBe(
      "Added community.spokewise.example/latest.rss. 1 item joined the inbox.",
    );
    expect(addedText(source({ items: 0 }))).toBe(
      "Added Spokewise Community. Nothing in the feed mentions your keywords yet; new entries that do will join the inbox.",
    );
  });

  it("says the items stay after removing", () => {
    expect(removedText(source())).toBe("Stopped listening to Spokewise Community. Its 14 items stay in your inbox.");
    expect(removedText(source({ items: 1 }))).toBe(
      "Stopped listening to Spokewise Community. Its 1 item stays in your inbox.",
    );
    expect(removedText(source({ items: 0 }))).toBe("Stopped listening to Spokewise Community.");
  });
});

describe("feedAddress", () => {
  it("takes http and https addresses as typed, trimmed", () => {
    expect(feedAddress("  https://community.spokewise.example/latest.rss ")).toEqual({
      ok: true,
      url: "https://community.spokewise.example/latest.rss",
    });
    expect(feedAddress("HTTP://127.0.0.1:8080/search.rss?q=spokewise")).toEqual({
      ok: true,
      url: "HTTP://127.0.0.1:8080/search.rss?q=spokewise",
    });
  });

  it("adds https:// when no scheme is given, as Rust does, and tells a port from a scheme", () => {
    expect(feedAddress("forum.example.com/latest.rss")).toEqual({ ok: true, url: "https://forum.example.com/latest.rss" });
    expect(feedAddress("localhost:8080/feed.xml")).toEqual({ ok: true, url: "https://localhost:8080/feed.xml" });
  });

  it("refuses other schemes, naming the one given", () => {
    expect(feedAddress("ftp://files.example.com/feed.xml")).toEqual({
      ok: false,
      message:
        "Earshot reads feeds over http and https only, and this is a ftp: address. Use the feed's web address, such as https://forum.example.com/latest.rss.",
    });
    expect(feedAddress("javascript:alert(1)")).toMatchObject({ ok: false, message: expect.stringContaining("javascript:") });
    expect(feedAddress("mailto:alerts@google.com")).toMatchObject({ ok: false, message: expect.stringContaining("mailto:") });
    expect(feedAddress("feed://forum.example.com/latest.rss")).toEqual({
      ok: false,
      message: "Use the feed's web address: replace feed:// at its start with https://.",
    });
  });

  it("refuses an empty address, spaces, and what is not an address", () => {
    expect(feedAddress("   ")).toEqual({
      ok: false,
      message: "Enter the feed's address, such as https://forum.example.com/latest.rss.",
    });
    expect(feedAddress("https://forum.example.com/latest feed.rss")).toEqual({
      ok: false,
      message: "A web address has no spaces. Copy the feed's address again.",
    });
    expect(feedAddress("https://")).toEqual({
      ok: false,
      message: "That is not a web address. Use the feed's full address, such as https://forum.example.com/latest.rss.",
    });
  });
});

describe("sourceRequest", () => {
  const form: SourceForm = {
    url: "https://www.google.com/alerts/feeds/0645/8312",
    include: "",
    exclude: " jobs,  hiring ,",
    role: "marketing",
  };

  it("builds add_source's arguments, with the keywords parsed", () => {
    expect(sourceRequest(form)).toEqual({
      ok: true,
      request: {
        url: "https://www.google.com/alerts/feeds/0645/8312",
        include: [],
        exclude: ["jobs", "hiring"],
        role: "marketing",
      },
    });
    expect(sourceRequest({ ...form, url: "forum.example.com/c/help.rss", include: "Spokewise, spokewise, flat  tyre" })).toEqual({
      ok: true,
      request: {
        url: "https://forum.example.com/c/help.rss",
        include: ["Spokewise", "flat tyre"],
        exclude: ["jobs", "hiring"],
        role: "marketing",
      },
    });
  });

  it("names the field of the first problem, address first", () => {
    expect(sourceRequest({ ...form, url: "", include: "x".repeat(101) })).toMatchObject({
      ok: false,
      problem: { field: "url" },
    });
    expect(sourceRequest({ ...form, include: "x".repeat(101) })).toMatchObject({
      ok: false,
      problem: { field: "include", message: expect.stringContaining("longer than 100 characters") },
    });
    expect(sourceRequest({ ...form, exclude: "y".repeat(101) })).toMatchObject({
      ok: false,
      problem: { field: "exclude" },
    });
  });

  it("refuses keywords in both lists, since exclude wins", () => {
    expect(sourceRequest({ ...form, include: "Spokewise, tempo", exclude: "spokewise" })).toEqual({
      ok: false,
      problem: {
        field: "exclude",
        message: "“Spokewise” is in both lists, so an entry that mentions it is never kept. Take it out of one list.",
      },
    });
    expect(sourceRequest({ ...form, include: "a, b, c", exclude: "C, A, B" })).toMatchObject({
      problem: {
        message: "“a”, “b” and “c” are in both lists, so an entry that mentions them is never kept. Take them out of one list.",
      },
    });
  });
});

describe("sourceUpdate", () => {
  it("fills the form with what the source has", () => {
    expect(editForm(source())).toEqual({ include: "spokewise, tempo", exclude: "hiring", role: "support" });
  });

  it("sends only what changed, comparing keywords in any order", () => {
    const s = source();
    expect(sourceUpdate(s, { include: "tempo, spokewise", exclude: "hiring", role: "support" })).toEqual({
      ok: true,
      update: { include: null, exclude: null, role: null },
      changed: false,
    });
    expect(sourceUpdate(s, { include: "tempo, spokewise, atlas", exclude: "hiring", role: "marketing" })).toEqual({
      ok: true,
      update: { include: ["tempo", "spokewise", "atlas"], exclude: null, role: "marketing" },
      changed: true,
    });
    expect(sourceUpdate(s, { include: "spokewise, tempo", exclude: "", role: "support" })).toEqual({
      ok: true,
      update: { include: null, exclude: [], role: null },
      changed: true,
    });
  });

  it("checks the keywords as adding does", () => {
    expect(sourceUpdate(source(), { include: "spokewise", exclude: "SPOKEWISE", role: "support" })).toMatchObject({
      ok: false,
      problem: { field: "exclude" },
    });
  });

  it("says what a save did", () => {
    expect(updatedText({ include: null, exclude: null, role: "other" })).toBe("Saved the role (Other).");
    expect(updatedText({ include: ["a"], exclude: [], role: "support" })).toBe(
      "Saved the include keywords, exclude keywords and role (Support). The next fetch checks every entry in the feed against them.",
    );
    expect(updatedText({ include: null, exclude: ["jobs"], role: null })).toBe(
      "Saved the exclude keywords. The next fetch checks every entry in the feed against them.",
    );
    expect(updatedText({ include: null, exclude: null, role: null })).toBe("No changes to save.");
  });
});

describe("webOrigin", () => {
  const handle = { id: "h9", network: "web" as const, account: "community.spokewise.example/latest.rss", role: "support" as const };

  it("names the source by its feed's title, else its short name", () => {
    const summaries = [{ id: "h9", display_name: "Spokewise Community" }];
    expect(webOrigin({ handles: [handle], url: "https://community.spokewise.example/t/41" }, summaries)).toBe(
      "Spokewise Community",
    );
    expect(webOrigin({ handles: [handle], url: null }, [])).toBe("community.spokewise.example/latest.rss");
    expect(webOrigin({ handles: [handle], url: null }, [{ id: "h9", display_name: " " }])).toBe(
      "community.spokewise.example/latest.rss",
    );
  });

  it("names a source's handle by its title in the handle list", () => {
    expect(sourceHandleName(handle, [{ id: "h1", display_name: "Spokewise Help" }, { id: "h9", display_name: "Forum" }])).toBe(
      "Forum",
    );
    expect(sourceHandleName(handle, [])).toBe("community.spokewise.example/latest.rss");
  });

  it("falls back to the page's site, then to words", () => {
    expect(webOrigin({ handles: [], url: "https://www.bikeradar.example/news/spokewise-recall" }, [])).toBe(
      "bikeradar.example",
    );
    expect(webOrigin({ handles: [], url: "not a url" }, [])).toBe("a listening source");
    expect(webOrigin({ handles: [], url: null }, [])).toBe("a listening source");
  });
});
