import { describe, expect, it } from "vitest";
import type { CrmSourceView, CrmSyncReport } from "../bindings";
import {
  carddavRequest,
  connectedText,
  connectErrorText,
  connectProblemField,
  contactsText,
  crmButtonText,
  crmErrorText,
  crmKindLabel,
  crmReportText,
  crmSecretName,
  crmStateLabel,
  davAddress,
  hubspotToken,
  isRateLimit,
  isSignInError,
  localTimes,
  removedText,
  removeHelpText,
  staleCopyText,
  syncedText,
} from "./crm";
import { clockTime } from "./accounts";
import { formatDateTime } from "./format";

const NOW = Date.parse("2026-11-28T12:00:00Z");

function source(over: Partial<CrmSourceView> = {}): CrmSourceView {
  return {
    id: "1",
    kind: "carddav",
    name: "CardDAV (Customers)",
    url: "https://dav.example.com/",
    username: "support",
    contacts: 12,
    last_synced_at: "2026-11-28T11:55:00Z",
    last_error: null,
    ...over,
  };
}

function report(over: Partial<CrmSyncReport> = {}): CrmSyncReport {
  return { books: 1, created: 3, updated: 0, removed: 0, unchanged: 0, skipped: [], ...over };
}

describe("a connection in words", () => {
  it("names kinds and their secrets, and an unknown kind by its name", () => {
    expect(crmKindLabel("carddav")).toBe("CardDAV");
    expect(crmKindLabel("hubspot")).toBe("HubSpot");
    expect(crmKindLabel("salesforce")).toBe("salesforce");
    expect(crmSecretName("carddav")).toBe("password");
    expect(crmSecretName("hubspot")).toBe("access token");
  });

  it("says how old the copy is", () => {
    expect(syncedText("2026-11-28T11:55:00Z", NOW)).toBe("Synced 5 min ago");
    expect(syncedText("2026-11-28T11:59:40Z", NOW)).toBe("Synced just now");
    expect(syncedText(null, NOW)).toBe("Never synced");
    expect(contactsText(0)).toBe("No contacts");
    expect(contactsText(1)).toBe("1 contact");
    expect(contactsText(1204)).toBe("1,204 contacts");
  });

  it("is loud only when the last sync failed", () => {
    expect(crmStateLabel(source())).toEqual({ text: "Healthy", tone: "ok" });
    expect(crmStateLabel(source({ last_synced_at: null }))).toEqual({ text: "Not synced yet", tone: "warn" });
    expect(crmStateLabel(source({ last_error: "The CardDAV server answered 503." }))).toEqual({ text: "Copy may be out of date", tone: "bad" });
    expect(crmStateLabel(source({ last_error: "  " }))).toEqual({ text: "Healthy", tone: "ok" });
  });

  it("counts the connections that need attention on the Contacts dialog's button", () => {
    expect(crmButtonText(null)).toEqual({ text: "Connected CRMs…", label: "Connected CRMs", attention: 0 });
    expect(crmButtonText([source(), source({ last_error: "x" })])).toEqual({
      text: "Connected CRMs… (1 needs attention)",
      label: "Connected CRMs — 1 needs attention",
      attention: 1,
    });
    expect(crmButtonText([source({ last_error: "x" }), source({ last_error: "y" })]).label).toBe("Connected CRMs — 2 need attention");
  });
});

describe("why a sync failed", () => {
  it("puts Rust's UTC times in local time", () => {
    const soon = "2026-11-28T12:20:00Z";
    expect(localTimes("HubSpot asks Earshot to slow down until 2026-11-28 12:20:00 UTC.", NOW)).toBe(
      `HubSpot asks Earshot to slow down until ${clockTime(soon)}.`,
    );
    expect(localTimes("until 2026-11-28 12:20:00.123456789 UTC", NOW)).toBe(`until ${clockTime(soon)}`);
    expect(localTimes("until 2026-12-03 08:00:00 UTC", NOW)).toBe(`until ${formatDateTime("2026-12-03T08:00:00Z")}`);
    expect(localTimes("The CardDAV server answered 503. Earshot will try again.", NOW)).toBe(
      "The CardDAV server answered 503. Earshot will try again.",
    );
  });

  it("tells sign-in refusals and rate limits from the rest", () => {
    expect(isSignInError("CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.")).toBe(true);
    expect(isSignInError("HubSpot's access token is not in the keyring any more. Remove the connection and add it again.")).toBe(true);
    expect(isSignInError("The CardDAV server could not be reached: timed out. Earshot will try again.")).toBe(false);
    expect(isSignInError(null)).toBe(false);
    expect(isRateLimit("HubSpot asks Earshot to slow down until 2026-11-28 12:20:00 UTC.")).toBe(true);
    expect(isRateLimit("The CardDAV server answered 503.")).toBe(false);
  });

  it("says what to do: reconnect after a refused sign-in, nothing when Rust already says it will try again", () => {
    const refused = crmErrorText(
      source({ last_error: "CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account." }),
      NOW,
    );
    expect(refused?.text).toBe("CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.");
    expect(refused?.advice).toBe(
      "Reconnect connects it again with a new password; then remove this connection. Contacts the new connection also holds stay.",
    );
    expect(crmErrorText(source({ kind: "hubspot", last_error: "HubSpot refused this account's sign-in (expired)." }), NOW)?.advice).toContain(
      "a new access token",
    );
    expect(
      crmErrorText(source({ last_error: "The CardDAV server could not be reached: dns error. Earshot will try again." }), NOW)?.advice,
    ).toBeNull();
    const limited = crmErrorText(source({ kind: "hubspot", last_error: "HubSpot asks Earshot to slow down until 2026-11-28 12:20:00 UTC." }), NOW);
    expect(limited?.text).toBe(`HubSpot asks Earshot to slow down until ${clockTime("2026-11-28T12:20:00Z")}.`);
    expect(limited?.advice).toBe("Earshot tries again by itself after that.");
    expect(crmErrorText(source(), NOW)).toBeNull();
  });

  it("says the contacts shown are the last good copy", () => {
    const failed = { last_error: "The CardDAV server answered 502. Earshot will try again." };
    expect(staleCopyText(source(), NOW)).toBeNull();
    expect(staleCopyText(source({ ...failed, last_synced_at: "2026-11-28T09:00:00Z" }), NOW)).toBe(
      `The 12 contacts Earshot shows from it are the copy from ${formatDateTime("2026-11-28T09:00:00Z")} (3 hours ago).`,
    );
    expect(staleCopyText(source({ ...failed, contacts: 1 }), NOW)).toBe(
      `The 1 contact Earshot shows from it is the copy from ${formatDateTime("2026-11-28T11:55:00Z")} (5 minutes ago).`,
    );
    expect(staleCopyText(source({ ...failed, contacts: 0, last_synced_at: null }), NOW)).toBe("No contacts have been read from it yet.");
    expect(staleCopyText(source({ ...failed, contacts: 0 }), NOW)).toContain("held no contacts");
  });
});

describe("what a sync did", () => {
  it("says it in one sentence", () => {
    expect(
      crmReportText(report({ skipped: ["https://dav.example.com/c/9.vcf: not a vCard"] }), "carddav"),
    ).toBe("Read 1 address book: 3 new, 0 updated, 0 removed; 1 card skipped: https://dav.example.com/c/9.vcf: not a vCard.");
    expect(crmReportText(report({ books: 2, created: 0, updated: 4, removed: 1, unchanged: 1200 }), "carddav")).toBe(
      "Read 2 address books: 0 new, 4 updated, 1 removed, 1,200 unchanged.",
    );
    expect(
      crmReportText(report({ skipped: ["HubSpot contact 7: no name, email or Twitter handle"] }), "hubspot"),
    ).toBe("Read HubSpot: 3 new, 0 updated, 0 removed; 1 contact skipped: HubSpot contact 7: no name, email or Twitter handle.");
  });

  it("names a few skipped cards and counts the rest", () => {
    const skipped = ["a: bad.", "b: bad", "c: bad", "d: bad", "e: bad"];
    expect(crmReportText(report({ skipped }), "carddav")).toBe(
      "Read 1 address book: 3 new, 0 updated, 0 removed; 5 cards skipped: a: bad; b: bad; c: bad; and 2 more.",
    );
  });

  it("says a connection was made, and after a reconnect that the old one is left to remove", () => {
    expect(connectedText(report(), "carddav", false)).toBe("Connected CardDAV. Read 1 address book: 3 new, 0 updated, 0 removed.");
    expect(connectedText(report(), "hubspot", true)).toBe(
      "Connected HubSpot again. Read HubSpot: 3 new, 0 updated, 0 removed. Now remove the old connection, the one whose sync failed.",
    );
  });
});

describe("removing", () => {
  it("says what goes with the connection", () => {
    expect(removeHelpText(source())).toBe(
      "Removes the connection, its password from the keyring, and those of its 12 contacts that came only from it. A contact another connection also holds stays, and so do your contacts from files.",
    );
    expect(removeHelpText(source({ kind: "hubspot", contacts: 1 }))).toContain("its access token from the keyring, and its 1 contact, if it came only from it.");
    expect(removeHelpText(source({ contacts: 0 }))).toBe("Removes the connection and its password from the keyring. No contacts came from it.");
    expect(removedText(source())).toBe("Removed CardDAV (Customers) and the contacts that came only from it.");
    expect(removedText(source({ contacts: 0 }))).toBe("Removed CardDAV (Customers).");
  });
});

describe("the connect forms", () => {
  it("checks the server address", () => {
    expect(davAddress("dav.example.com/")).toEqual({ ok: true, url: "https://dav.example.com/" });
    expect(davAddress(" http://localhost:5232/ ")).toEqual({ ok: true, url: "http://localhost:5232/" });
    expect(davAddress("")).toMatchObject({ ok: false });
    expect(davAddress("dav example")).toMatchObject({ ok: false, message: expect.stringContaining("no spaces") });
    expect(davAddress("ftp://dav.example.com")).toMatchObject({ ok: false, message: expect.stringContaining("ftp://") });
  });

  it("checks the CardDAV form in field order and keeps the password as typed", () => {
    expect(carddavRequest({ url: "", username: "", password: "" })).toMatchObject({ ok: false, problem: { field: "url" } });
    expect(carddavRequest({ url: "dav.example.com", username: " ", password: "x" })).toMatchObject({
      ok: false,
      problem: { field: "username" },
    });
    expect(carddavRequest({ url: "dav.example.com", username: "ana", password: "" })).toMatchObject({
      ok: false,
      problem: { field: "password" },
    });
    expect(carddavRequest({ url: "dav.example.com", username: " ana ", password: " s3cret " })).toEqual({
      ok: true,
      request: { url: "https://dav.example.com", username: "ana", password: " s3cret " },
    });
  });

  it("checks HubSpot's token", () => {
    expect(hubspotToken("  pat-na1-abc  ")).toEqual({ ok: true, token: "pat-na1-abc" });
    expect(hubspotToken("")).toMatchObject({ ok: false });
    expect(hubspotToken("pat na1")).toMatchObject({ ok: false });
  });

  it("says what to do when connecting fails, not Rust's advice for a running connection", () => {
    expect(connectErrorText("CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.", "carddav")).toBe(
      "CardDAV refused this account's sign-in (401 Unauthorized). Check the user name and password, then connect again.",
    );
    expect(connectErrorText("HubSpot refused this account's sign-in (expired). Reconnect the account.", "hubspot")).toBe(
      "HubSpot refused this account's sign-in (expired). Check the token, and that the private app has both scopes, then connect again.",
    );
    expect(connectErrorText("The CardDAV server could not be reached: dns error. Earshot will try again.", "carddav")).toBe(
      "The CardDAV server could not be reached: dns error. Check the address and your connection, then connect again.",
    );
    expect(connectErrorText("https://dav.example.com/ has no address book that ana can read.", "carddav")).toBe(
      "https://dav.example.com/ has no address book that ana can read.",
    );
  });

  it("points a refused sign-in at the secret, anything else at the address", () => {
    expect(connectProblemField("CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.")).toBe("secret");
    expect(connectProblemField("The CardDAV server could not be reached: dns error. Earshot will try again.")).toBe("url");
  });
});
