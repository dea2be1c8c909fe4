// Contacts for the in-browser mock backend (`npm run dev` without Tauri): a few customers matched to the generated
// authors, so the customer panel shows each of its states, and a CSV / vCard import that reads the file the way
// Rust does in outline (the HubSpot and Salesforce presets, a mapping, a dry run). Never shipped.
//
// Who is who in the demo:
//   - Ana Ortiz's Bluesky and Mastodon accounts are on contact 1 (Enterprise), and her Bluesky handle on contact 3
//     too, so her panel says "Also matches contact 3".
//   - Ben Park's Bluesky account is on contact 2 (Pro).
//   - Authors named Chloé Quinn are suggested contact 4 ("Same name, and their profile names Quinn Cargo").
//   - Hana Tran's Mastodon address is on contact 5, a lead with no custom.
//   - Everyone else is not a known customer.
//
// Live CRM connections (unless ?crm=0): a healthy CardDAV address book, "CardDAV (Customers)", synced 5 minutes ago
// (Ben Park, Chloé Quinn and the customers after them come from it), and HubSpot, whose last sync 3 hours ago was
// followed by one HubSpot cut short with a rate limit for the next 3 minutes (Ana Ortiz, A. Ortiz and Hana Tran:
// their records say they may be out of date). Connecting CardDAV reads a "Team" address book (3 new contacts and a
// card it cannot read); a server with "offline" in it cannot be reached, one with "empty" has no address book, and the
// password "wrong" (or a user with "deny" in it) is refused, and with the password "expires" it connects but every
// later sync is refused (to see Reconnect). Connecting HubSpot takes a token that starts with
// "pat-"; any other is refused. ?fail=crm makes the list fail, ?fail=crmsync makes Sync now fail (the server cannot
// be reached) and ?fail=remove makes Remove fail.

import type {
  ColumnMapping,
  Columns,
  ContactFields,
  ContactFilePreview,
  ContactImportReport,
  ContactView,
  CrmSourceView,
  CrmSyncReport,
  CustomerPanel,
  Field,
  Identity,
  ItemStatus,
  Mapping,
  Network,
  Preset,
  Progress,
  Rule,
  SkippedRow,
  TimelineEntry,
} from "../bindings";
import type { Channel } from "@tauri-apps/api/core";
import { identityText, isEmail, parseAmount, parseIdentity } from "../lib/customers";

/** What the contacts mock needs of an inbox item. */
export interface MockAuthorItem {
  id: string;
  network: Network;
  author_handle: string;
  author_name: string | null;
  text: string;
  created_at: string;
  status: ItemStatus;
}

/** Our first answer to an item, from the mock outbox. */
export interface MockAnswer {
  sent_at: string;
  result_url: string | null;
}

export interface ContactsDeps {
  items: () => MockAuthorItem[];
  item: (id: string) => MockAuthorItem | undefined;
  answerOf: (id: string) => MockAnswer | null;
  changed: (reason: string) => void;
  fail: (code: "not_found" | "invalid_input" | "storage" | "network", message: string) => never;
  sleep: (ms: number) => Promise<void>;
  failing: string | null;
  /** Start with the two CRM connections. */
  withCrm: boolean;
}

/** A live CRM connection, and the contacts its records became. */
interface MockCrm {
  view: CrmSourceView;
  members: Set<string>;
  /** HubSpot asked Earshot to wait until then (ms). */
  limitedUntil: number | null;
  /** The password was "expires": every sync after the first is refused, to show Reconnect. */
  refused?: boolean;
}

/** A time as Rust's chrono writes it in an error: "2026-11-29 00:41:34 UTC". */
function rustUtc(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** The cards of the "Team" address book a new CardDAV connection reads. */
const TEAM_CARDS: ContactFields[] = [
  { name: "Diego Alvarez", emails: ["diego@alvarezfreight.example"], company: "Alvarez Freight", tier: "Team", lifecycle: "customer", lifetime_value: 2100 },
  { name: "Yuki Sato", emails: ["yuki.sato@mail.example"], phones: ["+81 90 1234 5678"], lifecycle: "lead" },
  { name: "Lena Fischer", emails: ["lena@fischerrad.example"], company: "Fischer Rad", tier: "Pro", lifecycle: "customer", lifetime_value: 860 },
];

/** The contacts a new HubSpot connection reads; Ana Ortiz is already here, by her email. */
const HUBSPOT_CONTACTS: ContactFields[] = [
  { name: "Ana Ortiz", emails: ["ana@ortizcycles.example"], external_ids: [{ system: "hubspot", id: "5011" }] },
  { name: "Sofia Rossi", emails: ["sofia@rossibici.example"], company: "Rossi Bici", lifecycle: "opportunity", owner: "Sam Lee", external_ids: [{ system: "hubspot", id: "5120" }] },
  { name: "Tom Becker", emails: ["tom.becker@mail.example"], lifecycle: "subscriber", external_ids: [{ system: "hubspot", id: "5121" }] },
];

interface StoredContact {
  id: string;
  fields: ContactFields;
  updated_at: string;
}

const FIELDS: Field[] = [
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

const HUBSPOT: [string, Field][] = [
  ["Record ID", "hubspot_id"],
  ["First Name", "first_name"],
  ["Last Name", "last_name"],
  ["Email", "email"],
  ["Phone Number", "phone"],
  ["Company Name", "company"],
  ["Contact owner", "owner"],
  ["Lifecycle Stage", "lifecycle"],
  ["Twitter Username", "x"],
  ["LinkedIn URL", "profile_url"],
  ["Total Revenue", "lifetime_value"],
];

const SALESFORCE: [string, Field][] = [
  ["Contact ID", "salesforce_id"],
  ["First Name", "first_name"],
  ["Last Name", "last_name"],
  ["Email", "email"],
  ["Phone", "phone"],
  ["Mobile", "phone"],
  ["Account Name", "company"],
  ["Contact Owner", "owner"],
  ["Description", "notes"],
];

const COMMON: [string, Field][] = [
  ["Name", "name"],
  ["Full Name", "name"],
  ["Email Address", "email"],
  ["Company", "company"],
  ["Plan", "tier"],
  ["Tier", "tier"],
  ["Lifetime Value", "lifetime_value"],
  ["LTV", "lifetime_value"],
  ["Owner", "owner"],
  ["Tags", "tags"],
  ["Notes", "notes"],
  ["Twitter", "x"],
  ["X", "x"],
  ["X Handle", "x"],
  ["Bluesky", "bluesky"],
  ["Mastodon", "mastodon"],
  ["Website", "profile_url"],
];

/** Like Rust's standing label: "Customer, Enterprise plan, 12,400 lifetime"; null for a lead with nothing bought. */
function standingOf(f: ContactFields): string | null {
  const lifecycle = (f.lifecycle ?? "").replace(/[\s_-]/g, "").toLowerCase();
  const prospect = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "other"].includes(lifecycle);
  const hasTier = Boolean(f.tier);
  const value = f.lifetime_value ?? null;
  if (!hasTier && (value === null || value < 1) && lifecycle !== "customer" && lifecycle !== "evangelist") return null;
  const parts = [prospect ? "Prospect" : "Customer"];
  if (f.tier) parts.push(`${f.tier} plan`);
  if (value !== null && value >= 1) parts.push(`${Math.round(value).toLocaleString("en-US")} lifetime`);
  return parts.join(", ");
}

function titleOf(f: ContactFields): string {
  return f.name?.trim() || f.emails?.[0] || (f.identities?.[0] ? identityText(f.identities[0]) : "Unnamed contact");
}

function tidy(f: ContactFields): ContactFields {
  const text = (v: string | null | undefined) => (v && v.trim() !== "" ? v.trim() : null);
  const list = (v: string[] | undefined, lower = false) => {
    const out: string[] = [];
    for (const raw of v ?? []) {
      const s = lower ? raw.trim().toLowerCase() : raw.trim();
      if (s !== "" && !out.some((o) => o.toLowerCase() === s.toLowerCase())) out.push(s);
    }
    return out;
  };
  const identities: Identity[] = [];
  for (const i of f.identities ?? []) if (!identities.some((x) => x.network === i.network && x.key === i.key)) identities.push(i);
  return {
    name: text(f.name),
    emails: list(f.emails, true),
    phones: list(f.phones),
    company: text(f.company),
    tier: text(f.tier),
    lifecycle: text(f.lifecycle)?.toLowerCase() ?? null,
    lifetime_value: f.lifetime_value != null && Number.isFinite(f.lifetime_value) && f.lifetime_value >= 0 ? f.lifetime_value : null,
    owner: text(f.owner),
    tags: list(f.tags),
    notes: text(f.notes),
    identities,
    external_ids: [...(f.external_ids ?? [])],
  };
}

/** Notes joined as Rust joins them: one that holds the other stays as it is; otherwise both, `mine` first. */
function joinedNotes(mine: string | null | undefined, theirs: string | null | undefined): string | null {
  const a = mine?.trim() || null;
  const b = theirs?.trim() || null;
  if (a === null || b === null) return b ?? a;
  if (a.includes(b)) return a;
  if (b.includes(a)) return b;
  return `${a}\n\n${b}`;
}

/**
 * `theirs` over `mine`, as Rust's `merged_with`: a value `theirs` has wins, notes and lists are joined. An import
 * lays the file's record over the contact it has; a merge lays the contact kept over the other one, so the kept
 * contact's values stay and the other only fills its gaps.
 */
function merged(mine: ContactFields, theirs: ContactFields): ContactFields {
  const pick = <T>(a: T | null | undefined, b: T | null | undefined) => (b !== null && b !== undefined ? b : (a ?? null));
  return tidy({
    name: pick(mine.name, theirs.name),
    company: pick(mine.company, theirs.company),
    tier: pick(mine.tier, theirs.tier),
    lifecycle: pick(mine.lifecycle, theirs.lifecycle),
    lifetime_value: pick(mine.lifetime_value, theirs.lifetime_value),
    owner: pick(mine.owner, theirs.owner),
    notes: joinedNotes(mine.notes, theirs.notes),
    emails: [...(mine.emails ?? []), ...(theirs.emails ?? [])],
    phones: [...(mine.phones ?? []), ...(theirs.phones ?? [])],
    tags: [...(mine.tags ?? []), ...(theirs.tags ?? [])],
    identities: [...(mine.identities ?? []), ...(theirs.identities ?? [])],
    external_ids: [...(mine.external_ids ?? []), ...(theirs.external_ids ?? [])],
  });
}

function sameFields(a: ContactFields, b: ContactFields): boolean {
  return JSON.stringify(tidy(a)) === JSON.stringify(tidy(b));
}

// ---- files ---------------------------------------------------------------------------------------------------

function decodeBase64(content: string): string {
  const binary = atob(content.trim());
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Excel on Windows: the code page, which Latin-1 is close enough to for a mock.
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** CSV records with the line each starts on (1 is the header). Quotes, doubled quotes and line breaks in quotes. */
function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.replace(/^\ufeff/, "");
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((x) => x !== "")) out.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x !== "")) out.push({ line: start, cells });
  return out;
}

function tableMapping(tables: [string, Field][][], headers: string[]): Mapping {
  const columns: ColumnMapping[] = [];
  for (const h of headers) {
    for (const table of tables) {
      const hit = table.find(([name]) => name.toLowerCase() === h.trim().toLowerCase());
      if (hit) {
        columns.push({ column: h, field: hit[1] });
        break;
      }
    }
  }
  return { columns };
}

function presetOf(headers: string[]): Preset | null {
  const has = (name: string) => headers.some((h) => h.toLowerCase() === name.toLowerCase());
  if (has("Record ID") || has("hs_object_id") || has("Lifecycle Stage")) return "hubspot";
  if (has("Account Name") || has("Contact Owner") || has("MobilePhone")) return "salesforce";
  return null;
}

function presetMapping(preset: Preset, headers: string[]): Mapping {
  return tableMapping([preset === "hubspot" ? HUBSPOT : SALESFORCE, COMMON], headers);
}

interface VCard {
  line: number;
  fields: ContactFields | null;
  reason: string;
}

function parseVcards(text: string): VCard[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split(/\r?\n/);
  const cards: VCard[] = [];
  let current: { line: number; f: ContactFields } | null = null;
  lines.forEach((raw, i) => {
    const [head = "", ...rest] = raw.split(":");
    const value = rest.join(":").trim();
    const name = head.split(";")[0]?.toUpperCase() ?? "";
    if (name === "BEGIN") current = { line: i + 1, f: { emails: [], phones: [], identities: [] } };
    else if (name === "END" && current) {
      const f = tidy(current.f);
      const ok = Boolean(f.name) || (f.emails?.length ?? 0) > 0 || (f.identities?.length ?? 0) > 0;
      cards.push({ line: current.line, fields: ok ? f : null, reason: "no name, email or social account" });
      current = null;
    } else if (current && value !== "") {
      const f: ContactFields = current.f;
      if (name === "FN") f.name = value;
      else if (name === "EMAIL") f.emails?.push(value);
      else if (name === "TEL") f.phones?.push(value);
      else if (name === "ORG") f.company = value.split(";")[0] ?? value;
      else if (name === "NOTE") f.notes = value.replace(/\\n/g, "\n");
      else if (name === "URL" || name === "X-TWITTER" || name === "X-SOCIALPROFILE") {
        const parsed = parseIdentity(name === "X-TWITTER" ? "x" : "web", value);
        if (parsed.ok) f.identities?.push(parsed.identity);
      }
    }
  });
  return cards;
}

function rowFields(headers: string[], cells: string[], mapping: Mapping): ContactFields | string {
  const f: ContactFields = { emails: [], phones: [], tags: [], identities: [], external_ids: [] };
  let first: string | null = null;
  let last: string | null = null;
  for (const [i, header] of headers.entries()) {
    const value = (cells[i] ?? "").trim();
    if (value === "") continue;
    for (const m of mapping.columns.filter((c) => c.column.toLowerCase() === header.toLowerCase())) {
      switch (m.field) {
        case "name":
          f.name = value;
          break;
        case "first_name":
          first = value;
          break;
        case "last_name":
          last = value;
          break;
        case "email":
          for (const e of value.split(";").map((x) => x.trim()).filter(Boolean)) {
            if (!isEmail(e)) return `${header}: '${e}' is not an email address`;
            f.emails?.push(e);
          }
          break;
        case "phone":
          f.phones?.push(value);
          break;
        case "company":
          f.company = value;
          break;
        case "tier":
          f.tier = value;
          break;
        case "lifecycle":
          f.lifecycle = value;
          break;
        case "lifetime_value": {
          const amount = parseAmount(value);
          if (amount === null || Number.isNaN(amount)) return `${header}: '${value}' is not an amount`;
          f.lifetime_value = amount;
          break;
        }
        case "owner":
          f.owner = value;
          break;
        case "tags":
          f.tags?.push(...value.split(/[,;]/));
          break;
        case "notes":
          f.notes = value;
          break;
        case "x":
        case "bluesky":
        case "mastodon":
        case "profile_url": {
          const parsed = parseIdentity(m.field === "profile_url" ? "web" : m.field, value);
          if (!parsed.ok) return `${header}: ${parsed.message.replace(/\.$/, "")}`;
          f.identities?.push(parsed.identity);
          break;
        }
        case "hubspot_id":
          f.external_ids?.push({ system: "hubspot", id: value });
          break;
        case "salesforce_id":
          f.external_ids?.push({ system: "salesforce", id: value });
          break;
      }
    }
  }
  if (!f.name && (first || last)) f.name = [first, last].filter(Boolean).join(" ");
  const t = tidy(f);
  if (!t.name && (t.emails?.length ?? 0) === 0 && (t.identities?.length ?? 0) === 0) return "no name, email or social account";
  return t;
}

const COMMANDS = [
  "preview_contacts",
  "import_contacts",
  "item_customer",
  "link_customer",
  "unlink_customer",
  "create_contact",
  "update_contact",
  "merge_contacts",
  "get_contact",
  "search_contacts",
  "crm_sources",
  "add_carddav",
  "add_hubspot",
  "sync_crm_source",
  "remove_crm_source",
];

// ---- the mock ----------------------------------------------------------------------------------------------

export function createContactsMock(deps: ContactsDeps) {
  const contacts = new Map<string, StoredContact>();
  let nextId = 1;
  let crms: MockCrm[] = [];
  let nextCrmId = 1;
  /** Agents' word per author ("network:handle"): linked to a contact, and contacts they are not. */
  const links = new Map<string, { contact: string; agent: string }>();
  const nots = new Map<string, Set<string>>();

  const stamp = () => new Date().toISOString();

  function insert(fields: ContactFields): StoredContact {
    const c = { id: String(nextId++), fields: tidy(fields), updated_at: stamp() };
    contacts.set(c.id, c);
    return c;
  }

  function view(c: StoredContact): ContactView {
    return {
      id: c.id,
      title: titleOf(c.fields),
      fields: c.fields,
      standing: standingOf(c.fields),
      updated_at: c.updated_at,
      origin: originOf(c.id),
    };
  }

  /** The live CRM a contact's record comes from, as Rust says it; null for a contact kept only here. */
  function originOf(id: string): ContactView["origin"] {
    const crm = crms.find((x) => x.members.has(id));
    if (!crm) return null;
    return { source: crm.view.name, synced_at: crm.view.last_synced_at, stale_because: crm.view.last_error };
  }

  function contact(id: unknown): StoredContact {
    const c = contacts.get(String(id ?? "").replace(/^#/, ""));
    if (!c) deps.fail("not_found", `There is no contact with ID '${String(id)}'.`);
    return c;
  }

  insert({
    name: "Ana Ortiz",
    emails: ["ana@ortizcycles.example"],
    phones: ["+34 600 123 456"],
    company: "Ortiz Cycles",
    tier: "Enterprise",
    lifecycle: "customer",
    lifetime_value: 12400,
    owner: "Sam Lee",
    tags: ["fleet", "beta tester"],
    notes: "Runs a 40-bike rental fleet in Valencia.\nPrefers email; call before noon CET.\n<b>Not bold</b>",
    identities: [
      { network: "bluesky", key: "anaortiz.bsky.social" },
      { network: "mastodon", key: "ana@social.example" },
    ],
    external_ids: [{ system: "hubspot", id: "5011" }],
  });
  insert({
    name: "Ben Park",
    emails: ["ben.park@mail.example"],
    tier: "Pro",
    lifecycle: "customer",
    lifetime_value: 640,
    owner: "Priya Shah",
    identities: [{ network: "bluesky", key: "benpark.bsky.social" }],
  });
  insert({
    name: "A. Ortiz",
    emails: ["a.ortiz@mail.example"],
    lifecycle: "lead",
    identities: [{ network: "bluesky", key: "anaortiz.bsky.social" }],
  });
  insert({ name: "Chloé Quinn", company: "Quinn Cargo", emails: ["chloe@quinncargo.example"], tier: "Business", lifetime_value: 3200 });
  insert({ name: "Hana Tran", lifecycle: "lead", identities: [{ network: "mastodon", key: "hana@social.example" }] });
  for (const [name, company, tier, value] of [
    ["Marta Lindqvist", "Lindqvist Logistik", "Team", 1800],
    ["Kofi Mensah", null, "Free", null],
    ["Priya Natarajan", "Natarajan & Co", "Plus", 420],
    ["Oskar Berg", "Berg Bikes", "Enterprise", 48000],
  ] as const) {
    insert({ name, company, tier, lifetime_value: value, lifecycle: "customer", emails: [`${name.split(" ")[0]!.toLowerCase()}@${(company ?? "mail").toLowerCase().replace(/[^a-z]/g, "")}.example`] });
  }

  if (deps.withCrm) {
    const now = Date.now();
    const byName = (...names: string[]) =>
      new Set([...contacts.values()].filter((c) => names.includes(c.fields.name ?? "")).map((c) => c.id));
    crms.push({
      view: {
        id: String(nextCrmId++),
        kind: "carddav",
        name: "CardDAV (Customers)",
        url: "https://dav.example.com/",
        username: "support@spokewise.example",
        contacts: 0,
        last_synced_at: new Date(now - 5 * 60_000).toISOString(),
        last_error: null,
      },
      members: byName("Ben Park", "Chloé Quinn", "Marta Lindqvist", "Kofi Mensah", "Priya Natarajan", "Oskar Berg"),
      limitedUntil: null,
    });
    const until = now + 3 * 60_000;
    crms.push({
      view: {
        id: String(nextCrmId++),
        kind: "hubspot",
        name: "HubSpot",
        url: "https://api.hubapi.com",
        username: null,
        contacts: 0,
        last_synced_at: new Date(now - 3 * 3_600_000).toISOString(),
        last_error: `HubSpot asks Earshot to slow down until ${rustUtc(until)}.`,
      },
      members: byName("Ana Ortiz", "A. Ortiz", "Hana Tran"),
      limitedUntil: until,
    });
  }

  const keyOf = (network: Network, handle: string) => `${network}:${handle.toLowerCase()}`;

  type Decision =
    | { status: "linked"; contact: string; rule: Rule; why: string; also: string[] }
    | { status: "suggested"; contact: string; why: string }
    | { status: "unknown" };

  function decide(network: Network, handle: string, name: string | null): Decision {
    const key = keyOf(network, handle);
    const link = links.get(key);
    if (link && contacts.has(link.contact)) return { status: "linked", contact: link.contact, rule: "agent", why: `Linked by ${link.agent}`, also: [] };
    const not = nots.get(key) ?? new Set<string>();
    const identity: Identity = { network, key: handle.toLowerCase() };
    const exact = [...contacts.values()].filter(
      (c) => !not.has(c.id) && (c.fields.identities ?? []).some((i) => i.network === network && i.key === identity.key),
    );
    const first = exact[0];
    if (first) {
      return { status: "linked", contact: first.id, rule: "handle", why: `${identityText(identity)} is on the contact`, also: exact.slice(1).map((c) => c.id) };
    }
    const wanted = name?.trim().toLowerCase();
    if (wanted) {
      const same = [...contacts.values()].find((c) => !not.has(c.id) && c.fields.company && c.fields.name?.toLowerCase() === wanted);
      if (same) return { status: "suggested", contact: same.id, why: `Same name, and their profile names ${same.fields.company}` };
    }
    return { status: "unknown" };
  }

  /** A few minutes to a couple of days, the same for an item every time. */
  function fakeMinutes(id: string): number {
    let h = 0;
    for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return [4, 18, 42, 65, 190, 610, 1500, 3000][h % 8]!;
  }

  function entry(s: MockAuthorItem): TimelineEntry {
    const answer = deps.answerOf(s.id);
    let replied_at: string | null = null;
    let response_minutes: number | null = null;
    let reply_url: string | null = null;
    if (answer) {
      replied_at = answer.sent_at;
      response_minutes = Math.max(0, Math.round((Date.parse(answer.sent_at) - Date.parse(s.created_at)) / 60_000));
      reply_url = answer.result_url;
    } else if (s.status === "done" && s.network !== "web") {
      response_minutes = fakeMinutes(s.id);
      replied_at = new Date(Date.parse(s.created_at) + response_minutes * 60_000).toISOString();
      reply_url = s.network === "bluesky" ? `https://bsky.app/profile/spokewise-help.bsky.social/post/3l${s.id}` : null;
    }
    return {
      item_id: s.id,
      network: s.network,
      author_handle: s.author_handle,
      excerpt: s.text.replace(/\s+/g, " ").slice(0, 280),
      created_at: s.created_at,
      status: s.status,
      replied_at,
      response_minutes,
      reply_url,
    };
  }

  function timeline(authors: { network: Network; handle: string }[]): TimelineEntry[] {
    const keys = new Set(authors.map((a) => keyOf(a.network, a.handle)));
    return deps
      .items()
      .filter((s) => keys.has(keyOf(s.network, s.author_handle)))
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
      .slice(0, 50)
      .map(entry);
  }

  function itemCustomer(id: unknown): CustomerPanel {
    if (deps.failing === "customer") deps.fail("storage", "Earshot could not read who this customer is. Try again.");
    const s = deps.item(String(id));
    if (!s) deps.fail("not_found", `Inbox item ${String(id)} no longer exists.`);
    const d = decide(s.network, s.author_handle, s.author_name);
    const c = d.status === "unknown" ? null : (contacts.get(d.contact) ?? null);
    let authors = [{ network: s.network, handle: s.author_handle }];
    if (d.status === "linked" && c) {
      const all = new Map<string, { network: Network; handle: string }>();
      for (const x of deps.items()) {
        const dx = decide(x.network, x.author_handle, x.author_name);
        if (dx.status === "linked" && dx.contact === c.id) all.set(keyOf(x.network, x.author_handle), { network: x.network, handle: x.author_handle });
      }
      authors = [...all.values()];
    }
    const prefill: ContactFields = tidy({
      name: s.author_name,
      identities: s.network === "web" ? [] : [{ network: s.network, key: s.author_handle.toLowerCase() }],
    });
    return {
      status: d.status,
      why: d.status === "unknown" ? null : d.why,
      rule: d.status === "linked" ? d.rule : null,
      contact: c ? view(c) : null,
      also: d.status === "linked" ? d.also : [],
      timeline: timeline(authors),
      prefill,
    };
  }

  function authorOf(item: unknown): MockAuthorItem {
    const s = deps.item(String(item));
    if (!s) deps.fail("not_found", `Inbox item ${String(item)} no longer exists.`);
    return s;
  }

  function link(item: unknown, contactId: unknown): ContactView {
    const s = authorOf(item);
    const c = contact(contactId);
    const key = keyOf(s.network, s.author_handle);
    links.set(key, { contact: c.id, agent: "an agent" });
    nots.get(key)?.delete(c.id);
    deps.changed("customer");
    return view(c);
  }

  function unlink(item: unknown): string | null {
    const s = authorOf(item);
    const d = decide(s.network, s.author_handle, s.author_name);
    if (d.status === "unknown") return null;
    const key = keyOf(s.network, s.author_handle);
    links.delete(key);
    nots.set(key, new Set([...(nots.get(key) ?? []), d.contact]));
    deps.changed("customer");
    return d.contact;
  }

  function checkFields(fields: ContactFields): ContactFields {
    const f = tidy(fields);
    if (!f.name && (f.emails?.length ?? 0) === 0 && (f.identities?.length ?? 0) === 0) {
      deps.fail("invalid_input", "Give the contact a name, an email or a social account.");
    }
    return f;
  }

  function create(fields: ContactFields, item: unknown): ContactView {
    if (deps.failing === "contact") deps.fail("storage", "Earshot could not save the contact. Try again.");
    const c = insert(checkFields(fields));
    if (item != null) return link(item, c.id);
    deps.changed("customer");
    return view(c);
  }

  function update(id: unknown, fields: ContactFields): ContactView {
    if (deps.failing === "contact") deps.fail("storage", "Earshot could not save the contact. Try again.");
    const c = contact(id);
    c.fields = checkFields(fields);
    c.updated_at = stamp();
    deps.changed("customer");
    return view(c);
  }

  function merge(keep: unknown, gone: unknown): ContactView {
    const k = contact(keep);
    const g = contact(gone);
    if (k.id === g.id) deps.fail("invalid_input", "A contact cannot be merged into itself.");
    // The contact kept wins where both say something; the other fills its gaps and adds its lists.
    k.fields = merged(g.fields, k.fields);
    k.updated_at = stamp();
    contacts.delete(g.id);
    for (const crm of crms) if (crm.members.delete(g.id)) crm.members.add(k.id);
    for (const [key, l] of links) if (l.contact === g.id) links.set(key, { ...l, contact: k.id });
    deps.changed("customer");
    return view(k);
  }

  function search(query: unknown, limit: unknown): ContactView[] {
    const q = String(query ?? "").trim().toLowerCase();
    const max = Math.min(500, Math.max(1, Number(limit) || 20));
    return [...contacts.values()]
      .filter((c) => {
        if (q === "") return true;
        const f = c.fields;
        const hay = [f.name, f.company, ...(f.emails ?? []), ...(f.identities ?? []).map((i) => i.key)];
        return hay.some((v) => v?.toLowerCase().includes(q));
      })
      .sort((a, b) => titleOf(a.fields).localeCompare(titleOf(b.fields)))
      .slice(0, max)
      .map(view);
  }

  function preview(content: unknown): ContactFilePreview {
    let text: string;
    try {
      text = decodeBase64(String(content ?? ""));
    } catch {
      deps.fail("invalid_input", "The file did not arrive intact. Pick it again.");
    }
    if (/^\ufeff?\s*BEGIN:VCARD/i.test(text)) {
      return { kind: "vcard", headers: [], preset: null, mapping: { columns: [] }, sample: [], fields: FIELDS, cards: parseVcards(text).length };
    }
    const records = parseCsv(text);
    const headers = (records[0]?.cells ?? []).map((h) => h.trim());
    if (headers.length === 0 || headers.every((h) => h === "")) {
      deps.fail("invalid_input", "The file has no header row. A contact CSV starts with the column names, such as Name,Email.");
    }
    const preset = presetOf(headers);
    return {
      kind: "csv",
      headers,
      preset,
      mapping: preset ? presetMapping(preset, headers) : tableMapping([COMMON, HUBSPOT, SALESFORCE], headers),
      sample: records.slice(1, 4).map((r) => r.cells.map((v) => v.slice(0, 200))),
      fields: FIELDS,
      cards: 0,
    };
  }

  function findExisting(f: ContactFields): StoredContact | undefined {
    return [...contacts.values()].find(
      (c) =>
        (f.emails ?? []).some((e) => (c.fields.emails ?? []).includes(e)) ||
        (f.identities ?? []).some((i) => (c.fields.identities ?? []).some((x) => x.network === i.network && x.key === i.key)),
    );
  }

  async function importFile(args: Record<string, unknown>): Promise<ContactImportReport> {
    const channel = args.onProgress as Channel<Progress> | undefined;
    const dryRun = Boolean(args.dryRun);
    let text: string;
    try {
      text = decodeBase64(String(args.content ?? ""));
    } catch {
      deps.fail("invalid_input", "The file did not arrive intact. Pick it again.");
    }
    let rows: { line: number; fields: ContactFields | string }[];
    let unmapped: string[] = [];
    if (args.kind === "vcard") {
      rows = parseVcards(text).map((c) => ({ line: c.line, fields: c.fields ?? c.reason }));
    } else {
      const columns = args.columns as Columns | null;
      if (!columns) deps.fail("invalid_input", "Choose a preset or map the columns first.");
      const records = parseCsv(text);
      const headers = (records[0]?.cells ?? []).map((h) => h.trim());
      const mapping = columns.kind === "preset" ? presetMapping(columns.value, headers) : columns.value;
      const missing = mapping.columns.find((m) => !headers.some((h) => h.toLowerCase() === m.column.toLowerCase()));
      if (missing) deps.fail("invalid_input", `The file has no column '${missing.column}'; its columns are: ${headers.join(", ")}`);
      unmapped = headers.filter((h) => !mapping.columns.some((m) => m.column.toLowerCase() === h.toLowerCase()));
      rows = records.slice(1).map((r) => ({ line: r.line, fields: rowFields(headers, r.cells, mapping) }));
    }
    const report: ContactImportReport = { dry_run: dryRun, created: 0, updated: 0, unchanged: 0, skipped: [], unmapped, contacts: 0 };
    const skipped: SkippedRow[] = [];
    const pending: (() => void)[] = [];
    const total = rows.length;
    const phase = dryRun ? "Checking contacts" : "Importing contacts";
    for (const [n, row] of rows.entries()) {
      if (typeof row.fields === "string") skipped.push({ line: row.line, reason: row.fields });
      else {
        const f = row.fields;
        const existing = findExisting(f);
        if (!existing) {
          report.created++;
          pending.push(() => void insert(f));
        } else if (sameFields(merged(existing.fields, f), existing.fields)) report.unchanged++;
        else {
          report.updated++;
          pending.push(() => {
            existing.fields = merged(existing.fields, f);
            existing.updated_at = stamp();
          });
        }
      }
      if (!dryRun && (n % 5 === 4 || n === total - 1)) {
        channel?.onmessage({ done: n + 1, total, phase });
        await deps.sleep(150);
      }
    }
    if (deps.failing === "import" && !dryRun) deps.fail("storage", "Earshot could not save the contacts: the disk is full. Free some space and try again.");
    report.skipped = skipped;
    report.contacts = contacts.size + report.created;
    if (!dryRun) {
      for (const apply of pending) apply();
      deps.changed("contacts");
    }
    return report;
  }

  // ---- live CRM connections -----------------------------------------------------------------------------------

  function crmView(crm: MockCrm): CrmSourceView {
    return { ...crm.view, contacts: crm.members.size };
  }

  function crmBy(id: unknown): MockCrm {
    const crm = crms.find((x) => x.view.id === String(id ?? ""));
    if (!crm) deps.fail("not_found", `There is no CRM connection with ID '${String(id)}'.`);
    return crm;
  }

  /** Reads records into contacts as Rust's keep_record does: the contact it already became or matches, else a new one. */
  function keepRecords(crm: MockCrm, records: ContactFields[], report: CrmSyncReport): void {
    for (const f of records) {
      const fields = tidy(f);
      const existing = findExisting(fields);
      if (!existing) {
        crm.members.add(insert(fields).id);
        report.created++;
      } else if (sameFields(merged(existing.fields, fields), existing.fields)) {
        crm.members.add(existing.id);
        report.unchanged++;
      } else {
        existing.fields = merged(existing.fields, fields);
        existing.updated_at = stamp();
        crm.members.add(existing.id);
        report.updated++;
      }
    }
  }

  function emptyReport(): CrmSyncReport {
    return { books: 1, created: 0, updated: 0, removed: 0, unchanged: 0, skipped: [] };
  }

  async function addCarddav(args: Record<string, unknown>): Promise<CrmSyncReport> {
    const channel = args.onProgress as Channel<Progress> | undefined;
    const raw = String(args.url ?? "").trim();
    const username = String(args.username ?? "");
    const password = String(args.password ?? "");
    let url: URL;
    try {
      url = new URL(raw);
    } catch (e) {
      deps.fail("invalid_input", `CardDAV refused the request: '${raw}' is not a server address (${e instanceof Error ? e.message : "invalid"})`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      deps.fail("invalid_input", "CardDAV refused the request: the server address must start with https:// (or http:// on this computer)");
    }
    channel?.onmessage({ done: 0, total: 0, phase: "Finding address books" });
    await deps.sleep(700);
    if (url.hostname.includes("offline")) {
      deps.fail("network", `The CardDAV server could not be reached: error sending request for url (${url.href}): dns error. Earshot will try again.`);
    }
    if (password === "wrong" || username.includes("deny")) {
      deps.fail("network", "CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.");
    }
    if (url.hostname.includes("empty")) {
      deps.fail("invalid_input", `${raw} has no address book that ${username} can read. Check the address, or create an address book first.`);
    }
    const crm: MockCrm = {
      view: {
        id: String(nextCrmId++),
        kind: "carddav",
        name: "CardDAV (Team)",
        url: raw,
        username,
        contacts: 0,
        last_synced_at: null,
        last_error: null,
      },
      members: new Set(),
      limitedUntil: null,
      refused: password === "expires",
    };
    crms.push(crm);
    const total = TEAM_CARDS.length + 1;
    for (let done = 1; done <= total; done++) {
      channel?.onmessage({ done, total, phase: "Reading Team" });
      await deps.sleep(400);
    }
    const report = emptyReport();
    keepRecords(crm, TEAM_CARDS, report);
    report.skipped.push(`${new URL("team/7f3c.vcf", url.href.endsWith("/") ? url.href : `${url.href}/`).href}: no name, email or social account`);
    crm.view.last_synced_at = stamp();
    deps.changed("contacts");
    return report;
  }

  async function addHubspot(args: Record<string, unknown>): Promise<CrmSyncReport> {
    const channel = args.onProgress as Channel<Progress> | undefined;
    const token = String(args.token ?? "").trim();
    await deps.sleep(600);
    if (token.includes("offline")) {
      deps.fail("network", "The HubSpot server could not be reached: error sending request for url (https://api.hubapi.com/crm/v3/objects/contacts/search): connection refused. Earshot will try again.");
    }
    if (!token.startsWith("pat-")) {
      deps.fail(
        "network",
        "HubSpot refused this account's sign-in (Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview). Reconnect the account.",
      );
    }
    const crm: MockCrm = {
      view: {
        id: String(nextCrmId++),
        kind: "hubspot",
        name: "HubSpot",
        url: "https://api.hubapi.com",
        username: null,
        contacts: 0,
        last_synced_at: null,
        last_error: null,
      },
      members: new Set(),
      limitedUntil: null,
    };
    crms.push(crm);
    const total = HUBSPOT_CONTACTS.length + 1;
    for (let done = 2; done <= total; done += 2) {
      channel?.onmessage({ done: Math.min(done, total), total, phase: "Reading HubSpot" });
      await deps.sleep(400);
    }
    channel?.onmessage({ done: total, total, phase: "Reading HubSpot" });
    const report = emptyReport();
    keepRecords(crm, HUBSPOT_CONTACTS, report);
    report.skipped.push("HubSpot contact 5122: no name, email or Twitter handle");
    crm.view.last_synced_at = stamp();
    deps.changed("contacts");
    return report;
  }

  async function syncCrm(args: Record<string, unknown>): Promise<CrmSyncReport> {
    const channel = args.onProgress as Channel<Progress> | undefined;
    const crm = crmBy(args.id);
    const phase = crm.view.kind === "hubspot" ? "Reading HubSpot" : `Reading ${crm.view.name.replace(/^CardDAV \((.*)\)$/, "$1")}`;
    channel?.onmessage({ done: 0, total: 0, phase: crm.view.kind === "hubspot" ? "Asking HubSpot" : "Finding address books" });
    await deps.sleep(600);
    if (crm.limitedUntil !== null && crm.limitedUntil > Date.now()) {
      crm.view.last_error = `HubSpot asks Earshot to slow down until ${rustUtc(crm.limitedUntil)}.`;
      deps.fail("network", crm.view.last_error);
    }
    if (crm.refused) {
      crm.view.last_error = "CardDAV refused this account's sign-in (401 Unauthorized). Reconnect the account.";
      deps.fail("network", crm.view.last_error);
    }
    if (deps.failing === "crmsync") {
      const host = crm.view.url.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
      crm.view.last_error = `The ${crm.view.kind === "hubspot" ? "HubSpot" : "CardDAV"} server could not be reached: error sending request for url (https://${host}/): operation timed out. Earshot will try again.`;
      deps.fail("network", crm.view.last_error);
    }
    const total = Math.max(1, crm.members.size);
    for (let done = 0; done < total; done += 2) {
      channel?.onmessage({ done, total, phase });
      await deps.sleep(250);
    }
    channel?.onmessage({ done: total, total, phase });
    crm.limitedUntil = null;
    crm.view.last_error = null;
    crm.view.last_synced_at = stamp();
    // The first sync from here finds one record changed upstream (it gained a tag); later ones find none.
    const report = emptyReport();
    const first = [...crm.members].map((id) => contacts.get(id)).find((c) => c !== undefined);
    if (first && !(first.fields.tags ?? []).includes("renewal due")) {
      first.fields = tidy({ ...first.fields, tags: [...(first.fields.tags ?? []), "renewal due"] });
      first.updated_at = stamp();
      report.updated = 1;
    }
    report.unchanged = crm.members.size - report.updated;
    deps.changed("contacts");
    return report;
  }

  function removeCrm(id: unknown): null {
    if (deps.failing === "remove") deps.fail("storage", "Earshot could not remove the connection. Try again.");
    const crm = crmBy(id);
    crms = crms.filter((x) => x !== crm);
    for (const member of crm.members) {
      if (crms.some((x) => x.members.has(member))) continue;
      contacts.delete(member);
      for (const [key, l] of links) if (l.contact === member) links.delete(key);
    }
    deps.changed("contacts");
    return null;
  }

  return {
    /** True for the commands this mock answers. */
    knows(cmd: string): boolean {
      return COMMANDS.includes(cmd);
    },
    handle(cmd: string, args: Record<string, unknown>): unknown {
      switch (cmd) {
        case "preview_contacts":
          return preview(args.content);
        case "import_contacts":
          return importFile(args);
        case "item_customer":
          return itemCustomer(args.id);
        case "link_customer":
          return link(args.item, args.contact);
        case "unlink_customer":
          return unlink(args.item);
        case "create_contact":
          return create(args.fields as ContactFields, args.item);
        case "update_contact":
          return update(args.id, args.fields as ContactFields);
        case "merge_contacts":
          return merge(args.keep, args.gone);
        case "get_contact":
          return view(contact(args.id));
        case "search_contacts":
          return search(args.query, args.limit);
        case "crm_sources":
          if (deps.failing === "crm") deps.fail("storage", "Earshot could not read the CRM connections. Try again.");
          return crms.map(crmView);
        case "add_carddav":
          return addCarddav(args);
        case "add_hubspot":
          return addHubspot(args);
        case "sync_crm_source":
          return syncCrm(args);
        case "remove_crm_source":
          return removeCrm(args.id);
        default:
          throw `unknown command ${cmd}`;
      }
    },
  };
}
