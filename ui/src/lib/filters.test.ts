import { describe, expect, it } from "vitest";
import type { HandleSummary } from "../bindings";
import {
  DEFAULT_FILTERS,
  describeFilters,
  emptyState,
  handleLabel,
  isNarrowed,
  listLabel,
  listTotalLabel,
  queryKey,
  toggle,
  toQuery,
} from "./filters";

const HANDLES: HandleSummary[] = [
  { id: "h1", network: "bluesky", account: "acme-support.bsky.social", role: "support", display_name: "Acme Support", open_count: 3 },
  { id: "h2", network: "x", account: "acme", role: "marketing", display_name: null, open_count: 1 },
];

describe("toQuery", () => {
  it("maps the default view to open actionable items with no filters", () => {
    expect(toQuery(DEFAULT_FILTERS)).toEqual({
      status: "open",
      handle_id: null,
      role: null,
      network: null,
      search: null,
      view: "actionable",
    });
  });

  it("asks for every item in All, and for the view otherwise", () => {
    expect(toQuery({ ...DEFAULT_FILTERS, view: "all" }).view).toBeNull();
    expect(toQuery({ ...DEFAULT_FILTERS, view: "spam" }).view).toBe("spam");
  });

  it("trims the search and turns blank into null", () => {
    expect(toQuery({ ...DEFAULT_FILTERS, search: "  refund " }).search).toBe("refund");
    expect(toQuery({ ...DEFAULT_FILTERS, search: "   " }).search).toBeNull();
  });

  it("passes the filters through", () => {
    expect(toQuery({ view: "complaints", status: "done", role: "support", network: "x", handleId: "h2", search: "" })).toEqual({
      status: "done",
      handle_id: "h2",
      role: "support",
      network: "x",
      search: null,
      view: "complaints",
    });
  });
});

describe("queryKey", () => {
  it("is equal for equivalent queries and differs otherwise", () => {
    const a = toQuery({ ...DEFAULT_FILTERS, search: "x " });
    const b = toQuery({ ...DEFAULT_FILTERS, search: " x" });
    expect(queryKey(a)).toBe(queryKey(b));
    expect(queryKey(a)).not.toBe(queryKey(toQuery(DEFAULT_FILTERS)));
  });

  it("differs between views", () => {
    expect(queryKey(toQuery({ ...DEFAULT_FILTERS, view: "spam" }))).not.toBe(queryKey(toQuery(DEFAULT_FILTERS)));
    expect(queryKey(toQuery({ ...DEFAULT_FILTERS, view: "all" }))).not.toBe(queryKey(toQuery(DEFAULT_FILTERS)));
  });
});

describe("toggle and isNarrowed", () => {
  it("turns an active filter off and switches to another", () => {
    expect(toggle(null, "support")).toBe("support");
    expect(toggle("support", "support")).toBeNull();
    expect(toggle("support", "marketing")).toBe("marketing");
  });

  it("knows when anything beyond the view narrows the list", () => {
    expect(isNarrowed(DEFAULT_FILTERS)).toBe(false);
    expect(isNarrowed({ ...DEFAULT_FILTERS, status: "done" })).toBe(false);
    expect(isNarrowed({ ...DEFAULT_FILTERS, view: "spam" })).toBe(false);
    expect(isNarrowed({ ...DEFAULT_FILTERS, network: "x" })).toBe(true);
    expect(isNarrowed({ ...DEFAULT_FILTERS, search: " " })).toBe(false);
  });
});

describe("describing the empty state", () => {
  it("names every active filter", () => {
    const f = {
      view: "all" as const,
      status: "open" as const,
      role: "support" as const,
      network: "bluesky" as const,
      handleId: "h1",
      search: "refund",
    };
    expect(describeFilters(f, HANDLES)).toEqual(["Support", "Bluesky", "@acme-support.bsky.social", "matching “refund”"]);
    const e = emptyState(f, HANDLES);
    expect(e.title).toBe("Nothing here");
    expect(e.body).toContain("No open mentions for Support · Bluesky · @acme-support.bsky.social · matching “refund”");
    expect(emptyState({ ...f, view: "questions" }, HANDLES).body).toContain("No open mentions in Questions for Support");
    expect(e.body).toContain("Clear the filters");
    expect(e.canClear).toBe(true);
  });

  it("names a listening source's handle without an @", () => {
    const web = { id: "w1", network: "web", account: "forum.example/latest.rss", role: "support", display_name: "Forum", open_count: 3 } as const;
    expect(describeFilters({ ...DEFAULT_FILTERS, handleId: "w1" }, [web])).toEqual(["forum.example/latest.rss"]);
  });

  it("copes with a handle that is gone", () => {
    expect(describeFilters({ ...DEFAULT_FILTERS, handleId: "zz" }, HANDLES)).toEqual(["the chosen handle"]);
  });

  it("celebrates an empty Open view and explains an empty Done view", () => {
    expect(emptyState(DEFAULT_FILTERS, HANDLES).canClear).toBe(false);
    expect(emptyState(DEFAULT_FILTERS, HANDLES).title).toContain("nothing needs a person");
    expect(emptyState({ ...DEFAULT_FILTERS, view: "all" }, HANDLES).title).toContain("all caught up");
    expect(emptyState({ ...DEFAULT_FILTERS, status: "done" }, HANDLES).body).toContain("marked done");
  });

  it("says what an empty Spam view is for", () => {
    const e = emptyState({ ...DEFAULT_FILTERS, view: "spam" }, HANDLES);
    expect(e.title).toBe("No spam.");
    expect(e.body).toContain("Items triage calls spam land here so you can rescue them.");
    expect(e.canClear).toBe(false);
  });

  it("points an empty Actionable view at Other and Spam", () => {
    const body = emptyState(DEFAULT_FILTERS, HANDLES).body;
    expect(body).toContain("Other (5)");
    expect(body).toContain("Spam (6)");
  });

  it("labels handles by display name, else account", () => {
    expect(handleLabel(HANDLES[0]!)).toBe("Acme Support");
    expect(handleLabel(HANDLES[1]!)).toBe("@acme");
    expect(handleLabel({ account: "a", display_name: "  " })).toBe("@a");
    expect(handleLabel({ account: "forum.example/latest.rss", display_name: null, network: "web" })).toBe(
      "forum.example/latest.rss",
    );
    expect(handleLabel({ account: "brand.bsky.social", display_name: "", network: "bluesky" })).toBe("@brand.bsky.social");
  });
});

describe("the list's heading and name", () => {
  it("names the view beside the count, except in All", () => {
    expect(listTotalLabel(1204, "open", "actionable")).toBe("1,204 open in Actionable");
    expect(listTotalLabel(3, "done", "spam")).toBe("3 done in Spam");
    expect(listTotalLabel(1204, "open", "all")).toBe("1,204 open");
  });

  it("gives the list box a name with the view and status", () => {
    expect(listLabel("open", "complaints")).toBe("Complaints, open mentions");
    expect(listLabel("done", "all")).toBe("Done mentions");
  });
});

describe("the work lists' queries and words", () => {
  it("asks for the work list's items across every triage view, with Open and Done only in Mine", () => {
    expect(toQuery({ ...DEFAULT_FILTERS, view: "waiting" })).toMatchObject({
      status: null,
      view: null,
      stage: "waiting",
      snoozed: false,
      mine: null,
    });
    expect(toQuery({ ...DEFAULT_FILTERS, view: "mine" })).toMatchObject({ status: "open", view: null, mine: true });
    expect(toQuery({ ...DEFAULT_FILTERS, view: "snoozed", status: "done" })).toMatchObject({ status: null, snoozed: true });
  });

  it("tells the work lists apart by key", () => {
    const keys = (["mine", "waiting", "snoozed", "resolved"] as const).map((view) =>
      queryKey(toQuery({ ...DEFAULT_FILTERS, view })),
    );
    expect(new Set(keys).size).toBe(4);
  });

  it("counts and names the lists plainly", () => {
    expect(listTotalLabel(3, "open", "waiting")).toBe("3 waiting on customer");
    expect(listTotalLabel(2, "done", "snoozed")).toBe("2 snoozed");
    expect(listTotalLabel(4, "open", "mine")).toBe("4 open in Mine");
    expect(listLabel("open", "resolved")).toBe("Resolved mentions");
    expect(listLabel("open", "mine")).toBe("Mine, open mentions");
    expect(emptyState({ ...DEFAULT_FILTERS, view: "snoozed", status: "done" }, []).title).toBe("Nothing is snoozed");
  });
});
