import { describe, expect, it } from "vitest";
import {
  accountsButtonLabel,
  attentionCount,
  clockTime,
  lastSyncText,
  needsAttention,
  stateLabel,
  syncSummary,
  validateConnect,
} from "./accounts";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("stateLabel", () => {
  it("says every state in words, with a tone", () => {
    expect(stateLabel({ state: "healthy", rate_limited_until: null })).toEqual({ text: "Healthy", tone: "ok" });
    expect(stateLabel({ state: "syncing", rate_limited_until: null })).toEqual({ text: "Syncing…", tone: "busy" });
    expect(stateLabel({ state: "token_invalid", rate_limited_until: null })).toEqual({
      text: "Token expired or revoked — reconnect",
      tone: "bad",
    });
    expect(stateLabel({ state: "unreachable", rate_limited_until: null })).toEqual({
      text: "Server unreachable",
      tone: "bad",
    });
  });

  it("gives the local time a rate limit ends", () => {
    const until = new Date(2026, 10, 28, 14, 5).toISOString();
    expect(stateLabel({ state: "rate_limited", rate_limited_until: until })).toEqual({
      text: "Rate-limited until 14:05",
      tone: "warn",
    });
    expect(stateLabel({ state: "rate_limited", rate_limited_until: null }).text).toBe("Rate-limited");
  });

  it("shows a state it does not know instead of hiding it", () => {
    expect(stateLabel({ state: "frozen", rate_limited_until: null })).toEqual({
      text: "Unknown state (frozen)",
      tone: "warn",
    });
  });
});

describe("clockTime", () => {
  it("pads hours and minutes, and ignores non-times", () => {
    expect(clockTime(new Date(2026, 0, 2, 9, 7).toISOString())).toBe("09:07");
    expect(clockTime(null)).toBe("");
    expect(clockTime("soon")).toBe("");
  });
});

describe("attention", () => {
  const accounts = [
    { state: "healthy" },
    { state: "token_invalid" },
    { state: "rate_limited" },
    { state: "unreachable" },
    { state: "syncing" },
  ];

  it("counts only the states a person must act on", () => {
    expect(accounts.map(needsAttention)).toEqual([false, true, false, true, false]);
    expect(attentionCount(accounts)).toBe(2);
    expect(attentionCount([])).toBe(0);
  });

  it("names the button with the count", () => {
    expect(accountsButtonLabel(0)).toBe("Accounts");
    expect(accountsButtonLabel(1)).toBe("Accounts — 1 needs attention");
    expect(accountsButtonLabel(3)).toBe("Accounts — 3 need attention");
  });
});

describe("lastSyncText", () => {
  it("says never, just now, minutes, hours, days and dates", () => {
    expect(lastSyncText(null, NOW)).toBe("Never synced");
    expect(lastSyncText("not a date", NOW)).toBe("Never synced");
    expect(lastSyncText(ago(10_000), NOW)).toBe("Last sync just now");
    expect(lastSyncText(ago(5 * MIN), NOW)).toBe("Last sync 5 min ago");
    expect(lastSyncText(ago(3 * HOUR), NOW)).toBe("Last sync 3 h ago");
    expect(lastSyncText(ago(2 * DAY), NOW)).toBe("Last sync 2 d ago");
    expect(lastSyncText("2026-03-04T12:00:00Z", NOW)).toBe("Last sync on Mar 4");
  });
});

describe("syncSummary", () => {
  const base = { account: "a@m.example", imported: 3, merged: 0, skipped: 0, pages: 1, problem: null };

  it("says what was fetched", () => {
    expect(syncSummary(base)).toEqual({ text: "3 new, 0 seen before", ok: true });
    expect(syncSummary({ ...base, imported: 1204, merged: 2, skipped: 1 }).text).toBe(
      "1,204 new, 2 seen before, 1 could not be read",
    );
  });

  it("leads with the problem when the sync stopped early", () => {
    expect(syncSummary({ ...base, imported: 0, problem: "The server is rate-limiting Earshot." })).toEqual({
      text: "The server is rate-limiting Earshot. (0 new, 0 seen before.)",
      ok: false,
    });
  });
});

describe("validateConnect", () => {
  it("asks for the server, then the token", () => {
    expect(validateConnect("", "tok")?.field).toBe("server");
    expect(validateConnect("   ", "")?.field).toBe("server");
    expect(validateConnect("https://mastodon.social", " ")?.field).toBe("token");
    expect(validateConnect("https://mastodon.social", "tok")).toBeNull();
  });
});
