import { describe, expect, it } from "vitest";
import type { ContactFilePreview, ContactImportReport, Field } from "../bindings";
import {
  alsoNote,
  answeredText,
  choicesOf,
  columnsFor,
  contactSummary,
  draftOf,
  durationText,
  FIELD_LABELS,
  fieldLabel,
  fieldsFromDraft,
  identityText,
  isEmail,
  lifecycleText,
  listText,
  mergeChanges,
  mergeDropped,
  mappingOf,
  moneyText,
  originText,
  parseAmount,
  parseIdentity,
  presetSentence,
  reportAnnouncement,
  reportCounts,
  reportHeading,
  reportTotal,
  sampleOf,
  skippedText,
  splitList,
  stripDataUrl,
  unmappedText,
  withChoice,
  type ContactDraft,
} from "./customers";
import { clockTime } from "./accounts";

const ALL_FIELDS: Field[] = [
  "name",
  "first_name",
  "last_name",
  "email",
  "phone",
  "company",
  "tier",
  "lifecycle",
  "lifetime_value",
  "owner",
  "tags",
  "notes",
  "x",
  "bluesky",
  "mastodon",
  "profile_url",
  "hubspot_id",
  "salesforce_id",
];

function preview(over: Partial<ContactFilePreview> = {}): ContactFilePreview {
  return {
    kind: "csv",
    headers: ["Record ID", "First Name", "Email", "Twitter Username", "Fax"],
    preset: "hubspot",
    mapping: {
      columns: [
        { column: "Record ID", field: "hubspot_id" },
        { column: "First Name", field: "first_name" },
        { column: "email", field: "email" },
        { column: "Twitter Username", field: "x" },
      ],
    },
    sample: [
      ["101", "Jane", "jane@acme.example", "@jane", ""],
      ["102", "Omar", " ", "omar_k", "555"],
    ],
    fields: ALL_FIELDS,
    cards: 0,
    ...over,
  };
}

function report(over: Partial<ContactImportReport> = {}): ContactImportReport {
  return { dry_run: true, created: 12, updated: 1, unchanged: 0, skipped: [], unmapped: [], contacts: 1240, ...over };
}

describe("import fields and file", () => {
  it("labels every field in plain words", () => {
    for (const f of ALL_FIELDS) expect(FIELD_LABELS[f]).toMatch(/^[A-Z]/);
    expect(fieldLabel("lifetime_value")).toBe("Lifetime value");
    expect(fieldLabel("x")).toBe("X handle");
    expect(fieldLabel("profile_url")).toBe("Profile address");
    expect(fieldLabel("hubspot_id")).toBe("HubSpot ID");
    expect(fieldLabel("brand_new" as Field)).toBe("brand_new");
  });

  it("says which export the columns look like", () => {
    expect(presetSentence("hubspot")).toBe("Looks like a HubSpot export");
    expect(presetSentence("salesforce")).toBe("Looks like a Salesforce export");
    expect(presetSentence(null)).toBeNull();
  });

  it("strips the data: URL prefix FileReader adds", () => {
    expect(stripDataUrl("data:text/csv;base64,QUJD")).toBe("QUJD");
    expect(stripDataUrl("data:application/octet-stream;base64,QUJD\n")).toBe("QUJD");
    expect(stripDataUrl("data:;base64,")).toBe("");
    expect(stripDataUrl("data:broken")).toBe("");
    expect(stripDataUrl(" QUJD ")).toBe("QUJD");
  });
});

describe("the column mapping", () => {
  it("starts each header on its field in the preset's mapping, ignoring case", () => {
    expect(choicesOf(preview())).toEqual(["hubspot_id", "first_name", "email", "x", null]);
  });

  it("sends the preset while its mapping is untouched", () => {
    const p = preview();
    expect(columnsFor(p, choicesOf(p))).toEqual({ ok: true, columns: { kind: "preset", value: "hubspot" } });
  });

  it("sends the person's mapping once they change a column", () => {
    const p = preview();
    const choices = withChoice(choicesOf(p), 4, "phone");
    expect(choices).toEqual(["hubspot_id", "first_name", "email", "x", "phone"]);
    const result = columnsFor(p, choices);
    expect(result).toEqual({
      ok: true,
      columns: {
        kind: "mapping",
        value: {
          columns: [
            { column: "Record ID", field: "hubspot_id" },
            { column: "First Name", field: "first_name" },
            { column: "Email", field: "email" },
            { column: "Twitter Username", field: "x" },
            { column: "Fax", field: "phone" },
          ],
        },
      },
    });
    // Changing it back is the preset again.
    expect(columnsFor(p, withChoice(choices, 4, null))).toMatchObject({ columns: { kind: "preset" } });
  });

  it("sends the guessed mapping as it came when there is no preset", () => {
    const p = preview({ preset: null });
    expect(columnsFor(p, choicesOf(p))).toEqual({ ok: true, columns: { kind: "mapping", value: p.mapping } });
  });

  it("refuses a mapping that imports nothing, or no one", () => {
    const p = preview({ preset: null, mapping: { columns: [] } });
    expect(columnsFor(p, choicesOf(p))).toMatchObject({ ok: false, message: expect.stringContaining("nothing would be imported") });
    const onlyFax = withChoice(choicesOf(p), 4, "phone");
    expect(columnsFor(p, onlyFax)).toMatchObject({ ok: false, message: expect.stringContaining("name, an email or a social account") });
  });

  it("takes no columns for a vCard file", () => {
    expect(columnsFor(preview({ kind: "vcard", headers: [], cards: 3 }), [])).toEqual({ ok: true, columns: null });
  });

  it("maps a repeated header once per field", () => {
    expect(mappingOf(["Email", "email", "Name"], ["email", "email", null])).toEqual({
      columns: [{ column: "Email", field: "email" }],
    });
  });

  it("shows a column's first non-blank sample values", () => {
    expect(sampleOf(preview(), 2)).toEqual(["jane@acme.example"]);
    expect(sampleOf(preview(), 3)).toEqual(["@jane", "omar_k"]);
    expect(sampleOf(preview(), 9)).toEqual([]);
  });
});

describe("the import report", () => {
  it("counts what it did in one line", () => {
    expect(reportCounts(report({ skipped: [{ line: 3, reason: "x" }, { line: 9, reason: "y" }] }))).toBe(
      "12 new, 1 updated, 0 unchanged, 2 skipped",
    );
    expect(reportCounts(report({ created: 12400 }))).toMatch(/^12,400 new/);
  });

  it("says whether anything was saved", () => {
    expect(reportHeading(report())).toMatch(/nothing is saved/);
    expect(reportHeading(report({ dry_run: false }))).toBe("Imported");
    expect(reportTotal(report())).toBe("After the import you would have 1,240 contacts.");
    expect(reportTotal(report({ dry_run: false, contacts: 1 }))).toBe("You now have 1 contact.");
    expect(reportAnnouncement(report({ dry_run: false }))).toBe("Import done: 12 new, 1 updated, 0 unchanged, 0 skipped.");
  });

  it("gives each skipped row its line, and the columns left out", () => {
    expect(skippedText({ line: 14, reason: "no name, email or social account" })).toBe(
      "Line 14: no name, email or social account",
    );
    expect(unmappedText([])).toBeNull();
    expect(unmappedText(["Fax"])).toBe("Column not imported: Fax");
    expect(unmappedText(["Fax", "Phone 2"])).toBe("Columns not imported: Fax, Phone 2");
  });
});

describe("the customer panel", () => {
  it("says response times in minutes, hours and days", () => {
    expect(durationText(0)).toBe("0 min");
    expect(durationText(42)).toBe("42 min");
    expect(durationText(60)).toBe("1 h");
    expect(durationText(65)).toBe("1 h 5 min");
    expect(durationText(1439)).toBe("23 h 59 min");
    expect(durationText(1440)).toBe("1 day");
    expect(durationText(3000)).toBe("2 days 2 h");
    expect(durationText(12 * 1440 + 300)).toBe("12 days");
    expect(answeredText(42)).toBe("answered in 42 min");
    expect(answeredText(null)).toBeNull();
  });

  it("notes the other contacts that match, for a merge", () => {
    expect(alsoNote([])).toBeNull();
    expect(alsoNote(["12"])).toBe("Also matches contact 12 — merge them in Contacts");
    expect(alsoNote(["12", "14", "20"])).toBe("Also matches contacts 12, 14 and 20 — merge them in Contacts");
    expect(listText(["a", "b"])).toBe("a and b");
  });

  it("writes accounts, amounts and stages as people read them", () => {
    expect(identityText({ network: "x", key: "jane" })).toBe("X @jane");
    expect(identityText({ network: "mastodon", key: "jane@mastodon.social" })).toBe("Mastodon @jane@mastodon.social");
    expect(identityText({ network: "bluesky", key: "did:plc:abc" })).toBe("Bluesky did:plc:abc");
    expect(identityText({ network: "web", key: "example.com/jane" })).toBe("example.com/jane");
    expect(moneyText(12400)).toBe("12,400");
    expect(moneyText(99.5)).toBe("99.5");
    expect(lifecycleText("customer")).toBe("Customer");
    expect(lifecycleText("")).toBe("");
  });

  it("says what a merge changes in the contact kept: only its gaps are filled, its own values stay", () => {
    const keep = {
      name: "Ana Ortiz",
      tier: "Enterprise",
      lifecycle: "customer",
      lifetime_value: 12400,
      notes: "Fleet",
      emails: ["ana@ortiz.example"],
      identities: [{ network: "bluesky" as const, key: "ana.bsky.social" }],
    };
    // The other's name and stage differ: this contact keeps its own, and only the new email joins.
    expect(mergeChanges(keep, { name: "A. Ortiz", lifecycle: "lead", tier: null, emails: ["A@X.example", "ana@ortiz.example"] })).toEqual([
      "Email added: a@x.example",
    ]);
    expect(mergeChanges(keep, { lifetime_value: 900, owner: "Sam", company: "Ortiz Cycles", notes: "Other" })).toEqual([
      "Company is filled in: Ortiz Cycles",
      "Account owner is filled in: Sam",
      "The other contact's notes are added to this one's",
    ]);
    expect(mergeChanges({}, { notes: "New", lifetime_value: 1200.5 })).toEqual([
      "Lifetime value is filled in: 1,200.5",
      "The other contact's notes are added",
    ]);
    // Notes this contact already holds add nothing.
    expect(mergeChanges(keep, { name: "Ana Ortiz", notes: "Fleet" })).toEqual([]);
    expect(
      mergeChanges(keep, {
        phones: ["+34 600", "+34 601"],
        tags: ["vip"],
        identities: [
          { network: "bluesky", key: "ana.bsky.social" },
          { network: "x", key: "anaortiz" },
        ],
      }),
    ).toEqual(["Phones added: +34 600, +34 601", "Tag added: vip", "Account added: X @anaortiz"]);
  });

  it("says which of the other contact's values a merge leaves out", () => {
    const keep = { name: "Ana Ortiz", tier: "Enterprise", lifecycle: "customer", lifetime_value: 12400, owner: null };
    expect(mergeDropped(keep, { name: "A. Ortiz", lifecycle: "Lead", tier: "Enterprise", owner: "Sam", notes: "x" })).toEqual([
      "Name A. Ortiz (keeps Ana Ortiz)",
      "Lifecycle Lead (keeps customer)",
    ]);
    expect(mergeDropped(keep, { lifetime_value: 900 })).toEqual(["Lifetime value 900 (keeps 12,400)"]);
    // The same stage in another case is not a different value.
    expect(mergeDropped(keep, { lifecycle: "Customer", name: " Ana Ortiz " })).toEqual([]);
    expect(mergeDropped({}, { name: "A. Ortiz" })).toEqual([]);
  });

  it("says where a synced record comes from, and when it may be stale", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    expect(originText(null, now)).toBeNull();
    expect(originText({ source: "CardDAV (Customers)", synced_at: "2026-11-28T11:55:00Z", stale_because: null }, now)).toEqual({
      from: "From CardDAV (Customers), synced 5 min ago",
      stale: null,
    });
    expect(originText({ source: "CardDAV", synced_at: null, stale_because: "The server refused the password." }, now)).toEqual({
      from: "From CardDAV, not synced yet",
      stale: "May be out of date: The server refused the password.",
    });
    // Rust's UTC times read in local time.
    expect(
      originText({ source: "HubSpot", synced_at: null, stale_because: "HubSpot asks Earshot to slow down until 2026-11-28 12:20:00 UTC." }, now)
        ?.stale,
    ).toBe(`May be out of date: HubSpot asks Earshot to slow down until ${clockTime("2026-11-28T12:20:00Z")}.`);
  });

  it("sums a contact up in one line", () => {
    expect(contactSummary({ company: "Acme", emails: ["jane@acme.example"] })).toBe("Acme · jane@acme.example");
    expect(contactSummary({ identities: [{ network: "x", key: "jane" }] })).toBe("X @jane");
    expect(contactSummary({})).toBe("");
  });
});

describe("accounts, keyed as Rust keys them", () => {
  it("reads every way of writing an X account as one", () => {
    for (const raw of ["@Jane_Doe", "jane_doe", " JANE_DOE ", "https://x.com/jane_doe", "https://twitter.com/Jane_Doe/"]) {
      expect(parseIdentity("x", raw)).toEqual({ ok: true, identity: { network: "x", key: "jane_doe" } });
    }
    expect(parseIdentity("x", "this_name_is_far_too_long")).toMatchObject({ ok: false });
    expect(parseIdentity("x", "jane doe")).toMatchObject({ ok: false });
    expect(parseIdentity("x", "https://x.com/home")).toEqual({ ok: true, identity: { network: "web", key: "x.com/home" } });
  });

  it("reads Mastodon accounts as user@server whatever the form", () => {
    for (const raw of ["@Jane@Mastodon.Social", "jane@mastodon.social", "https://mastodon.social/@jane", "https://mastodon.social/users/jane"]) {
      expect(parseIdentity("mastodon", raw)).toEqual({ ok: true, identity: { network: "mastodon", key: "jane@mastodon.social" } });
    }
    expect(parseIdentity("mastodon", "jane")).toMatchObject({ ok: false, message: expect.stringContaining("Mastodon address") });
  });

  it("reads Bluesky handles and DIDs, and profile addresses on any network", () => {
    expect(parseIdentity("bluesky", "@Jane.BSKY.social")).toEqual({ ok: true, identity: { network: "bluesky", key: "jane.bsky.social" } });
    expect(parseIdentity("bluesky", "did:plc:AbC")).toEqual({ ok: true, identity: { network: "bluesky", key: "did:plc:AbC" } });
    expect(parseIdentity("x", "https://bsky.app/profile/jane.bsky.social")).toEqual({
      ok: true,
      identity: { network: "bluesky", key: "jane.bsky.social" },
    });
    expect(parseIdentity("bluesky", "jane")).toMatchObject({ ok: false });
  });

  it("keeps any other address as a web page", () => {
    expect(parseIdentity("web", "https://www.Example.com/Jane/?ref=1#top")).toEqual({
      ok: true,
      identity: { network: "web", key: "example.com/Jane" },
    });
    expect(parseIdentity("web", "example.com/jane")).toMatchObject({ ok: false });
    expect(parseIdentity("x", "ftp://example.com")).toMatchObject({ ok: false });
    expect(parseIdentity("x", "")).toMatchObject({ ok: false });
  });
});

describe("the contact form", () => {
  const blank: ContactDraft = draftOf({});

  it("fills the form from a contact and back, keeping the CRM IDs", () => {
    const fields = {
      name: "Jane Doe",
      emails: ["jane@acme.example", "jd@home.example"],
      phones: ["+1 555 0100"],
      company: "Acme",
      tier: "Enterprise",
      lifecycle: "customer",
      lifetime_value: 12400,
      owner: "Sam",
      tags: ["vip", "beta"],
      notes: "Prefers email.\nCall before noon.",
      identities: [
        { network: "x" as const, key: "jane" },
        { network: "web" as const, key: "example.com/jane" },
      ],
      external_ids: [{ system: "hubspot" as const, id: "101" }],
    };
    const draft = draftOf(fields);
    expect(draft.emails).toBe("jane@acme.example, jd@home.example");
    expect(draft.accounts).toEqual([
      { network: "x", handle: "jane" },
      { network: "web", handle: "https://example.com/jane" },
    ]);
    expect(fieldsFromDraft(draft)).toEqual({ ok: true, fields });
  });

  it("tidies what was typed", () => {
    const result = fieldsFromDraft({
      ...blank,
      name: "  Jane ",
      emails: "Jane@Acme.example; jane@acme.example\n",
      tags: "vip, , VIP, beta",
      lifetimeValue: "$12,400.50",
      accounts: [
        { network: "x", handle: "@Jane" },
        { network: "x", handle: "https://x.com/jane" },
        { network: "bluesky", handle: "  " },
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      fields: {
        name: "Jane",
        emails: ["jane@acme.example"],
        tags: ["vip", "beta"],
        lifetime_value: 12400.5,
        identities: [{ network: "x", key: "jane" }],
        company: null,
        notes: null,
      },
    });
  });

  it("says what is wrong, and with which field", () => {
    expect(fieldsFromDraft(blank)).toEqual({
      ok: false,
      field: "name",
      message: "Give the contact a name, an email or a social account.",
    });
    expect(fieldsFromDraft({ ...blank, name: "J", emails: "jane(at)acme" })).toMatchObject({ ok: false, field: "emails" });
    expect(fieldsFromDraft({ ...blank, name: "J", lifetimeValue: "lots" })).toMatchObject({ ok: false, field: "lifetimeValue" });
    expect(fieldsFromDraft({ ...blank, name: "J", lifetimeValue: "-5" })).toMatchObject({ ok: false, field: "lifetimeValue" });
    expect(
      fieldsFromDraft({ ...blank, accounts: [{ network: "x", handle: "jane" }, { network: "mastodon", handle: "jane" }] }),
    ).toMatchObject({ ok: false, field: "account-1" });
    // An account alone is enough to know who it is.
    expect(fieldsFromDraft({ ...blank, accounts: [{ network: "x", handle: "jane" }] })).toMatchObject({ ok: true });
  });

  it("reads amounts and lists the ways people write them", () => {
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("12 400 €")).toBe(12400);
    expect(parseAmount("1,000")).toBe(1000);
    expect(parseAmount("abc")).toBeNaN();
    expect(splitList("a, b;c\nA")).toEqual(["a", "b", "c"]);
    expect(isEmail("jane@acme.example")).toBe(true);
    expect(isEmail("jane@acme")).toBe(false);
    expect(isEmail("@acme.example")).toBe(false);
    expect(isEmail("ja ne@acme.example")).toBe(false);
  });
});
