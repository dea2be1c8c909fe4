import { describe, expect, it } from "vitest";
import type { AccountView } from "../bindings";
import {
  accountsButtonLabel,
  applyEdits,
  attentionCount,
  canReconnect,
  cleanHandle,
  clockTime,
  connectRequest,
  lastSyncText,
  liveText,
  needsAttention,
  reconnectHelp,
  reconnectPrefill,
  secretName,
  serverLabel,
  signInRequest,
  signInWaitingHelp,
  signInWaitingText,
  signsInWithBrowser,
  stateLabel,
  syncSummary,
  X_CALLBACK_ADDRESS,
  type ConnectForm,
  type SignInForm,
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

  it("names Bluesky's app password when it stops working", () => {
    expect(stateLabel({ state: "token_invalid", rate_limited_until: null, network: "bluesky" })).toEqual({
      text: "App password refused — reconnect",
      tone: "bad",
    });
    expect(stateLabel({ state: "token_invalid", rate_limited_until: null, network: "mastodon" }).text).toBe(
      "Token expired or revoked — reconnect",
    );
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

describe("liveText", () => {
  it("says live only for a healthy account with a live mark", () => {
    const since = new Date(2026, 10, 28, 14, 5).toISOString();
    expect(liveText({ state: "healthy", live_since: since })?.text).toBe("Live since 14:05");
    expect(liveText({ state: "healthy", live_since: null })).toBeNull();
    expect(liveText({ state: "token_invalid", live_since: since })).toBeNull();
    expect(liveText({ state: "healthy", live_since: "garbage" })?.text).toBe("Live");
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

describe("connectRequest", () => {
  const mastodon: ConnectForm = {
    network: "mastodon",
    server: "",
    handle: "",
    clientId: "",
    secret: "",
    role: "support",
  };
  const bluesky: ConnectForm = { ...mastodon, network: "bluesky" };
  const x: ConnectForm = { ...mastodon, network: "x" };
  const problemOf = (form: ConnectForm) => {
    const built = connectRequest(form);
    return built.ok ? null : built.problem;
  };

  it("asks Mastodon for the server, then the token", () => {
    expect(problemOf({ ...mastodon, secret: "tok" })).toEqual({
      field: "server",
      message: "Enter your Mastodon server's address, such as https://mastodon.social.",
    });
    expect(problemOf({ ...mastodon, server: "   " })?.field).toBe("server");
    expect(problemOf({ ...mastodon, server: "https://mastodon.social", secret: " " })).toEqual({
      field: "secret",
      message: "Paste an access token from your Mastodon server.",
    });
  });

  it("catches a Mastodon server that cannot be one", () => {
    expect(problemOf({ ...mastodon, server: "mastodon .social", secret: "tok" })).toEqual({
      field: "server",
      message: "A server address has no spaces. Enter it like mastodon.social.",
    });
    expect(problemOf({ ...mastodon, server: "@brand@mastodon.social", secret: "tok" })).toEqual({
      field: "server",
      message: "Enter only the server, mastodon.social, not the account's handle.",
    });
    expect(problemOf({ ...mastodon, server: "brand@mastodon.social", secret: "tok" })?.field).toBe("server");
    // A profile address still names its server; the engine takes it from there.
    expect(problemOf({ ...mastodon, server: "https://mastodon.social/@brand", secret: "tok" })).toBeNull();
  });

  it("builds the Mastodon request, trimmed, and ignores a handle", () => {
    expect(
      connectRequest({ ...mastodon, server: " mastodon.social ", handle: "x", secret: " tok\n", role: "marketing" }),
    ).toEqual({ ok: true, request: { network: "mastodon", server: "mastodon.social", token: "tok", role: "marketing" } });
  });

  it("asks Bluesky for the handle, then the app password", () => {
    expect(problemOf({ ...bluesky, secret: "pw" })).toEqual({
      field: "handle",
      message: "Enter the account's handle, such as brand.bsky.social.",
    });
    expect(problemOf({ ...bluesky, handle: " @ ", secret: "pw" })?.field).toBe("handle");
    expect(problemOf({ ...bluesky, handle: "brand.bsky.social" })).toEqual({
      field: "secret",
      message: "Paste an app password from Bluesky.",
    });
  });

  it("catches handles that cannot sign in", () => {
    expect(problemOf({ ...bluesky, handle: "brand", secret: "pw" })?.message).toBe(
      "Enter the full handle, such as brand.bsky.social.",
    );
    expect(problemOf({ ...bluesky, handle: "brand bsky.social", secret: "pw" })?.message).toBe(
      "A handle has no spaces. Enter it like brand.bsky.social.",
    );
    expect(problemOf({ ...bluesky, handle: "did:plc:abc123", secret: "pw" })).toBeNull();
  });

  it("builds the Bluesky request: no @, blank server means bsky.social", () => {
    expect(
      connectRequest({ ...bluesky, handle: " @brand.bsky.social ", secret: " abcd-efgh-ijkl-mnop ", server: "  " }),
    ).toEqual({
      ok: true,
      request: {
        network: "bluesky",
        service: "",
        handle: "brand.bsky.social",
        appPassword: "abcd-efgh-ijkl-mnop",
        role: "support",
      },
    });
    const own = connectRequest({ ...bluesky, handle: "me.example.com", secret: "pw", server: " https://pds.example.com " });
    expect(own.ok && own.request).toMatchObject({ service: "https://pds.example.com", handle: "me.example.com" });
    expect(problemOf({ ...bluesky, handle: "me.example.com", secret: "pw", server: "pds example" })?.field).toBe(
      "server",
    );
  });

  it("asks X for the app's client ID, then the token", () => {
    expect(problemOf({ ...x, secret: "tok" })).toEqual({
      field: "clientId",
      message:
        "Enter your X app's OAuth 2.0 client ID. Find it in the X Developer Console: your app → Keys and tokens.",
    });
    expect(problemOf({ ...x, clientId: "abc def", secret: "tok" })?.message).toBe(
      "A client ID has no spaces. Copy it again from Keys and tokens in the X Developer Console.",
    );
    expect(problemOf({ ...x, clientId: X_CALLBACK_ADDRESS, secret: "tok" })?.field).toBe("clientId");
    expect(problemOf({ ...x, clientId: "abc", secret: "  " })).toEqual({
      field: "secret",
      message: "Paste an access token, or the JSON answer of X's token endpoint.",
    });
  });

  it("checks X's token JSON before sending it", () => {
    expect(problemOf({ ...x, clientId: "abc", secret: '{"access_token": "a"' })).toEqual({
      field: "secret",
      message: "The token JSON could not be read. Paste X's whole answer, from { to }.",
    });
    expect(problemOf({ ...x, clientId: "abc", secret: '{"refresh_token": "r"}' })?.message).toBe(
      "The token JSON has no access_token. Paste the whole answer of X's token endpoint.",
    );
    expect(problemOf({ ...x, clientId: "abc", secret: "two words" })?.message).toBe(
      "An access token has no spaces. Copy it again, or paste X's whole JSON answer.",
    );
  });

  it("builds the X request, trimmed, with the JSON as pasted", () => {
    const json = '{\n  "token_type": "bearer",\n  "access_token": "a1",\n  "refresh_token": "r1"\n}';
    expect(connectRequest({ ...x, clientId: " abc123 ", secret: `  ${json}\n`, role: "marketing" })).toEqual({
      ok: true,
      request: { network: "x", clientId: "abc123", token: json, role: "marketing" },
    });
    expect(connectRequest({ ...x, clientId: "abc123", secret: "bare-token", server: "ignored" })).toEqual({
      ok: true,
      request: { network: "x", clientId: "abc123", token: "bare-token", role: "support" },
    });
  });

  it("strips leading @ from handles", () => {
    expect(cleanHandle("  @@brand.bsky.social ")).toBe("brand.bsky.social");
    expect(cleanHandle("brand.bsky.social")).toBe("brand.bsky.social");
  });
});

describe("browser sign-in", () => {
  const mastodon = (server: string): SignInForm => ({ network: "mastodon", server, clientId: "", role: "support" });
  const x = (clientId: string): SignInForm => ({ network: "x", server: "", clientId, role: "marketing" });

  it("is the first way in for Mastodon and X, not Bluesky", () => {
    expect(signsInWithBrowser("mastodon")).toBe(true);
    expect(signsInWithBrowser("x")).toBe(true);
    expect(signsInWithBrowser("bluesky")).toBe(false);
  });

  it("checks the server before starting, and sends it trimmed", () => {
    expect(signInRequest(mastodon("  https://mastodon.social \n"))).toEqual({
      ok: true,
      request: { network: "mastodon", server: "https://mastodon.social", role: "support" },
    });
    expect(signInRequest(mastodon("mastodon.social"))).toMatchObject({ ok: true, request: { server: "mastodon.social" } });
    expect(signInRequest(mastodon("   "))).toEqual({
      ok: false,
      problem: { field: "server", message: "Enter your Mastodon server's address, such as https://mastodon.social." },
    });
    expect(signInRequest(mastodon("@brand@fosstodon.org"))).toEqual({
      ok: false,
      problem: { field: "server", message: "Enter only the server, fosstodon.org, not the account's handle." },
    });
    expect(signInRequest(mastodon("my server")).ok).toBe(false);
  });

  it("checks X's client ID before starting, and sends it trimmed", () => {
    expect(signInRequest(x(" T2xhQ2xpZW50SWQ6MQ \t"))).toEqual({
      ok: true,
      request: { network: "x", clientId: "T2xhQ2xpZW50SWQ6MQ", role: "marketing" },
    });
    expect(signInRequest(x(""))).toMatchObject({ ok: false, problem: { field: "clientId" } });
    expect(signInRequest({ ...x(" "), server: "mastodon.social" })).toMatchObject({
      ok: false,
      problem: { field: "clientId" },
    });
  });

  it("names the callback address X must send the browser back to", () => {
    expect(X_CALLBACK_ADDRESS).toBe("http://127.0.0.1:53682/callback");
  });

  it("names the server without its scheme or trailing slash", () => {
    expect(serverLabel(" https://mastodon.social/ ")).toBe("mastodon.social");
    expect(serverLabel("http://127.0.0.1:9")).toBe("127.0.0.1:9");
    expect(serverLabel("mastodon.social")).toBe("mastodon.social");
    expect(serverLabel("https://social.example/path//")).toBe("social.example/path");
  });

  it("says what it waits for, and where", () => {
    expect(signInWaitingText({ network: "mastodon", server: "https://mastodon.social/", role: "support" })).toBe(
      "Approve Earshot in the browser window that opened for mastodon.social. Waiting…",
    );
    expect(signInWaitingText({ network: "x", clientId: "abc", role: "support" })).toBe(
      "Authorize your X app in the browser window that opened on x.com. Waiting…",
    );
    expect(signInWaitingHelp("x")).toBe(
      "Sign in to X there as the handle to connect and choose Authorize app. Earshot stops waiting after 5 minutes.",
    );
    expect(signInWaitingHelp("mastodon")).toBe(
      "Sign in there as the account to connect and choose Authorize. Earshot stops waiting after 5 minutes.",
    );
  });

  it("offers the browser first when reconnecting a Mastodon account", () => {
    expect(reconnectHelp("mastodon", "@brand@mastodon.social")).toBe(
      "Sign in with your browser as @brand@mastodon.social to connect it again, or use a new access token.",
    );
    expect(reconnectHelp("bluesky", "@brand.bsky.social")).toBe("Paste a new app password for @brand.bsky.social.");
    expect(reconnectHelp("x", "@SpokewiseBikes")).toBe(
      "Sign in with X as @SpokewiseBikes to connect it again, or use a new token.",
    );
  });
});

const account = (over: Partial<AccountView>): AccountView => ({
  id: "1",
  network: "bluesky",
  account: "brand.bsky.social",
  role: "support",
  service_url: "https://bsky.social/",
  state: "healthy",
  problem: null,
  rate_limited_until: null,
  last_sync_at: null,
  keywords: [],
  live_since: null,
  ...over,
});

describe("reconnect", () => {
  it("prefills the network, handle and server, never a secret", () => {
    expect(reconnectPrefill(account({ role: "marketing" }))).toEqual({
      network: "bluesky",
      server: "",
      handle: "brand.bsky.social",
      role: "marketing",
    });
    expect(reconnectPrefill(account({ service_url: "https://pds.example.com/" }))?.server).toBe(
      "https://pds.example.com",
    );
    expect(
      reconnectPrefill(
        account({ network: "mastodon", account: "brand@mastodon.social", service_url: "https://mastodon.social/" }),
      ),
    ).toEqual({ network: "mastodon", server: "https://mastodon.social", handle: "", role: "support" });
    expect(
      reconnectPrefill(account({ network: "x", account: "SpokewiseBikes", service_url: "https://api.x.com/" })),
    ).toEqual({ network: "x", server: "", handle: "", role: "support" });
    expect(reconnectPrefill(account({ network: "threads" as AccountView["network"] }))).toBeNull();
  });

  it("is offered only for a refused secret on a network the dialog connects", () => {
    expect(canReconnect(account({ state: "token_invalid" }))).toBe(true);
    expect(canReconnect(account({ state: "token_invalid", network: "mastodon" }))).toBe(true);
    expect(canReconnect(account({ state: "token_invalid", network: "x" }))).toBe(true);
    expect(canReconnect(account({ state: "healthy", network: "x", problem: "X is paused" }))).toBe(false);
    expect(canReconnect(account({ state: "unreachable" }))).toBe(false);
    expect(canReconnect(account({ state: "healthy" }))).toBe(false);
  });

  it("names each network's secret", () => {
    expect(secretName("bluesky")).toBe("app password");
    expect(secretName("mastodon")).toBe("access token");
  });
});

describe("applyEdits", () => {
  const a = account({ id: "a" });
  const b = account({ id: "b", account: "shop.bsky.social" });

  it("replaces changed rows, removes disconnected ones and adds new ones", () => {
    const b2 = { ...b, role: "marketing" as const };
    const c = account({ id: "c", account: "new.bsky.social" });
    expect(applyEdits([a, b], new Map())).toEqual([a, b]);
    expect(applyEdits([a, b], new Map([["b", b2]]))).toEqual([a, b2]);
    expect(applyEdits([a, b], new Map([["a", null]]))).toEqual([b]);
    expect(applyEdits([a, b], new Map<string, AccountView | null>([["c", c], ["a", null], ["z", null]]))).toEqual([
      b,
      c,
    ]);
  });
});
