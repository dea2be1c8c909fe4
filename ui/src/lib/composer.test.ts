import { describe, expect, it } from "vitest";
import type { AccountView, HandleRef, OutboxView } from "../bindings";
import {
  actionsFor,
  alreadyDone,
  announce,
  canAnswer,
  chooseSender,
  counter,
  hasText,
  kindLabel,
  mergeRow,
  needsPolling,
  outboxStateLabel,
  outboxTone,
  pickFrom,
  queuedMessage,
  quickActionLabel,
  reactFromLabel,
  senderLabel,
  senders,
} from "./composer";

function account(id: string, over: Partial<AccountView> = {}): AccountView {
  return {
    id,
    network: "bluesky",
    account: `${id}.bsky.social`,
    role: "support",
    service_url: "https://bsky.social/",
    state: "healthy",
    problem: null,
    rate_limited_until: null,
    last_sync_at: null,
    keywords: [],
    live_since: null,
    ...over,
  };
}

function handle(account: string, over: Partial<HandleRef> = {}): HandleRef {
  return { id: `h-${account}`, network: "bluesky", account, role: "support", ...over };
}

function row(over: Partial<OutboxView> = {}): OutboxView {
  return {
    id: "1",
    item_id: "m1",
    kind: "reply",
    network: "bluesky",
    from: "help.bsky.social",
    text: "Thanks!",
    state: "queued",
    attempts: 0,
    problem: null,
    result_url: null,
    created_at: "2026-03-04T12:00:00Z",
    sent_at: null,
    next_attempt_at: "2026-03-04T12:00:00Z",
    ...over,
  };
}

describe("actions per network", () => {
  it("names Bluesky's actions and offers no direct message there", () => {
    expect(actionsFor("bluesky").map((a) => a.label)).toEqual(["Reply", "Repost", "Like"]);
    expect(actionsFor("bluesky").some((a) => a.kind === "dm")).toBe(false);
  });

  it("names Mastodon's actions, direct message included", () => {
    expect(actionsFor("mastodon").map((a) => a.label)).toEqual(["Reply", "Boost", "Favourite", "Direct message"]);
    expect(actionsFor("mastodon").map((a) => a.kind)).toEqual(["reply", "boost", "like", "dm"]);
  });

  it("offers nothing on X", () => {
    expect(actionsFor("x")).toEqual([]);
    expect(canAnswer("x")).toBe(false);
    expect(canAnswer("bluesky")).toBe(true);
  });

  it("knows which actions carry text", () => {
    expect(hasText("reply")).toBe(true);
    expect(hasText("dm")).toBe(true);
    expect(hasText("boost")).toBe(false);
    expect(hasText("like")).toBe(false);
    expect(actionsFor("mastodon").filter((a) => a.hasText).map((a) => a.kind)).toEqual(["reply", "dm"]);
  });

  it("labels a kind the network's way", () => {
    expect(kindLabel("boost", "bluesky")).toBe("Repost");
    expect(kindLabel("boost", "mastodon")).toBe("Boost");
    expect(kindLabel("like", "mastodon")).toBe("Favourite");
    expect(kindLabel("dm", "bluesky")).toBe("Direct message");
    expect(kindLabel("post", "bluesky")).toBe("Post");
    expect(actionsFor("mastodon").some((a) => a.kind === "post")).toBe(false);
  });
});

describe("senders", () => {
  const item = {
    network: "bluesky" as const,
    handles: [handle("brand.bsky.social", { role: "marketing" }), handle("Help.bsky.social")],
  };
  const accounts = [
    account("other"),
    account("masto", { network: "mastodon", account: "help@mastodon.example" }),
    account("brand", { account: "brand.bsky.social", role: "marketing" }),
    account("help", { account: "help.bsky.social" }),
  ];

  it("keeps only the item's network, default first, then its own handles, then the rest", () => {
    expect(senders(accounts, item, "help").map((a) => a.id)).toEqual(["help", "brand", "other"]);
    expect(senders(accounts, item, null).map((a) => a.id)).toEqual(["brand", "help", "other"]);
    expect(senders(accounts, item, "other").map((a) => a.id)).toEqual(["other", "brand", "help"]);
  });

  it("ignores a default on another network and matches handles case-insensitively, with or without @", () => {
    expect(senders(accounts, item, "masto").map((a) => a.id)).toEqual(["brand", "help", "other"]);
    const at = { network: "bluesky" as const, handles: [handle("@HELP.bsky.social")] };
    expect(senders(accounts, at, null)[0]?.id).toBe("help");
  });

  it("is empty when no account is on the network", () => {
    expect(senders(accounts, { network: "x", handles: [] }, null)).toEqual([]);
  });

  it("picks the person's choice, else the default, else the first", () => {
    const list = [{ id: "a" }, { id: "b" }, { id: "c" }];
    expect(pickFrom(list, "c", "b")).toBe("c");
    expect(pickFrom(list, null, "b")).toBe("b");
    expect(pickFrom(list, "gone", "also-gone")).toBe("a");
    expect(pickFrom([], "a", "b")).toBeNull();
  });

  it("labels an option with the handle and role, and says when it cannot send", () => {
    expect(senderLabel(account("help", { account: "help.bsky.social" }))).toBe("@help.bsky.social · Support");
    expect(senderLabel(account("m", { account: "brand@mastodon.example", role: "marketing" }))).toBe(
      "@brand@mastodon.example · Marketing",
    );
    expect(senderLabel(account("x", { account: "x.bsky.social", state: "token_invalid" }))).toMatch(
      /^@x\.bsky\.social · Support \(reconnect/,
    );
    expect(senderLabel(account("y", { account: "y.bsky.social", state: "unreachable" }))).toMatch(/unreachable/);
  });
});

describe("the quick actions' own sender", () => {
  const item = {
    network: "bluesky" as const,
    handles: [handle("help.bsky.social"), handle("brand.bsky.social", { role: "marketing" })],
  };
  const accounts = [
    account("masto", { network: "mastodon", account: "brand@mastodon.example", role: "marketing" }),
    account("help", { account: "help.bsky.social" }),
    account("brand", { account: "brand.bsky.social", role: "marketing" }),
    account("other"),
  ];

  it("defaults to the boost default (the marketing handle), listed first", () => {
    const react = chooseSender(accounts, item, null, "brand");
    expect(react.id).toBe("brand");
    expect(react.handle).toBe("@brand.bsky.social");
    expect(react.candidates.map((a) => a.id)).toEqual(["brand", "help", "other"]);
  });

  it("leaves the reply sender to its own (support) default", () => {
    const reply = chooseSender(accounts, item, null, "help");
    const react = chooseSender(accounts, item, null, "brand");
    expect([reply.id, react.id]).toEqual(["help", "brand"]);
  });

  it("follows the person's choice over the default", () => {
    expect(chooseSender(accounts, item, "other", "brand").id).toBe("other");
  });

  it("falls back to the first account on the item's network without a usable default", () => {
    // No default yet (the check has not answered), none at all, or one on another network or since removed.
    expect(chooseSender(accounts, item, null, null).id).toBe("help");
    expect(chooseSender(accounts, item, null, "masto").id).toBe("help");
    expect(chooseSender(accounts, item, "gone", "also-gone").id).toBe("help");
    expect(chooseSender(accounts, { network: "bluesky", handles: [] }, null, null).id).toBe("help");
  });

  it("has nobody when no account is on the network", () => {
    expect(chooseSender(accounts, { network: "x", handles: [] }, "brand", "brand")).toEqual({
      candidates: [],
      id: null,
      account: null,
      handle: "",
    });
  });

  it("labels the select in the network's words", () => {
    expect(reactFromLabel("bluesky")).toBe("Repost or like from");
    expect(reactFromLabel("mastodon")).toBe("Boost or favourite from");
  });

  it("names the acting handle on each button", () => {
    const [boost, like] = actionsFor("mastodon").filter((a) => !a.hasText);
    expect(quickActionLabel(boost!, "brand@mastodon.example", false)).toBe("Boost from @brand@mastodon.example");
    expect(quickActionLabel(like!, "@brand@mastodon.example", true)).toBe("Favourited from @brand@mastodon.example");
    expect(quickActionLabel(boost!, "", false)).toBe("Boost");
  });
});

describe("counter", () => {
  it("shows used over limit", () => {
    expect(counter(212, 300)).toEqual({ text: "212 / 300", over: false, remaining: 88, note: "" });
    expect(counter(300, 300)).toMatchObject({ text: "300 / 300", over: false, remaining: 0 });
    expect(counter(0, 500).text).toBe("0 / 500");
  });

  it("shows a negative remainder clearly, in words too", () => {
    const c = counter(312, 300);
    expect(c.over).toBe(true);
    expect(c.remaining).toBe(-12);
    expect(c.text).toBe("312 / 300 (\u221212)");
    expect(c.note).toBe("Too long by 12 characters.");
    expect(counter(301, 300).note).toBe("Too long by 1 character.");
  });

  it("is empty without a limit", () => {
    expect(counter(4, null)).toEqual({ text: "", over: false, remaining: null, note: "" });
  });
});

describe("outbox rows", () => {
  it("says each state in words", () => {
    expect(outboxStateLabel(row({ state: "queued" }))).toBe("Queued");
    expect(outboxStateLabel(row({ state: "sending" }))).toBe("Sending…");
    expect(outboxStateLabel(row({ state: "sent", next_attempt_at: null }))).toBe("Sent");
    expect(outboxStateLabel(row({ state: "failed", problem: "The post was deleted." }))).toBe(
      "Failed: The post was deleted.",
    );
    expect(outboxStateLabel(row({ state: "failed", problem: null }))).toBe("Failed");
    expect(outboxStateLabel(row({ state: "lost" }))).toBe("Unknown state (lost)");
  });

  it("says when a queued row that already failed once tries again, in local time", () => {
    const at = "2026-03-04T14:05:00Z";
    const d = new Date(at);
    const hhmm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    const retrying = row({ state: "queued", attempts: 2, next_attempt_at: at, problem: "Bluesky is busy." });
    expect(outboxStateLabel(retrying)).toBe(`Retrying at ${hhmm}`);
    expect(outboxStateLabel(retrying, d.getTime() - 60_000)).toBe(`Retrying at ${hhmm}`);
    expect(outboxStateLabel(retrying, d.getTime())).toBe("Retrying soon");
    expect(outboxTone(retrying)).toBe("warn");
    expect(outboxStateLabel(row({ state: "queued", attempts: 2, next_attempt_at: null }))).toBe("Queued");
    expect(outboxStateLabel(row({ state: "queued", attempts: 0, next_attempt_at: at }))).toBe("Queued");
  });

  it("gives each state a tone", () => {
    expect(outboxTone(row({ state: "sent" }))).toBe("ok");
    expect(outboxTone(row({ state: "failed" }))).toBe("bad");
    expect(outboxTone(row({ state: "queued" }))).toBe("busy");
    expect(outboxTone(row({ state: "sending" }))).toBe("busy");
  });

  it("polls only while something is on its way", () => {
    expect(needsPolling(row({ state: "queued" }))).toBe(true);
    expect(needsPolling(row({ state: "sending" }))).toBe(true);
    expect(needsPolling(row({ state: "sent" }))).toBe(false);
    expect(needsPolling(row({ state: "failed" }))).toBe(false);
  });

  it("merges a returned row in place, or puts a new one first", () => {
    const rows = [row({ id: "2" }), row({ id: "1" })];
    expect(mergeRow(rows, row({ id: "1", state: "sent" })).map((r) => [r.id, r.state])).toEqual([
      ["2", "queued"],
      ["1", "sent"],
    ]);
    expect(mergeRow(rows, row({ id: "3" })).map((r) => r.id)).toEqual(["3", "2", "1"]);
  });

  it("knows a like already went out from a handle, unless it failed", () => {
    const rows = [row({ kind: "like", state: "sent", from: "brand.bsky.social" }), row({ kind: "boost", state: "failed" })];
    expect(alreadyDone(rows, "like", "@Brand.bsky.social")).toBe(true);
    expect(alreadyDone(rows, "like", "help.bsky.social")).toBe(false);
    expect(alreadyDone(rows, "boost", "help.bsky.social")).toBe(false);
  });

  it("says what happened after queuing", () => {
    expect(queuedMessage(row({ state: "queued" }))).toMatch(/^Reply queued\./);
    expect(queuedMessage(row({ kind: "boost", state: "sent" }))).toBe("Repost sent.");
    expect(queuedMessage(row({ kind: "like", network: "mastodon", state: "failed", problem: "Gone." }))).toBe(
      "Favourite failed: Gone.",
    );
  });

  it("announces rows that finished between two reads, and nothing else", () => {
    const before = [row({ id: "1", state: "sending" }), row({ id: "2", state: "queued" }), row({ id: "3", state: "sent" })];
    const after = [
      row({ id: "4", state: "sent" }),
      row({ id: "1", state: "sent" }),
      row({ id: "2", kind: "like", state: "failed", problem: "Refused." }),
      row({ id: "3", state: "sent" }),
    ];
    expect(announce(before, after)).toBe("Reply sent. Like failed: Refused.");
    expect(announce(after, after)).toBeNull();
    expect(announce([row({ id: "1", state: "queued" })], [row({ id: "1", state: "sending" })])).toBeNull();
  });
});
