import { describe, expect, it } from "vitest";
import type { AccountView, HandleSummary } from "../bindings";
import { defaultPostFrom, dutyText, holdingText, postingAccounts, returnedText, roleLabel, untilFromClock } from "./shift";

const NOON = new Date(2026, 10, 28, 12, 0, 0).getTime();

function account(id: string, network: AccountView["network"], role: AccountView["role"]): AccountView {
  return {
    id,
    network,
    account: `${id}.example`,
    role,
    service_url: "",
    state: "healthy",
    problem: null,
    rate_limited_until: null,
    last_sync_at: null,
    keywords: [],
    live_since: null,
  };
}

const HANDLES: HandleSummary[] = [
  { id: "1", network: "bluesky", account: "help.bsky.social", role: "support", display_name: null, open_count: 0 },
  { id: "2", network: "mastodon", account: "brand@m.example", role: "marketing", display_name: null, open_count: 0 },
];

describe("untilFromClock", () => {
  it("is the next time the clock shows, today or tomorrow", () => {
    const today = new Date(Date.parse(untilFromClock("17:30", NOON) as string));
    expect([today.getDate(), today.getHours(), today.getMinutes()]).toEqual([28, 17, 30]);
    const tomorrow = new Date(Date.parse(untilFromClock("08:00", NOON) as string));
    expect([tomorrow.getDate(), tomorrow.getHours()]).toEqual([29, 8]);
  });

  it("is null when empty and invalid for anything else", () => {
    expect(untilFromClock(" ", NOON)).toBeNull();
    expect(untilFromClock("25:00", NOON)).toBe("invalid");
    expect(untilFromClock("5pm", NOON)).toBe("invalid");
  });
});

describe("the shift post's sender", () => {
  it("never offers web pages, and starts from a support account", () => {
    const list = [account("w", "web", "support"), account("m", "mastodon", "marketing"), account("b", "bluesky", "support")];
    expect(postingAccounts(list).map((a) => a.id)).toEqual(["m", "b"]);
    expect(defaultPostFrom(list)).toBe("b");
    expect(defaultPostFrom([account("w", "web", "support")])).toBeNull();
  });
});

describe("the roster's words", () => {
  it("says duty, holding, role and what went back", () => {
    expect(dutyText({ on_duty: false, duty_until: null, handle_ids: [] }, HANDLES)).toBe("Off duty");
    expect(dutyText({ on_duty: true, duty_until: null, handle_ids: [] }, HANDLES)).toBe("On duty on every handle");
    const until = new Date(2026, 10, 28, 17, 0).toISOString();
    expect(dutyText({ on_duty: true, duty_until: until, handle_ids: ["1", "2"] }, HANDLES)).toBe(
      "On duty on @help.bsky.social, @brand@m.example until 17:00",
    );
    expect(holdingText(0)).toBe("Holds nothing");
    expect(holdingText(1)).toBe("Holds 1 item");
    expect(roleLabel("lead")).toBe("Lead");
    expect(returnedText(2)).toBe("2 items you held went back to the queue.");
  });
});
