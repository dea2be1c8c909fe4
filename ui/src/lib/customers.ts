// Customers and contacts in words: the customer panel's lines, the contact form (its drafts, checks and accounts
// written the way Rust keys them), and the import screen (field labels, the column mapping, the report). Every value
// here can come from a contact file or a post, which anyone can write: the screens render all of it as text.

import type {
  Columns,
  ContactFields,
  ContactFilePreview,
  ContactImportReport,
  ExternalId,
  Field,
  Identity,
  Mapping,
  Network,
  Preset,
  RecordOrigin,
  SkippedRow,
} from "../bindings";
import { localTimes } from "./crm";
import { agoText, formatCount, NETWORK_LABELS, plural } from "./format";

// ---- import: fields, presets, the file -------------------------------------------------------------------------

/** What each field a column can feed is called on the mapping screen. */
export const FIELD_LABELS: Record<Field, string> = {
  name: "Name",
  first_name: "First name",
  last_name: "Last name",
  email: "Email",
  phone: "Phone",
  company: "Company",
  tier: "Tier or plan",
  lifecycle: "Lifecycle stage",
  lifetime_value: "Lifetime value",
  owner: "Account owner",
  tags: "Tags",
  notes: "Notes",
  x: "X handle",
  bluesky: "Bluesky handle",
  mastodon: "Mastodon address",
  profile_url: "Profile address",
  hubspot_id: "HubSpot ID",
  salesforce_id: "Salesforce ID",
};

/** A field's label; a field this build does not know (a newer Rust) is shown by its own name. */
export function fieldLabel(field: Field): string {
  return FIELD_LABELS[field] ?? String(field);
}

export const PRESET_LABELS: Record<Preset, string> = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
};

/** "Looks like a HubSpot export", or null when the columns match no preset. */
export function presetSentence(preset: Preset | null): string | null {
  return preset ? `Looks like a ${PRESET_LABELS[preset] ?? preset} export` : null;
}

/** What the file input takes: CSV exports and vCard files, by extension and by type. */
export const CONTACT_FILE_ACCEPT = ".csv,.vcf,text/csv,text/vcard";

/**
 * The base64 of a `data:` URL, as FileReader's readAsDataURL gives it ("data:text/csv;base64,QUJD" → "QUJD"); text
 * that is not a data URL is returned trimmed, as it is.
 */
export function stripDataUrl(dataUrl: string): string {
  const text = dataUrl.trim();
  if (!text.startsWith("data:")) return text;
  const comma = text.indexOf(",");
  return comma === -1 ? "" : text.slice(comma + 1);
}

// ---- import: the column mapping ------------------------------------------------------------------------------

/** The mapping screen's choice for each column, in header order: the field it feeds, or null ("Don't import"). */
export type Choices = readonly (Field | null)[];

function sameColumn(a: string, b: string): boolean {
  // Rust matches columns without regard to case.
  return a.toLowerCase() === b.toLowerCase();
}

/** The choices a preview starts with: each header's field in the preset's (or the guessed) mapping. */
export function choicesOf(preview: Pick<ContactFilePreview, "headers" | "mapping">): Choices {
  return preview.headers.map((h) => preview.mapping.columns.find((m) => sameColumn(m.column, h))?.field ?? null);
}

/** `choices` with column `index` set to `field`. */
export function withChoice(choices: Choices, index: number, field: Field | null): Choices {
  return choices.map((c, i) => (i === index ? field : c));
}

/** The mapping the choices make: each column that is imported, and the field it feeds. */
export function mappingOf(headers: readonly string[], choices: Choices): Mapping {
  const columns: Mapping["columns"] = [];
  headers.forEach((column, i) => {
    const field = choices[i] ?? null;
    if (field === null) return;
    if (columns.some((m) => sameColumn(m.column, column) && m.field === field)) return;
    columns.push({ column, field });
  });
  return { columns };
}

export function sameChoices(a: Choices, b: Choices): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Fields that say who a contact is: a row with none of them is skipped. */
const IDENTIFYING: readonly Field[] = ["name", "first_name", "last_name", "email", "x", "bluesky", "mastodon", "profile_url"];

export type ColumnsResult = { ok: true; columns: Columns | null } | { ok: false; message: string };

/**
 * What import_contacts takes as `columns` for the choices: the preset itself when the person kept its mapping as it
 * came, the mapping Rust guessed when they kept that, and otherwise the mapping they made. A vCard takes none.
 */
export function columnsFor(preview: ContactFilePreview, choices: Choices): ColumnsResult {
  if (preview.kind === "vcard") return { ok: true, columns: null };
  if (sameChoices(choices, choicesOf(preview))) {
    if (preview.preset) return { ok: true, columns: { kind: "preset", value: preview.preset } };
    if (preview.mapping.columns.length > 0) return { ok: true, columns: { kind: "mapping", value: preview.mapping } };
  }
  const mapping = mappingOf(preview.headers, choices);
  if (mapping.columns.length === 0) {
    return { ok: false, message: "Choose what at least one column holds: as it is, nothing would be imported." };
  }
  if (!mapping.columns.some((m) => IDENTIFYING.includes(m.field))) {
    return {
      ok: false,
      message:
        "Choose a column for a name, an email or a social account. Earshot needs one of them to know who each contact is.",
    };
  }
  return { ok: true, columns: { kind: "mapping", value: mapping } };
}

/** A column's sample values, from the preview's first rows (blank cells left out). */
export function sampleOf(preview: Pick<ContactFilePreview, "sample">, index: number, max = 3): string[] {
  return preview.sample
    .map((row) => (row[index] ?? "").trim())
    .filter((v) => v !== "")
    .slice(0, max);
}

// ---- import: the report --------------------------------------------------------------------------------------

/** "12 new, 1 updated, 0 unchanged, 2 skipped" */
export function reportCounts(report: ContactImportReport): string {
  return [
    `${formatCount(report.created)} new`,
    `${formatCount(report.updated)} updated`,
    `${formatCount(report.unchanged)} unchanged`,
    `${formatCount(report.skipped.length)} skipped`,
  ].join(", ");
}

/** The report's first line: what a check found, or what an import did. */
export function reportHeading(report: ContactImportReport): string {
  return report.dry_run ? "Checked: nothing is saved yet" : "Imported";
}

/** The report's last line: how many contacts there are (or would be). */
export function reportTotal(report: ContactImportReport): string {
  const n = plural(report.contacts, "contact");
  return report.dry_run ? `After the import you would have ${n}.` : `You now have ${n}.`;
}

/** "Line 14: no name, email or social account" */
export function skippedText(row: SkippedRow): string {
  return `Line ${formatCount(row.line)}: ${row.reason}`;
}

/** "Columns not imported: Fax, Phone 2", or null when every column is. */
export function unmappedText(columns: readonly string[]): string | null {
  if (columns.length === 0) return null;
  return `${columns.length === 1 ? "Column" : "Columns"} not imported: ${columns.join(", ")}`;
}

/** For the screen reader's status line after Check or Import. */
export function reportAnnouncement(report: ContactImportReport): string {
  return `${report.dry_run ? "Check done" : "Import done"}: ${reportCounts(report)}.`;
}

/** What a key asks of the customer panel: `l` (link), `u` (not this customer) or `c` (create a contact). */
export type CustomerKey = "link" | "not" | "create";

// ---- the customer panel ------------------------------------------------------------------------------------

const MINUTES_PER_DAY = 24 * 60;

/** A response time: "42 min", "1 h 5 min", "3 h", "1 day", "2 days 3 h", "12 days". */
export function durationText(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} min`;
  if (m < MINUTES_PER_DAY) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
  }
  const days = Math.floor(m / MINUTES_PER_DAY);
  const hours = Math.floor((m % MINUTES_PER_DAY) / 60);
  const dayText = plural(days, "day");
  return days < 7 && hours > 0 ? `${dayText} ${hours} h` : dayText;
}

/** "answered in 42 min", or null when we have not answered. */
export function answeredText(minutes: number | null): string | null {
  return minutes === null || !Number.isFinite(minutes) ? null : `answered in ${durationText(minutes)}`;
}

/** "a", "a and b", "a, b and c" */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The quiet note under a linked customer that other contacts match too: "Also matches contact 12 — merge them in Contacts". */
export function alsoNote(also: readonly string[]): string | null {
  if (also.length === 0) return null;
  const ids = also.map((id) => id.replace(/^#/, ""));
  return `Also matches ${ids.length === 1 ? "contact" : "contacts"} ${listText(ids)} — merge them in Contacts`;
}

const moneyFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A lifetime value as the panel shows it: "12,400", "99.5". */
export function moneyText(value: number): string {
  return moneyFormat.format(value);
}

/** A lifecycle stage in a sentence's case: "customer" → "Customer", "marketingqualifiedlead" stays one word. */
export function lifecycleText(stage: string): string {
  const s = stage.trim();
  return s === "" ? s : s[0]!.toUpperCase() + s.slice(1);
}

/**
 * Where a contact's record comes from, for a contact synced from a live CRM: "From CardDAV (Customers), synced 5 min
 * ago", and why it may be out of date. Null for a record kept only in Earshot.
 */
export function originText(origin: RecordOrigin | null | undefined, now: number): { from: string; stale: string | null } | null {
  if (!origin) return null;
  const synced = agoText("synced", origin.synced_at, now);
  return {
    from: synced ? `From ${origin.source}, ${synced}` : `From ${origin.source}, not synced yet`,
    stale: origin.stale_because ? `May be out of date: ${localTimes(origin.stale_because, now)}` : null,
  };
}

/** An account as Rust writes it: "X @jane", "Mastodon @jane@mastodon.social", "Bluesky did:plc:…", a web page's address. */
export function identityText(identity: Identity): string {
  if (identity.network === "web") return identity.key;
  if (identity.network === "bluesky" && identity.key.startsWith("did:")) return `Bluesky ${identity.key}`;
  return `${NETWORK_LABELS[identity.network] ?? identity.network} @${identity.key}`;
}

// ---- accounts, keyed as Rust keys them ---------------------------------------------------------------------

export type IdentityResult = { ok: true; identity: Identity } | { ok: false; message: string };

const X_HOSTS = ["x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"];
const X_RESERVED = [
  "home",
  "i",
  "intent",
  "search",
  "explore",
  "settings",
  "messages",
  "notifications",
  "share",
  "hashtag",
  "login",
  "signup",
];

/** A web address as a key: no scheme, no `www.`, lower-case host, no trailing slash, no query or fragment. */
function urlKey(url: URL): string {
  const host = url.hostname.replace(/^www\./, "").toLowerCase();
  return `${host}${url.pathname.replace(/\/+$/, "")}`;
}

function fromUrl(raw: string): Identity | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const host = url.hostname.replace(/^www\./, "").toLowerCase();
  const segments = url.pathname.split("/").filter((p) => p !== "").map(decodeSegment);
  const first = segments[0];
  if (X_HOSTS.includes(host) && first !== undefined && !X_RESERVED.includes(first.toLowerCase())) {
    const x = parseIdentity("x", first);
    if (x.ok) return x.identity;
  }
  if (host === "bsky.app" && first === "profile" && segments[1] !== undefined) {
    const b = parseIdentity("bluesky", segments[1]);
    if (b.ok) return b.identity;
  }
  let user: string | null = null;
  if (segments.length === 1 && first !== undefined && first.startsWith("@") && first.length > 1) user = first.slice(1);
  else if (segments.length === 2 && first === "users" && segments[1] !== undefined) user = segments[1];
  if (user !== null) {
    const m = parseIdentity("mastodon", user.includes("@") ? user : `${user}@${host}`);
    if (m.ok) return m.identity;
  }
  return { network: "web", key: urlKey(url) };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * An account as typed in the contact form, keyed the way Rust keys it (Identity::parse), so the matcher finds it:
 * `@Jane_Doe` → X `jane_doe`, `@Jane@Mastodon.Social` → Mastodon `jane@mastodon.social`, a Bluesky handle or DID,
 * or a profile address on any network (the address decides the network; one of no network we know is a web page).
 */
export function parseIdentity(network: Network, raw: string): IdentityResult {
  const text = raw.trim();
  if (text.startsWith("http://") || text.startsWith("https://")) {
    const identity = fromUrl(text);
    return identity ? { ok: true, identity } : { ok: false, message: `'${text}' is not a profile address.` };
  }
  if (network === "web") {
    return { ok: false, message: `'${text}' is not a web address. Give the whole address, starting with https://.` };
  }
  if (text.includes("://")) return { ok: false, message: `'${text}' is not a handle or an http(s) address.` };
  const bare = text.replace(/^@+/, "").trim();
  if (bare === "" || /[\s\p{Cc}]/u.test(bare) || bare.length > 320) {
    return { ok: false, message: `'${text}' is not a handle.` };
  }
  switch (network) {
    case "x": {
      const name = bare.toLowerCase();
      return name.length <= 15 && /^[a-z0-9_]+$/.test(name)
        ? { ok: true, identity: { network: "x", key: name } }
        : { ok: false, message: `'${text}' is not an X username (up to 15 letters, digits or _).` };
    }
    case "bluesky":
      if (bare.startsWith("did:")) return { ok: true, identity: { network: "bluesky", key: bare } };
      return bare.includes(".") && !bare.includes("@") && !bare.includes("/")
        ? { ok: true, identity: { network: "bluesky", key: bare.toLowerCase() } }
        : { ok: false, message: `'${text}' is not a Bluesky handle such as jane.bsky.social, or a DID.` };
    case "mastodon": {
      const at = bare.indexOf("@");
      const user = at === -1 ? "" : bare.slice(0, at);
      const server = at === -1 ? "" : bare.slice(at + 1);
      return user !== "" && server.includes(".") && !server.includes("@")
        ? { ok: true, identity: { network: "mastodon", key: `${user}@${server}`.toLowerCase() } }
        : { ok: false, message: `'${text}' is not a Mastodon address such as jane@mastodon.social.` };
    }
  }
}

/** An account as the form shows it for editing: the handle alone ("jane", "jane@mastodon.social"), or the address. */
export function handleOf(identity: Identity): string {
  return identity.network === "web" ? `https://${identity.key}` : identity.key;
}

// ---- the contact form --------------------------------------------------------------------------------------

export interface AccountDraft {
  network: Network;
  handle: string;
}

/** The contact form as typed: lists as comma-separated text, the amount as text, accounts as rows. */
export interface ContactDraft {
  name: string;
  emails: string;
  phones: string;
  company: string;
  tier: string;
  lifecycle: string;
  lifetimeValue: string;
  owner: string;
  tags: string;
  notes: string;
  accounts: AccountDraft[];
  /** IDs in other CRMs: not edited here, kept as they are. */
  externalIds: ExternalId[];
}

/** The form's fields a problem can be about; `account-2` is the third account row's handle. */
export type DraftField = "name" | "emails" | "lifetimeValue" | `account-${number}`;

export type FieldsResult = { ok: true; fields: ContactFields } | { ok: false; field: DraftField; message: string };

/** The networks an account row can be on, in the order the form offers them. */
export const ACCOUNT_NETWORKS: readonly Network[] = ["x", "bluesky", "mastodon", "web"];

export const ACCOUNT_NETWORK_LABELS: Record<Network, string> = {
  x: "X",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  web: "Web page",
};

/** A contact's fields as the form starts with them. */
export function draftOf(fields: ContactFields): ContactDraft {
  return {
    name: fields.name ?? "",
    emails: (fields.emails ?? []).join(", "),
    phones: (fields.phones ?? []).join(", "),
    company: fields.company ?? "",
    tier: fields.tier ?? "",
    lifecycle: fields.lifecycle ?? "",
    lifetimeValue:
      fields.lifetime_value === null || fields.lifetime_value === undefined ? "" : String(fields.lifetime_value),
    owner: fields.owner ?? "",
    tags: (fields.tags ?? []).join(", "),
    notes: fields.notes ?? "",
    accounts: (fields.identities ?? []).map((i) => ({ network: i.network, handle: handleOf(i) })),
    externalIds: [...(fields.external_ids ?? [])],
  };
}

/** Comma-, semicolon- or line-separated values, trimmed, blanks and repeats (ignoring case) dropped. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const v = part.trim();
    if (v !== "" && !out.some((o) => o.toLowerCase() === v.toLowerCase())) out.push(v);
  }
  return out;
}

/** As Rust's import checks an email: something, an @, and a domain with a dot inside it; no spaces or <>. */
export function isEmail(text: string): boolean {
  const at = text.lastIndexOf("@");
  if (at <= 0) return false;
  const domain = text.slice(at + 1);
  return domain.includes(".") && !domain.startsWith(".") && !domain.endsWith(".") && !/[\s<>]/.test(text);
}

/**
 * An amount as people type it: "12400", "12,400", "$12,400.50", "12 400 €". Null for a blank field, NaN for text
 * that is no amount.
 */
export function parseAmount(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const digits = t.replace(/[\s,\u00a0\u202f]/g, "").replace(/^[^\d.-]+|[^\d.]+$/g, "");
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(digits)) return Number.NaN;
  return Number(digits);
}

/** The form's draft as the fields create_contact and update_contact take, or the first problem with it. */
export function fieldsFromDraft(draft: ContactDraft): FieldsResult {
  const text = (v: string): string | null => (v.trim() === "" ? null : v.trim());
  const emails = splitList(draft.emails).map((e) => e.toLowerCase());
  const badEmail = emails.find((e) => !isEmail(e));
  if (badEmail !== undefined) {
    return { ok: false, field: "emails", message: `'${badEmail}' is not an email address.` };
  }
  const value = parseAmount(draft.lifetimeValue);
  if (value !== null && !(Number.isFinite(value) && value >= 0)) {
    return { ok: false, field: "lifetimeValue", message: "Lifetime value must be an amount, such as 12400 or 12,400.50." };
  }
  const identities: Identity[] = [];
  for (const [i, account] of draft.accounts.entries()) {
    if (account.handle.trim() === "") continue;
    const parsed = parseIdentity(account.network, account.handle);
    if (!parsed.ok) return { ok: false, field: `account-${i}`, message: parsed.message };
    if (!identities.some((x) => x.network === parsed.identity.network && x.key === parsed.identity.key)) {
      identities.push(parsed.identity);
    }
  }
  const name = text(draft.name);
  if (name === null && emails.length === 0 && identities.length === 0) {
    return { ok: false, field: "name", message: "Give the contact a name, an email or a social account." };
  }
  return {
    ok: true,
    fields: {
      name,
      emails,
      phones: splitList(draft.phones),
      company: text(draft.company),
      tier: text(draft.tier),
      lifecycle: text(draft.lifecycle),
      lifetime_value: value,
      owner: text(draft.owner),
      tags: splitList(draft.tags),
      notes: text(draft.notes),
      identities,
      external_ids: draft.externalIds,
    },
  };
}

const SINGLE_FIELDS: readonly { key: "name" | "company" | "tier" | "lifecycle" | "lifetime_value" | "owner" | "notes"; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "company", label: "Company" },
  { key: "tier", label: "Tier" },
  { key: "lifecycle", label: "Lifecycle" },
  { key: "lifetime_value", label: "Lifetime value" },
  { key: "owner", label: "Account owner" },
  { key: "notes", label: "Notes" },
];

function singleText(key: (typeof SINGLE_FIELDS)[number]["key"], value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (key === "lifetime_value" && typeof value === "number") return moneyText(value);
  return String(value);
}

function hasValue(value: string | number | null | undefined): boolean {
  return value !== null && value !== undefined && (typeof value !== "string" || value.trim() !== "");
}

/** Two single values the same, as Rust compares them after tidying: trimmed; the lifecycle stage in any case. */
function sameValue(key: (typeof SINGLE_FIELDS)[number]["key"], a: string | number | null | undefined, b: string | number | null | undefined): boolean {
  if (typeof a === "string" && typeof b === "string") {
    return key === "lifecycle" ? a.trim().toLowerCase() === b.trim().toLowerCase() : a.trim() === b.trim();
  }
  return a === b;
}

/** `gone`'s values that `keep` does not have yet (ignoring case, as Rust removes repeats). */
function added(keep: readonly string[] | undefined, gone: readonly string[] | undefined): string[] {
  const have = (keep ?? []).map((v) => v.trim().toLowerCase());
  const out: string[] = [];
  for (const raw of gone ?? []) {
    const v = raw.trim();
    if (v === "" || have.includes(v.toLowerCase()) || out.some((o) => o.toLowerCase() === v.toLowerCase())) continue;
    out.push(v);
  }
  return out;
}

function addedLine(one: string, many: string, values: readonly string[]): string | null {
  return values.length === 0 ? null : `${values.length === 1 ? one : many} added: ${values.join(", ")}`;
}

/**
 * What a merge changes in the contact kept, as Rust merges: the kept contact's own values stay wherever it has one;
 * the other contact only fills its empty fields, adds its notes, and adds its emails, phones, tags and accounts.
 * "Company is filled in: Quinn Cargo", "Emails added: a.ortiz@mail.example". Shown before the person confirms.
 */
export function mergeChanges(keep: ContactFields, gone: ContactFields): string[] {
  const out: string[] = [];
  for (const { key, label } of SINGLE_FIELDS) {
    const theirs = gone[key];
    const mine = keep[key];
    if (!hasValue(theirs)) continue;
    if (key === "notes") {
      const a = typeof mine === "string" ? mine.trim() : "";
      const b = String(theirs).trim();
      if (a === "") out.push("The other contact's notes are added");
      else if (!a.includes(b)) out.push("The other contact's notes are added to this one's");
      continue;
    }
    if (!hasValue(mine)) out.push(`${label} is filled in: ${singleText(key, theirs)}`);
  }
  const emails = added(keep.emails, gone.emails?.map((e) => e.toLowerCase()));
  const phones = added(keep.phones, gone.phones);
  const tags = added(keep.tags, gone.tags);
  const accounts = (gone.identities ?? []).filter(
    (i) => !(keep.identities ?? []).some((k) => k.network === i.network && k.key === i.key),
  );
  for (const line of [
    addedLine("Email", "Emails", emails),
    addedLine("Phone", "Phones", phones),
    addedLine("Tag", "Tags", tags),
    addedLine("Account", "Accounts", accounts.map(identityText)),
  ]) {
    if (line) out.push(line);
  }
  return out;
}

/**
 * What of the other contact a merge leaves out: its single values where the kept contact has a different one of its
 * own, which stays. "Name A. Ortiz (keeps Ana Ortiz)". Notes are never left out: they are joined.
 */
export function mergeDropped(keep: ContactFields, gone: ContactFields): string[] {
  const out: string[] = [];
  for (const { key, label } of SINGLE_FIELDS) {
    if (key === "notes") continue;
    const theirs = gone[key];
    const mine = keep[key];
    if (!hasValue(theirs) || !hasValue(mine) || sameValue(key, mine, theirs)) continue;
    out.push(`${label} ${singleText(key, theirs)} (keeps ${singleText(key, mine)})`);
  }
  return out;
}

/** A contact's one-line summary for a list: its company and first email or account, whichever it has. */
export function contactSummary(fields: ContactFields): string {
  const parts: string[] = [];
  if (fields.company) parts.push(fields.company);
  const email = fields.emails?.[0];
  if (email) parts.push(email);
  else if (fields.identities?.[0]) parts.push(identityText(fields.identities[0]));
  return parts.join(" · ");
}
