// Pure helpers for the Accounts dialog: what an account's state means in
// words, when it last synced, what a sync did, what needs attention, and the
// connect form turned into what the commands take. The keyword field's helpers
// are in keywords.ts.

import type { AccountView, Network, Role, SyncReport } from "../bindings";
import { agoText, formatCount, parseTime } from "./format";

export type AccountState = "healthy" | "syncing" | "rate_limited" | "token_invalid" | "unreachable";

/** How loudly a state is shown: calm, in progress, wait, or act now. */
export type Tone = "ok" | "busy" | "warn" | "bad";

/** States a person has to act on; they are never shown quietly. */
const NEEDS_ATTENTION: ReadonlySet<string> = new Set(["token_invalid", "unreachable"]);

export function needsAttention(account: Pick<AccountView, "state">): boolean {
  return NEEDS_ATTENTION.has(account.state);
}

export function attentionCount(accounts: readonly Pick<AccountView, "state">[]): number {
  return accounts.filter(needsAttention).length;
}

/** The top-bar button's accessible name: "Accounts", or "Accounts — 2 need attention". */
export function accountsButtonLabel(attention: number): string {
  if (attention <= 0) return "Accounts";
  return `Accounts — ${formatCount(attention)} ${attention === 1 ? "needs" : "need"} attention`;
}

/** "14:05", in local time; "" when the text is not a time. */
export function clockTime(iso: string | null): string {
  const t = parseTime(iso);
  if (t === null) return "";
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** The state pill: its words and its tone. The network, when given, names the secret that stopped working. */
export function stateLabel(
  account: Pick<AccountView, "state" | "rate_limited_until"> & { network?: Network },
): { text: string; tone: Tone } {
  switch (account.state) {
    case "healthy":
      return { text: "Healthy", tone: "ok" };
    case "syncing":
      return { text: "Syncing…", tone: "busy" };
    case "rate_limited": {
      const until = clockTime(account.rate_limited_until);
      return { text: until ? `Rate-limited until ${until}` : "Rate-limited", tone: "warn" };
    }
    case "token_invalid":
      if (account.network === "bluesky") return { text: "App password refused — reconnect", tone: "bad" };
      return { text: "Token expired or revoked — reconnect", tone: "bad" };
    case "unreachable":
      return { text: "Server unreachable", tone: "bad" };
    default:
      // A state this version of the UI does not know: say so rather than hide it.
      return { text: `Unknown state (${account.state})`, tone: "warn" };
  }
}

/**
 * "Live since 14:05" while the account's mentions arrive the moment they are posted (Mastodon's streaming
 * API), with what it means for a person; null when they are fetched every few minutes instead.
 */
export function liveText(account: Pick<AccountView, "state" | "live_since">): { text: string; title: string } | null {
  if (account.live_since === null || account.state !== "healthy") return null;
  const since = clockTime(account.live_since);
  return {
    text: since ? `Live since ${since}` : "Live",
    title: "New mentions arrive the moment they are posted",
  };
}

/** "Last sync 5 min ago", "Last sync just now", "Last sync on Mar 4", "Never synced". */
export function lastSyncText(iso: string | null, now: number): string {
  return agoText("Last sync", iso, now) ?? "Never synced";
}

/** What a sync did, in words: "3 new, 0 seen before", or the reason it stopped. */
export function syncSummary(report: SyncReport): { text: string; ok: boolean } {
  let text = `${formatCount(report.imported)} new, ${formatCount(report.merged)} seen before`;
  if (report.skipped > 0) text += `, ${formatCount(report.skipped)} could not be read`;
  if (report.problem) return { text: `${report.problem} (${text}.)`, ok: false };
  return { text, ok: true };
}


// ---------------------------------------------------------------------------
// Connecting, editing and disconnecting accounts.

/** The networks an account can be connected on from the dialog. */
export type ConnectNetwork = Extract<Network, "bluesky" | "mastodon" | "x">;

/** In the order the dialog offers them. */
export const CONNECT_NETWORKS: readonly ConnectNetwork[] = ["bluesky", "mastodon", "x"];

/** The networks connected by approving Earshot in the browser first, with a token as the second way. */
export type BrowserNetwork = Extract<ConnectNetwork, "mastodon" | "x">;

export function signsInWithBrowser(network: ConnectNetwork): network is BrowserNetwork {
  return network === "mastodon" || network === "x";
}

/**
 * Where X sends the browser back after the person approves: the brand's X app must list it as a callback address.
 * Rust listens there (engine::x::DEFAULT_REDIRECT_PORT).
 */
export const X_CALLBACK_ADDRESS = "http://127.0.0.1:53682/callback";

/** Where a Bluesky account signs in when the Server field is left blank. */
export const BLUESKY_DEFAULT_SERVICE = "https://bsky.social";

/**
 * The connect form as typed. `server` is the field shown for the chosen network: required for Mastodon, optional
 * for Bluesky (its PDS). `secret` is the access token, app password or X's token JSON, read from its field on
 * submit only.
 */
export interface ConnectForm {
  network: ConnectNetwork;
  server: string;
  /** Bluesky only; Mastodon and X learn the account from the token. */
  handle: string;
  /** X only: the OAuth 2.0 client ID of the brand's own X app. */
  clientId: string;
  secret: string;
  role: Role;
}

/** The field a problem is about, so the form can mark it and move focus to it. */
export type ConnectField = "server" | "handle" | "clientId" | "secret";

export interface ConnectProblem {
  field: ConnectField;
  message: string;
}

/** Exactly the arguments of the network's connect command. */
export type ConnectRequest =
  | { network: "bluesky"; service: string; handle: string; appPassword: string; role: Role }
  | { network: "mastodon"; server: string; token: string; role: Role }
  | { network: "x"; clientId: string; token: string; role: Role };

/** "@brand.bsky.social " → "brand.bsky.social". */
export function cleanHandle(raw: string): string {
  return raw.trim().replace(/^@+/, "");
}

function handleProblem(handle: string): string | null {
  if (handle === "") return "Enter the account's handle, such as brand.bsky.social.";
  if (/\s/.test(handle)) return "A handle has no spaces. Enter it like brand.bsky.social.";
  // A handle is a domain name; a DID also signs in. "brand" alone is almost always brand.bsky.social.
  if (!handle.includes(".") && !handle.startsWith("did:")) {
    return `Enter the full handle, such as ${handle}.bsky.social.`;
  }
  return null;
}

/** Checks the connect form and builds the command's arguments: the first problem, in field order, or the request. */
export function connectRequest(
  form: ConnectForm,
): { ok: true; request: ConnectRequest } | { ok: false; problem: ConnectProblem } {
  const server = form.server.trim();
  const secret = form.secret.trim();
  if (form.network === "x") {
    const clientId = form.clientId.trim();
    const bad = clientIdProblem(clientId);
    if (bad) return problem("clientId", bad);
    const badToken = xTokenProblem(secret);
    if (badToken) return problem("secret", badToken);
    return { ok: true, request: { network: "x", clientId, token: secret, role: form.role } };
  }
  if (form.network === "mastodon") {
    const bad = mastodonServerProblem(server);
    if (bad) return problem("server", bad);
    if (secret === "") return problem("secret", "Paste an access token from your Mastodon server.");
    return { ok: true, request: { network: "mastodon", server, token: secret, role: form.role } };
  }
  const handle = cleanHandle(form.handle);
  const bad = handleProblem(handle);
  if (bad) return problem("handle", bad);
  if (secret === "") return problem("secret", "Paste an app password from Bluesky.");
  if (/\s/.test(server)) {
    return problem("server", "A server address has no spaces. Leave it blank for bsky.social.");
  }
  return { ok: true, request: { network: "bluesky", service: server, handle, appPassword: secret, role: form.role } };
}

/** What is wrong with a Mastodon server address as typed (already trimmed), before anything is sent; null if nothing. */
function mastodonServerProblem(server: string): string | null {
  if (server === "") return "Enter your Mastodon server's address, such as https://mastodon.social.";
  if (/\s/.test(server)) return "A server address has no spaces. Enter it like mastodon.social.";
  // "@brand@mastodon.social" is the account, not its server: name the server it is on.
  const handle = /^@?[^@\s/]+@([^@\s/]+)$/.exec(server);
  if (handle) return `Enter only the server, ${handle[1]}, not the account's handle.`;
  return null;
}

/** What is wrong with an X app's client ID as typed (already trimmed); null if nothing. */
function clientIdProblem(clientId: string): string | null {
  if (clientId === "") {
    return "Enter your X app's OAuth 2.0 client ID. Find it in the X Developer Console: your app → Keys and tokens.";
  }
  if (/^https?:\/\//i.test(clientId)) {
    return "That is a web address. Enter the OAuth 2.0 client ID from Keys and tokens in the X Developer Console.";
  }
  if (/\s/.test(clientId)) {
    return "A client ID has no spaces. Copy it again from Keys and tokens in the X Developer Console.";
  }
  return null;
}

/** What is wrong with an X token as pasted (already trimmed): a bare access token, or X's JSON answer. */
function xTokenProblem(token: string): string | null {
  if (token === "") return "Paste an access token, or the JSON answer of X's token endpoint.";
  if (token.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(token);
    } catch {
      return "The token JSON could not be read. Paste X's whole answer, from { to }.";
    }
    const access = (parsed as Record<string, unknown> | null)?.access_token;
    if (typeof access !== "string" || access.trim() === "") {
      return "The token JSON has no access_token. Paste the whole answer of X's token endpoint.";
    }
    return null;
  }
  if (/\s/.test(token)) return "An access token has no spaces. Copy it again, or paste X's whole JSON answer.";
  return null;
}

/** The browser sign-in as typed: the Mastodon server, or the X app's client ID, and the role. */
export interface SignInForm {
  network: BrowserNetwork;
  server: string;
  clientId: string;
  role: Role;
}

/** Exactly the arguments of the network's browser sign-in command. */
export type SignInRequest =
  | { network: "mastodon"; server: string; role: Role }
  | { network: "x"; clientId: string; role: Role };

/**
 * Checks the form before a browser sign-in starts (nothing secret is typed for it): the request, trimmed, or the
 * problem to show at its field.
 */
export function signInRequest(
  form: SignInForm,
): { ok: true; request: SignInRequest } | { ok: false; problem: ConnectProblem } {
  if (form.network === "x") {
    const clientId = form.clientId.trim();
    const bad = clientIdProblem(clientId);
    if (bad) return problem("clientId", bad);
    return { ok: true, request: { network: "x", clientId, role: form.role } };
  }
  const server = form.server.trim();
  const bad = mastodonServerProblem(server);
  if (bad) return problem("server", bad);
  return { ok: true, request: { network: "mastodon", server, role: form.role } };
}

/** "https://mastodon.social/" → "mastodon.social": a server as sentences name it. */
export function serverLabel(server: string): string {
  return server.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
}

/** What the form says while Earshot waits for the person to approve it in the browser. */
export function signInWaitingText(request: SignInRequest): string {
  if (request.network === "x") return "Authorize your X app in the browser window that opened on x.com. Waiting…";
  return `Approve Earshot in the browser window that opened for ${serverLabel(request.server)}. Waiting…`;
}

/** What to do in the browser, under the waiting message. */
export function signInWaitingHelp(network: BrowserNetwork): string {
  const what =
    network === "x"
      ? "Sign in to X there as the handle to connect and choose Authorize app."
      : "Sign in there as the account to connect and choose Authorize.";
  return `${what} Earshot stops waiting after 5 minutes.`;
}

/** The line under the form's title while it is filled in to reconnect an account. */
export function reconnectHelp(network: ConnectNetwork, handle: string): string {
  if (network === "mastodon") {
    return `Sign in with your browser as ${handle} to connect it again, or use a new access token.`;
  }
  if (network === "x") {
    return `Sign in with X as ${handle} to connect it again, or use a new token.`;
  }
  return `Paste a new ${secretName(network)} for ${handle}.`;
}

function problem(field: ConnectField, message: string): { ok: false; problem: ConnectProblem } {
  return { ok: false, problem: { field, message } };
}

/** "https://bsky.social/" → "https://bsky.social": addresses as a person would type them. */
function displayUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

function isDefaultBlueskyService(url: string): boolean {
  return displayUrl(url).toLowerCase() === BLUESKY_DEFAULT_SERVICE;
}

/** What the connect form is filled with to reconnect an account. Never a secret. */
export interface ConnectPrefill {
  network: ConnectNetwork;
  server: string;
  handle: string;
  role: Role;
}

/**
 * The connect form for reconnecting `account`: its network, server and handle (Bluesky's server is left blank
 * when it is bsky.social). Null for a network the dialog cannot connect.
 */
export function reconnectPrefill(
  account: Pick<AccountView, "network" | "account" | "service_url" | "role">,
): ConnectPrefill | null {
  switch (account.network) {
    case "bluesky":
      return {
        network: "bluesky",
        server: isDefaultBlueskyService(account.service_url) ? "" : displayUrl(account.service_url),
        handle: cleanHandle(account.account),
        role: account.role,
      };
    case "mastodon":
      return { network: "mastodon", server: displayUrl(account.service_url), handle: "", role: account.role };
    case "x":
      // The X app's client ID is not part of the account as the UI sees it: the form keeps whatever it has.
      return { network: "x", server: "", handle: "", role: account.role };
    default:
      return null;
  }
}

/** An account whose secret stopped working, on a network the dialog can connect again. */
export function canReconnect(account: Pick<AccountView, "network" | "state">): boolean {
  return account.state === "token_invalid" && (CONNECT_NETWORKS as readonly string[]).includes(account.network);
}

/** What a network calls the secret it signs in with, for sentences. */
export function secretName(network: Network): string {
  return network === "bluesky" ? "app password" : "access token";
}

/**
 * The list with the changes the engine has confirmed laid over it, until a fresh list arrives: a changed account
 * replaces its row, null removes it, and an account the list does not have yet (just connected) is added at the end.
 */
export function applyEdits(
  list: readonly AccountView[],
  edits: ReadonlyMap<string, AccountView | null>,
): AccountView[] {
  const out: AccountView[] = [];
  for (const account of list) {
    const edit = edits.get(account.id);
    if (edit === undefined) out.push(account);
    else if (edit !== null) out.push(edit);
  }
  const listed = new Set(list.map((a) => a.id));
  for (const [id, edit] of edits) {
    if (edit !== null && !listed.has(id)) out.push(edit);
  }
  return out;
}
