// Live CRM connections (CardDAV address books, HubSpot) in words, for the Connected CRMs dialog: each connection's
// kind, health and age of its copy, why its last sync failed and what to do about it, what a sync did, and the
// connect forms checked and turned into what the commands take. Nothing here talks to Rust. Names, addresses,
// errors and skipped cards come from servers: the dialog renders all of them as text.

import type { CrmSourceView, CrmSyncReport } from "../bindings";
import { clockTime, type Tone } from "./accounts";
import { agoText, formatCount, formatDateTime, parseTime, plural, relativeAgeLong } from "./format";

/** The kinds of connection Earshot makes; a kind this build does not know (a newer Rust) is shown by its name. */
export type CrmKind = "carddav" | "hubspot";

const KIND_LABELS: Record<CrmKind, string> = { carddav: "CardDAV", hubspot: "HubSpot" };

export function crmKindLabel(kind: string): string {
  return KIND_LABELS[kind as CrmKind] ?? kind;
}

/** What the keyring holds for a connection: "password", "access token". */
export function crmSecretName(kind: string): string {
  if (kind === "carddav") return "password";
  if (kind === "hubspot") return "access token";
  return "secret";
}

/** A connection a person should look at: its last sync failed. */
export function crmNeedsAttention(source: Pick<CrmSourceView, "last_error">): boolean {
  return source.last_error !== null && source.last_error.trim() !== "";
}

/** The Contacts dialog's button: "Connected CRMs…", or with how many need attention. */
export function crmButtonText(sources: readonly Pick<CrmSourceView, "last_error">[] | null): {
  text: string;
  label: string;
  attention: number;
} {
  const attention = (sources ?? []).filter(crmNeedsAttention).length;
  if (attention === 0) return { text: "Connected CRMs…", label: "Connected CRMs", attention };
  const needs = `${formatCount(attention)} ${attention === 1 ? "needs" : "need"} attention`;
  return { text: `Connected CRMs… (${needs})`, label: `Connected CRMs — ${needs}`, attention };
}

/** The state pill: calm when the last sync worked, loud when it failed, a wait before the first one. */
export function crmStateLabel(source: Pick<CrmSourceView, "last_error" | "last_synced_at">): { text: string; tone: Tone } {
  if (crmNeedsAttention(source)) return { text: "Copy may be out of date", tone: "bad" };
  if (source.last_synced_at === null) return { text: "Not synced yet", tone: "warn" };
  return { text: "Healthy", tone: "ok" };
}

/** "Synced 5 min ago", "Synced just now", "Synced on Mar 4", "Never synced". */
export function syncedText(iso: string | null, now: number): string {
  return agoText("Synced", iso, now) ?? "Never synced";
}

/** "No contacts", "1 contact", "1,204 contacts". */
export function contactsText(count: number): string {
  return count === 0 ? "No contacts" : plural(count, "contact");
}

// ---- why a sync failed ---------------------------------------------------------------------------------------

/** Rust writes a time in an error as chrono does: "2026-11-29 00:41:34 UTC", sometimes with a fraction. */
const UTC_TIME = /\b(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)? UTC\b/g;

/**
 * An error with its UTC times in local time: "… slow down until 2026-11-29 00:41:34 UTC." → "… slow down until
 * 01:41." (a time within a day) or "until Nov 30, 2026, 1:41 AM" (later). Anything else stays as it is.
 */
export function localTimes(text: string, now: number): string {
  return text.replace(UTC_TIME, (whole, date: string, time: string) => {
    const iso = `${date}T${time}Z`;
    const t = parseTime(iso);
    if (t === null) return whole;
    return Math.abs(t - now) < 24 * 3_600_000 ? clockTime(iso) : formatDateTime(iso);
  });
}

/** The server refused the password or token, or the keyring lost it: only a person can fix it. */
export function isSignInError(error: string | null): boolean {
  if (!error) return false;
  return /refused this account's sign-in|not in the keyring any more|\b401\b|unauthori[sz]ed/i.test(error);
}

/** A server that asked Earshot to slow down: it passes by itself. */
export function isRateLimit(error: string | null): boolean {
  return error !== null && /asks Earshot to slow down|rate.?limit|\b429\b/i.test(error);
}

/**
 * Why the last sync failed, as the row shows it: Rust's words with local times, and what to do when Rust's own
 * advice does not fit here. Rust says "Reconnect the account.", and a connection is reconnected by connecting it
 * again, so the second line says how.
 */
export function crmErrorText(source: Pick<CrmSourceView, "kind" | "last_error">, now: number): { text: string; advice: string | null } | null {
  if (!crmNeedsAttention(source) || source.last_error === null) return null;
  const text = localTimes(source.last_error.trim(), now);
  let advice: string | null = null;
  if (isSignInError(text)) {
    advice = `Reconnect connects it again with a new ${crmSecretName(source.kind)}; then remove this connection. Contacts the new connection also holds stay.`;
  } else if (isRateLimit(text) && !/try again/i.test(text)) {
    advice = "Earshot tries again by itself after that.";
  }
  return { text, advice };
}

/**
 * Which contacts the dialog shows, when the last sync failed: "The 12 contacts shown are the copy from Nov 28, 2026,
 * 9:12 AM (3 hours ago)." Null when the copy is current.
 */
export function staleCopyText(source: Pick<CrmSourceView, "contacts" | "last_synced_at" | "last_error">, now: number): string | null {
  if (!crmNeedsAttention(source)) return null;
  const synced = source.last_synced_at;
  if (synced === null || parseTime(synced) === null) {
    return source.contacts === 0
      ? "No contacts have been read from it yet."
      : `The ${contactsText(source.contacts)} Earshot shows from it were read before its syncs began to fail.`;
  }
  const when = `${formatDateTime(synced)} (${relativeAgeLong(synced, now)})`;
  if (source.contacts === 0) return `Its last good copy, from ${when}, held no contacts.`;
  const those =
    source.contacts === 1 ? "The 1 contact Earshot shows from it is" : `The ${formatCount(source.contacts)} contacts Earshot shows from it are`;
  return `${those} the copy from ${when}.`;
}

// ---- what a sync did -----------------------------------------------------------------------------------------

/** Skipped cards the sentence names; the rest are counted. */
const SKIPPED_NAMED = 3;

/**
 * What connecting or a sync did, in one sentence: "Read 1 address book: 3 new, 0 updated, 0 removed; 1 card
 * skipped: https://dav.example.com/c/9.vcf: not a vCard." HubSpot reads one account of contacts, not address books.
 */
export function crmReportText(report: CrmSyncReport, kind: string): string {
  const read = kind === "hubspot" ? "Read HubSpot" : `Read ${plural(report.books, "address book")}`;
  let counts = `${formatCount(report.created)} new, ${formatCount(report.updated)} updated, ${formatCount(report.removed)} removed`;
  if (report.unchanged > 0) counts += `, ${formatCount(report.unchanged)} unchanged`;
  let text = `${read}: ${counts}`;
  const skipped = report.skipped.filter((s) => s.trim() !== "");
  if (skipped.length > 0) {
    const what = plural(skipped.length, kind === "hubspot" ? "contact" : "card");
    const named = skipped.slice(0, SKIPPED_NAMED).map((s) => s.trim().replace(/[.\s]+$/, ""));
    const more = skipped.length > SKIPPED_NAMED ? `; and ${formatCount(skipped.length - SKIPPED_NAMED)} more` : "";
    text += `; ${what} skipped: ${named.join("; ")}${more}`;
  }
  return `${text}.`;
}

/** Said when a connection was made: "Connected CardDAV. Read 1 address book: …". */
export function connectedText(report: CrmSyncReport, kind: string, reconnected: boolean): string {
  const done = reconnected ? `Connected ${crmKindLabel(kind)} again.` : `Connected ${crmKindLabel(kind)}.`;
  return `${done} ${crmReportText(report, kind)}${reconnected ? " Now remove the old connection, the one whose sync failed." : ""}`;
}

// ---- removing ------------------------------------------------------------------------------------------------

/**
 * What Remove does, said before the person confirms. Rust deletes the contacts that came only from this connection;
 * it does not say how many of its contacts another connection also holds, so the count is of all of them.
 */
export function removeHelpText(source: Pick<CrmSourceView, "kind" | "contacts">): string {
  const secret = crmSecretName(source.kind);
  if (source.contacts === 0) return `Removes the connection and its ${secret} from the keyring. No contacts came from it.`;
  const only =
    source.contacts === 1
      ? "its 1 contact, if it came only from it"
      : `those of its ${formatCount(source.contacts)} contacts that came only from it`;
  return `Removes the connection, its ${secret} from the keyring, and ${only}. A contact another connection also holds stays, and so do your contacts from files.`;
}

/** Said after a remove, where the row was. */
export function removedText(source: Pick<CrmSourceView, "name" | "contacts">): string {
  return source.contacts === 0
    ? `Removed ${source.name}.`
    : `Removed ${source.name} and the contacts that came only from it.`;
}

// ---- connecting ----------------------------------------------------------------------------------------------

export const CARDDAV_PLACEHOLDER = "https://dav.example.com/";

export const HUBSPOT_HINT =
  "HubSpot → Settings → Integrations → Private apps; scopes crm.objects.contacts.read and crm.objects.owners.read";

export type CarddavField = "url" | "username" | "password";

export interface CarddavForm {
  url: string;
  username: string;
  password: string;
}

/** Exactly the arguments of `add_carddav`. */
export interface CarddavRequest {
  url: string;
  username: string;
  password: string;
}

export type CrmProblem<F extends string> = { field: F; message: string };

/**
 * A CardDAV server's address as typed: http or https (`https://` added when there is no scheme), with a host. The
 * address to send, or what is wrong.
 */
export function davAddress(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (text === "") return { ok: false, message: `Enter the CardDAV server's address, such as ${CARDDAV_PLACEHOLDER}.` };
  if (/\s/.test(text)) return { ok: false, message: "A web address has no spaces. Copy the server's address again." };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  const named = scheme ? (scheme[1] ?? "").toLowerCase() : null;
  if (named !== null && named !== "http" && named !== "https") {
    return { ok: false, message: `The server address must start with https:// (or http:// on this computer), not ${named}://.` };
  }
  const url = named === null ? `https://${text}` : text;
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    host = "";
  }
  if (host === "") return { ok: false, message: `That is not a server address. Use one such as ${CARDDAV_PLACEHOLDER}.` };
  return { ok: true, url };
}

/** Checks the CardDAV form, in field order: the request, or the first problem. The password is never trimmed. */
export function carddavRequest(
  form: CarddavForm,
): { ok: true; request: CarddavRequest } | { ok: false; problem: CrmProblem<CarddavField> } {
  const address = davAddress(form.url);
  if (!address.ok) return { ok: false, problem: { field: "url", message: address.message } };
  const username = form.username.trim();
  if (username === "") {
    return { ok: false, problem: { field: "username", message: "Enter the user name you sign in to the CardDAV server with." } };
  }
  if (form.password === "") {
    return { ok: false, problem: { field: "password", message: "Enter the password (or an app password) for this user." } };
  }
  return { ok: true, request: { url: address.url, username, password: form.password } };
}

/** Checks HubSpot's access token: the token, or what is wrong. */
export function hubspotToken(raw: string): { ok: true; token: string } | { ok: false; message: string } {
  const token = raw.trim();
  if (token === "") return { ok: false, message: "Paste the private app's access token. HubSpot shows it on the app's Auth tab." };
  if (/\s/.test(token)) return { ok: false, message: "An access token has no spaces. Copy it again from the private app's Auth tab." };
  return { ok: true, token };
}

/**
 * Why connecting failed, for the connect form: Rust's words, with its advice for a connection that already runs
 * ("Reconnect the account.", "Earshot will try again.") turned into what to do in the form.
 */
export function connectErrorText(message: string, kind: string): string {
  const check =
    kind === "hubspot"
      ? "Check the token, and that the private app has both scopes, then connect again."
      : "Check the user name and password, then connect again.";
  return message
    .replace(/\s*Reconnect the account\.?$/, ` ${check}`)
    .replace(/\s*Earshot will try again\.?$/, " Check the address and your connection, then connect again.")
    .trim();
}

/** The field a failed connect is most likely about: the password or token when the server refused the sign-in. */
export function connectProblemField(message: string): "url" | "secret" {
  return isSignInError(message) ? "secret" : "url";
}
