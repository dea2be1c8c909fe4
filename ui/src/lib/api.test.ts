import { beforeEach, describe, expect, it, vi } from "vitest";

const commands = vi.hoisted(() => ({
  workspaceInfo: vi.fn(),
  inboxPage: vi.fn(),
  getItem: vi.fn(),
  setStatus: vi.fn(),
  labelItem: vi.fn(),
  priorityWeights: vi.fn(),
  setPriorityWeights: vi.fn(),
  triageQuality: vi.fn(),
  listHandles: vi.fn(),
  loadDemo: vi.fn(),
  openLink: vi.fn(),
  listAccounts: vi.fn(),
  connectMastodon: vi.fn(),
  signInMastodon: vi.fn(),
  signInX: vi.fn(),
  connectX: vi.fn(),
  xSpend: vi.fn(),
  setXSpend: vi.fn(),
  cancelSignIn: vi.fn(),
  syncAccount: vi.fn(),
  connectBluesky: vi.fn(),
  updateAccount: vi.fn(),
  removeAccount: vi.fn(),
  sources: vi.fn(),
  addSource: vi.fn(),
  updateSource: vi.fn(),
  removeSource: vi.fn(),
  syncSource: vi.fn(),
  composeCheck: vi.fn(),
  queueAction: vi.fn(),
  listOutbox: vi.fn(),
  retryAction: vi.fn(),
  previewContacts: vi.fn(),
  importContacts: vi.fn(),
  itemCustomer: vi.fn(),
  linkCustomer: vi.fn(),
  unlinkCustomer: vi.fn(),
  createContact: vi.fn(),
  updateContact: vi.fn(),
  mergeContacts: vi.fn(),
  getContact: vi.fn(),
  searchContacts: vi.fn(),
  crmSources: vi.fn(),
  addCarddav: vi.fn(),
  addHubspot: vi.fn(),
  syncCrmSource: vi.fn(),
  removeCrmSource: vi.fn(),
}));
const listen = vi.hoisted(() => vi.fn());

vi.mock("../bindings", () => ({ commands, events: { inboxChanged: { listen } } }));
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (m: unknown) => void;
    constructor(cb: (m: unknown) => void) {
      this.onmessage = cb;
    }
  },
}));

import * as api from "./api";

beforeEach(() => {
  vi.clearAllMocks();
  vi.spyOn(console, "error").mockImplementation(() => {});
});

describe("api", () => {
  it("returns the data of an ok result", async () => {
    commands.workspaceInfo.mockResolvedValue({ status: "ok", data: { total_items: 3 } });
    await expect(api.workspaceInfo()).resolves.toEqual({ total_items: 3 });
  });

  it("passes arguments through", async () => {
    commands.inboxPage.mockResolvedValue({ status: "ok", data: { total: 0, offset: 100, rows: [] } });
    const q = { status: "open", handle_id: null, role: null, network: null, search: null, view: "actionable" } as const;
    await api.inboxPage(q, 100, 100);
    expect(commands.inboxPage).toHaveBeenCalledWith(q, 100, 100);
    commands.setStatus.mockResolvedValue({ status: "ok", data: null });
    await expect(api.setStatus("m1", "done")).resolves.toBeUndefined();
    expect(commands.setStatus).toHaveBeenCalledWith("m1", "done");
  });

  it("throws the ApiError's own message and code", async () => {
    const error = { code: "not_found", message: "This mention is gone. Refresh the list." };
    commands.getItem.mockResolvedValue({ status: "error", error });
    const failure = await api.getItem("x").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(api.ApiFailure);
    expect((failure as api.ApiFailure).message).toBe(error.message);
    expect((failure as api.ApiFailure).code).toBe("not_found");
  });

  it("hides raw strings, JSON and exceptions behind a friendly message", async () => {
    for (const raw of [
      "command inbox_page not found",
      { some: "json" },
      { code: "weird", message: "x" },
      { code: "storage", message: "" },
      null,
    ]) {
      commands.listHandles.mockResolvedValueOnce({ status: "error", error: raw });
      await expect(api.listHandles()).rejects.toMatchObject({ message: api.GENERIC_FAILURE, code: "unexpected" });
    }
    commands.listHandles.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(api.listHandles()).rejects.toMatchObject({ message: api.GENERIC_FAILURE });
  });

  it("gives a user message for anything caught", () => {
    expect(api.userMessage(new Error("boom at line 3"))).toBe(api.GENERIC_FAILURE);
    expect(api.userMessage({ code: "storage", message: "The disk is full. Free some space." })).toBe(
      "The disk is full. Free some space.",
    );
  });

  it("streams demo progress through a channel", async () => {
    commands.loadDemo.mockImplementation(async (channel: { onmessage: (p: unknown) => void }) => {
      channel.onmessage({ done: 1, total: 2, phase: "Importing" });
      return { status: "ok", data: { imported: 2, merged: 0, failed: 0, errors: [] } };
    });
    const seen: unknown[] = [];
    await expect(api.loadDemo((p) => seen.push(p))).resolves.toMatchObject({ imported: 2 });
    expect(seen).toEqual([{ done: 1, total: 2, phase: "Importing" }]);
  });

  it("labels an item and streams the re-triage progress", async () => {
    type ProgressChannel = { onmessage: (p: unknown) => void };
    commands.labelItem.mockImplementation(async (_id: string, _label: unknown, channel: ProgressChannel) => {
      channel.onmessage({ done: 40, total: 400, phase: "Triaging again" });
      return { status: "ok", data: null };
    });
    const seen: unknown[] = [];
    await expect(api.labelItem("m7", { kind: "spam", value: true }, (p) => seen.push(p))).resolves.toBeUndefined();
    expect(commands.labelItem.mock.calls[0]?.slice(0, 2)).toEqual(["m7", { kind: "spam", value: true }]);
    expect(seen).toEqual([{ done: 40, total: 400, phase: "Triaging again" }]);

    const gone = { code: "not_found", message: "There is no inbox item with ID 'm8'." };
    commands.labelItem.mockResolvedValue({ status: "error", error: gone });
    await expect(api.labelItem("m8", { kind: "intent", value: "question" }, () => {})).rejects.toMatchObject(gone);
  });

  it("wraps the weights and triage quality commands", async () => {
    commands.priorityWeights.mockResolvedValue({ status: "ok", data: { urgent: 3 } });
    await expect(api.priorityWeights()).resolves.toEqual({ urgent: 3 });

    const invalid = { code: "invalid_input", message: "Each weight must be a number from 0 to 100." };
    commands.setPriorityWeights.mockResolvedValue({ status: "error", error: invalid });
    await expect(api.setPriorityWeights({ urgent: 300 }, () => {})).rejects.toMatchObject(invalid);
    expect(commands.setPriorityWeights.mock.calls[0]?.[0]).toEqual({ urgent: 300 });

    const quality = { spam_labels: 2, spam_precision: null, spam_recall: null, intent_labels: 0, intent_accuracy: null, model: "m" };
    commands.triageQuality.mockResolvedValue({ status: "ok", data: quality });
    await expect(api.triageQuality()).resolves.toEqual(quality);
  });

  it("wraps the account commands", async () => {
    commands.listAccounts.mockResolvedValue({ status: "ok", data: [] });
    await expect(api.listAccounts()).resolves.toEqual([]);

    const error = { code: "network", message: "The server refused this token. Create a new one and reconnect." };
    commands.connectMastodon.mockResolvedValue({ status: "error", error });
    await expect(api.connectMastodon("https://m.example", "tok", "support")).rejects.toMatchObject({
      message: error.message,
      code: "network",
    });
    expect(commands.connectMastodon).toHaveBeenCalledWith("https://m.example", "tok", "support");

    commands.syncAccount.mockImplementation(async (_id: string, channel: { onmessage: (p: unknown) => void }) => {
      channel.onmessage({ done: 1, total: 0, phase: "Fetching mentions" });
      return { status: "ok", data: { account: "a@m.example", imported: 3, merged: 0, skipped: 0, pages: 1, problem: null } };
    });
    const seen: unknown[] = [];
    await expect(api.syncAccount("acc1", (p) => seen.push(p))).resolves.toMatchObject({ imported: 3 });
    expect(commands.syncAccount.mock.calls[0]?.[0]).toBe("acc1");
    expect(seen).toEqual([{ done: 1, total: 0, phase: "Fetching mentions" }]);
  });

  it("wraps the browser sign-in and its cancel", async () => {
    const view = { id: "5", network: "mastodon", account: "brand@mastodon.social", role: "marketing", keywords: [] };
    commands.signInMastodon.mockResolvedValue({ status: "ok", data: view });
    await expect(api.signInMastodon("https://mastodon.social", "marketing")).resolves.toEqual(view);
    expect(commands.signInMastodon.mock.calls[0]?.slice(0, 2)).toEqual(["https://mastodon.social", "marketing"]);

    const refused = {
      code: "invalid_input",
      message: "The server did not give Earshot access (access_denied). Connect again to retry.",
    };
    commands.signInMastodon.mockResolvedValue({ status: "error", error: refused });
    await expect(api.signInMastodon("mastodon.social", "support")).rejects.toMatchObject(refused);
    const cancelled = { code: "invalid_input", message: "Connecting was cancelled." };
    commands.signInMastodon.mockResolvedValue({ status: "error", error: cancelled });
    await expect(api.signInMastodon("mastodon.social", "support")).rejects.toMatchObject(cancelled);

    // cancel_sign_in answers with nothing, not a Result.
    commands.cancelSignIn.mockResolvedValue(null);
    await expect(api.cancelSignIn()).resolves.toBeUndefined();
    expect(commands.cancelSignIn).toHaveBeenCalledWith();
    commands.cancelSignIn.mockRejectedValueOnce("command cancel_sign_in not found");
    await expect(api.cancelSignIn()).rejects.toMatchObject({ message: api.GENERIC_FAILURE, code: "unexpected" });
  });

  it("wraps the X sign-in, token connect and spend commands", async () => {
    const view = { id: "9", network: "x", account: "SpokewiseBikes", role: "marketing", keywords: [] };
    type AddressChannel = { onmessage: (address: string) => void };
    commands.signInX.mockImplementation(async (_id: string, _role: string, channel: AddressChannel) => {
      channel.onmessage("https://x.com/i/oauth2/authorize?client_id=abc");
      return { status: "ok", data: view };
    });
    const addresses: string[] = [];
    await expect(api.signInX("abc", "marketing", (a) => addresses.push(a))).resolves.toEqual(view);
    expect(commands.signInX.mock.calls[0]?.slice(0, 2)).toEqual(["abc", "marketing"]);
    expect(addresses).toEqual(["https://x.com/i/oauth2/authorize?client_id=abc"]);

    const refused = {
      code: "invalid_input",
      message: "X refused the token (Unauthorized). Sign in again to get a new one.",
    };
    commands.connectX.mockResolvedValue({ status: "error", error: refused });
    await expect(api.connectX("abc", "tok", "support")).rejects.toMatchObject(refused);
    expect(commands.connectX).toHaveBeenCalledWith("abc", "tok", "support");

    const spend = { today: [], month: [], today_usd: 0, month_usd: 0, budget_usd: 5, paused: null, prices: [] };
    commands.xSpend.mockResolvedValue({ status: "ok", data: spend });
    await expect(api.xSpend()).resolves.toEqual(spend);
    commands.setXSpend.mockResolvedValue({ status: "ok", data: { ...spend, budget_usd: null } });
    await expect(api.setXSpend(null, true, [{ kind: "post_read", usd: 0.004 }])).resolves.toMatchObject({
      budget_usd: null,
    });
    expect(commands.setXSpend).toHaveBeenCalledWith(null, true, [{ kind: "post_read", usd: 0.004 }]);
  });

  it("wraps the Bluesky and account editing commands", async () => {
    const view = { id: "7", network: "bluesky", account: "brand.bsky.social", role: "support", keywords: [] };
    commands.connectBluesky.mockResolvedValue({ status: "ok", data: view });
    await expect(api.connectBluesky("", "brand.bsky.social", "abcd-efgh-ijkl-mnop", "support")).resolves.toEqual(view);
    expect(commands.connectBluesky).toHaveBeenCalledWith("", "brand.bsky.social", "abcd-efgh-ijkl-mnop", "support");

    const refused = {
      code: "invalid_input",
      message: "https://bsky.social/ did not accept that handle and app password (bad login). Check both and try again.",
    };
    commands.connectBluesky.mockResolvedValue({ status: "error", error: refused });
    await expect(api.connectBluesky("", "brand.bsky.social", "wrong", "other")).rejects.toMatchObject({
      message: refused.message,
      code: "invalid_input",
    });

    commands.updateAccount.mockResolvedValue({ status: "ok", data: { ...view, role: "marketing" } });
    await expect(api.updateAccount("7", "marketing", null)).resolves.toMatchObject({ role: "marketing" });
    expect(commands.updateAccount).toHaveBeenLastCalledWith("7", "marketing", null);
    commands.updateAccount.mockResolvedValue({ status: "ok", data: { ...view, keywords: ["bikes", "spokewise"] } });
    await expect(api.updateAccount("7", null, ["spokewise", "bikes"])).resolves.toMatchObject({
      keywords: ["bikes", "spokewise"],
    });
    expect(commands.updateAccount).toHaveBeenLastCalledWith("7", null, ["spokewise", "bikes"]);

    commands.removeAccount.mockResolvedValue({ status: "ok", data: null });
    await expect(api.removeAccount("7")).resolves.toBeUndefined();
    expect(commands.removeAccount).toHaveBeenCalledWith("7");
    const gone = { code: "not_found", message: "There is no connected account '7'." };
    commands.removeAccount.mockResolvedValue({ status: "error", error: gone });
    await expect(api.removeAccount("7")).rejects.toMatchObject({ message: gone.message, code: "not_found" });
    commands.removeAccount.mockRejectedValueOnce("command remove_account not found");
    await expect(api.removeAccount("7")).rejects.toMatchObject({ message: api.GENERIC_FAILURE, code: "unexpected" });
  });

  it("wraps the listening source commands", async () => {
    const source = { id: "12", url: "https://forum.example/latest.rss", name: "forum.example/latest.rss", include: ["spokewise"] };
    commands.sources.mockResolvedValue({ status: "ok", data: [source] });
    await expect(api.sources()).resolves.toEqual([source]);

    commands.addSource.mockResolvedValue({ status: "ok", data: source });
    await expect(api.addSource("https://forum.example/latest.rss", ["spokewise"], ["hiring"], "support")).resolves.toEqual(source);
    expect(commands.addSource).toHaveBeenCalledWith("https://forum.example/latest.rss", ["spokewise"], ["hiring"], "support");
    const notAFeed = {
      code: "invalid_input",
      message:
        "https://spokewise.example/ could not be added as a listening source. This address did not give an RSS or Atom feed Earshot can read (it is an HTML page). Check that it is the feed's address, not the web page's.",
    };
    commands.addSource.mockResolvedValue({ status: "error", error: notAFeed });
    await expect(api.addSource("https://spokewise.example/", [], [], "other")).rejects.toMatchObject(notAFeed);

    commands.updateSource.mockResolvedValue({ status: "ok", data: { ...source, include: ["atlas"] } });
    await expect(api.updateSource("12", ["atlas"], null, null)).resolves.toMatchObject({ include: ["atlas"] });
    expect(commands.updateSource).toHaveBeenLastCalledWith("12", ["atlas"], null, null);

    commands.removeSource.mockResolvedValue({ status: "ok", data: null });
    await expect(api.removeSource("12")).resolves.toBeUndefined();
    expect(commands.removeSource).toHaveBeenCalledWith("12");

    commands.syncSource.mockImplementation(async (_id: string, channel: { onmessage: (p: unknown) => void }) => {
      channel.onmessage({ done: 0, total: 0, phase: "Fetching the feed" });
      return { status: "ok", data: { account: "forum.example/latest.rss", imported: 2, merged: 1, skipped: 0, pages: 1, problem: null } };
    });
    const seen: unknown[] = [];
    await expect(api.syncSource("12", (p) => seen.push(p))).resolves.toMatchObject({ imported: 2 });
    expect(commands.syncSource.mock.calls[0]?.[0]).toBe("12");
    expect(seen).toEqual([{ done: 0, total: 0, phase: "Fetching the feed" }]);
  });

  it("wraps the outbox commands", async () => {
    const check = { default_from: "3", warnings: [], limit: 300, used: 6 };
    commands.composeCheck.mockResolvedValue({ status: "ok", data: check });
    await expect(api.composeCheck("m1", "reply", null, "Thanks")).resolves.toEqual(check);
    expect(commands.composeCheck).toHaveBeenCalledWith("m1", "reply", null, "Thanks", null);
    await api.composeCheck("m1", "reply", "3", "Thanks", "7");
    expect(commands.composeCheck).toHaveBeenLastCalledWith("m1", "reply", "3", "Thanks", "7");

    const request = { item_id: "m1", kind: "reply", from: "3", text: "Thanks", confirmed: true, requested_by: null } as const;
    const row = { id: "9", item_id: "m1", kind: "reply", state: "queued" };
    commands.queueAction.mockResolvedValue({ status: "ok", data: row });
    await expect(api.queueAction(request)).resolves.toEqual(row);
    expect(commands.queueAction).toHaveBeenCalledWith(request);
    const warned = { code: "invalid_input", message: "@brand is a marketing handle. Send anyway to confirm." };
    commands.queueAction.mockResolvedValue({ status: "error", error: warned });
    await expect(api.queueAction({ ...request, confirmed: false })).rejects.toMatchObject(warned);

    commands.listOutbox.mockResolvedValue({ status: "ok", data: [row] });
    await expect(api.listOutbox("m1")).resolves.toEqual([row]);
    expect(commands.listOutbox).toHaveBeenCalledWith("m1");
    await api.listOutbox(null);
    expect(commands.listOutbox).toHaveBeenLastCalledWith(null);

    commands.retryAction.mockResolvedValue({ status: "ok", data: { ...row, state: "sending" } });
    await expect(api.retryAction("9")).resolves.toMatchObject({ state: "sending" });
    expect(commands.retryAction).toHaveBeenCalledWith("9");
  });

  it("wraps the contact commands, with no agent name and the import's progress", async () => {
    const contact = { id: "7", title: "Jane Doe", fields: {}, standing: null, updated_at: "" };
    commands.itemCustomer.mockResolvedValue({ status: "ok", data: { status: "unknown" } });
    await expect(api.itemCustomer("m1")).resolves.toEqual({ status: "unknown" });
    expect(commands.itemCustomer).toHaveBeenCalledWith("m1");

    commands.linkCustomer.mockResolvedValue({ status: "ok", data: contact });
    await expect(api.linkCustomer("m1", "7")).resolves.toEqual(contact);
    expect(commands.linkCustomer).toHaveBeenCalledWith("m1", "7", null);
    commands.unlinkCustomer.mockResolvedValue({ status: "ok", data: "7" });
    await expect(api.unlinkCustomer("m1")).resolves.toBe("7");
    expect(commands.unlinkCustomer).toHaveBeenCalledWith("m1", null);

    commands.createContact.mockResolvedValue({ status: "ok", data: contact });
    await api.createContact({ name: "Jane" }, "m1");
    expect(commands.createContact).toHaveBeenCalledWith({ name: "Jane" }, "m1", null);
    commands.updateContact.mockResolvedValue({ status: "ok", data: contact });
    await api.updateContact("7", { name: "Jane" });
    expect(commands.updateContact).toHaveBeenCalledWith("7", { name: "Jane" });
    commands.mergeContacts.mockResolvedValue({ status: "ok", data: contact });
    await api.mergeContacts("7", "9");
    expect(commands.mergeContacts).toHaveBeenCalledWith("7", "9");
    commands.getContact.mockResolvedValue({ status: "ok", data: contact });
    await expect(api.getContact("7")).resolves.toEqual(contact);
    commands.searchContacts.mockResolvedValue({ status: "ok", data: [contact] });
    await expect(api.searchContacts("jan", 20)).resolves.toEqual([contact]);
    expect(commands.searchContacts).toHaveBeenCalledWith("jan", 20);

    commands.previewContacts.mockResolvedValue({ status: "ok", data: { kind: "csv" } });
    await expect(api.previewContacts("YQ==")).resolves.toEqual({ kind: "csv" });

    type ProgressChannel = { onmessage: (p: unknown) => void };
    commands.importContacts.mockImplementation(async (_c: string, _k: string, _m: unknown, _d: boolean, ch: ProgressChannel) => {
      ch.onmessage({ done: 1, total: 2, phase: "Importing contacts" });
      return { status: "ok", data: { created: 1 } };
    });
    const seen: unknown[] = [];
    const columns = { kind: "preset", value: "hubspot" } as const;
    await expect(api.importContacts("YQ==", "csv", columns, true, (p) => seen.push(p))).resolves.toEqual({ created: 1 });
    expect(commands.importContacts.mock.calls[0]?.slice(0, 4)).toEqual(["YQ==", "csv", columns, true]);
    expect(seen).toEqual([{ done: 1, total: 2, phase: "Importing contacts" }]);

    const refused = { code: "invalid_input", message: "Choose a preset or map the columns first." };
    commands.importContacts.mockResolvedValue({ status: "error", error: refused });
    await expect(api.importContacts("YQ==", "csv", null, false)).rejects.toMatchObject(refused);
  });

  it("wraps the CRM connection commands, progress included", async () => {
    type ProgressChannel = { onmessage: (p: unknown) => void };
    const report = { books: 1, created: 3, updated: 0, removed: 0, unchanged: 0, skipped: [] };
    commands.crmSources.mockResolvedValue({ status: "ok", data: [] });
    await expect(api.crmSources()).resolves.toEqual([]);

    commands.addCarddav.mockImplementation(async (_u: string, _n: string, _p: string, ch: ProgressChannel) => {
      ch.onmessage({ done: 1, total: 3, phase: "Reading Customers" });
      return { status: "ok", data: report };
    });
    const seen: unknown[] = [];
    await expect(api.addCarddav("https://dav.example.com/", "ana", "pw", (p) => seen.push(p))).resolves.toEqual(report);
    expect(commands.addCarddav.mock.calls[0]?.slice(0, 3)).toEqual(["https://dav.example.com/", "ana", "pw"]);
    expect(seen).toEqual([{ done: 1, total: 3, phase: "Reading Customers" }]);

    commands.addHubspot.mockResolvedValue({ status: "ok", data: report });
    await expect(api.addHubspot("pat-na1-x")).resolves.toEqual(report);
    expect(commands.addHubspot.mock.calls[0]?.[0]).toBe("pat-na1-x");

    const limited = { code: "network", message: "HubSpot asks Earshot to slow down until 2026-11-28 12:20:00 UTC." };
    commands.syncCrmSource.mockResolvedValue({ status: "error", error: limited });
    await expect(api.syncCrmSource("2")).rejects.toMatchObject(limited);
    expect(commands.syncCrmSource.mock.calls[0]?.[0]).toBe("2");

    commands.removeCrmSource.mockResolvedValue({ status: "ok", data: null });
    await expect(api.removeCrmSource("2")).resolves.toBeUndefined();
    expect(commands.removeCrmSource).toHaveBeenCalledWith("2");
  });

  it("subscribes to inbox changes, and survives having no runtime", async () => {
    const unlisten = vi.fn();
    listen.mockImplementation(async (cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { reason: "import" } });
      return unlisten;
    });
    const got: unknown[] = [];
    const stop = await api.onInboxChanged((c) => got.push(c));
    expect(got).toEqual([{ reason: "import" }]);
    stop();
    expect(unlisten).toHaveBeenCalled();

    listen.mockRejectedValueOnce(new Error("no runtime"));
    const noop = await api.onInboxChanged(() => {});
    expect(() => noop()).not.toThrow();
  });
});
