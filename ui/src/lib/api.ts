// The only module that talks to Rust. Every command's `Result` is unwrapped
// here: success returns the data, failure throws an `ApiFailure` whose
// `message` is safe to show a person. Swapping the generated bindings changes
// nothing outside this file.

import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  events,
  type AccountView,
  type ActionKind,
  type ActionRequest,
  type AgentLabel,
  type ApiError,
  type Columns,
  type ComposeCheck,
  type ContactFields,
  type ContactFileKind,
  type ContactFilePreview,
  type ContactImportReport,
  type ContactView,
  type CrmSourceView,
  type CrmSyncReport,
  type CustomerPanel,
  type ErrorCode,
  type HandleSummary,
  type ImportReport,
  type InboxChanged,
  type InboxPage,
  type InboxQuery,
  type ItemStatus,
  type ItemView,
  type OutboxView,
  type PriceEdit,
  type PriorityWeights,
  type Progress,
  type RetrainReport,
  type Role,
  type SourceView,
  type SpendView,
  type SyncReport,
  type TriageQuality,
  type WorkspaceInfo,
} from "../bindings";
// The agent's day (saved replies, profile and team, handle settings, alerts, shifts): the wrappers at the end.
import type {
  AgentView,
  AlertRule,
  AlertSettings,
  AlertsStatus,
  EndShiftRequest,
  EndShiftResult,
  HandleSettings,
  HandoverView,
  ReplyPreview,
  SaveReplyRequest,
  SavedReplyView,
  TemplateVariable,
} from "../bindings";
// The Work section's types (stages, snoozes, escalation, notes): the wrappers at the very end.
import type { EscalateRequest, Stage as WorkStage, WorkView } from "../bindings";
import type { AssignMode, AssignmentRule, ClaimQueue, PresenceActivity, PresenceView } from "../bindings";
import type { JoinedTeam, TeamCheck, TeamStatus } from "../bindings";
// Reports: the wrappers at the very end.
import type { ExportedFile, NowReport, Report, ReportQuery, ReportTable } from "../bindings";

/** What every generated command resolves to (tauri-specta's typed-error shape). */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export const GENERIC_FAILURE =
  "Something went wrong in Earshot. Try again; if it keeps happening, restart the app.";

/** A failed call, carrying a message written for the person using the app. */
export class ApiFailure extends Error {
  readonly code: ErrorCode | "unexpected";

  constructor(message: string, code: ErrorCode | "unexpected") {
    super(message);
    this.name = "ApiFailure";
    this.code = code;
  }
}

const ERROR_CODES: readonly string[] = ["not_found", "invalid_input", "storage", "network", "internal"];

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "string" &&
    ERROR_CODES.includes(v.code) &&
    typeof v.message === "string" &&
    v.message.trim().length > 0
  );
}

/** Turns whatever a command rejected with into an `ApiFailure`. */
export function toFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  if (isApiError(error)) return new ApiFailure(error.message, error.code);
  // A bare string (Tauri's own "command not found", argument decoding
  // errors), an Error, or anything else is not meant for people.
  console.error("Earshot: unexpected IPC failure", error);
  return new ApiFailure(GENERIC_FAILURE, "unexpected");
}

/** The message to show for any caught value: ApiError text, or a generic one. */
export function userMessage(error: unknown): string {
  return toFailure(error).message;
}

export function unwrap<T>(result: Result<T, ApiError>): T {
  if (result.status === "ok") return result.data;
  throw toFailure(result.error);
}

async function call<T>(run: () => Promise<Result<T, ApiError>>): Promise<T> {
  let result: Result<T, ApiError>;
  try {
    result = await run();
  } catch (e) {
    throw toFailure(e);
  }
  return unwrap(result);
}

export function workspaceInfo(): Promise<WorkspaceInfo> {
  return call(() => commands.workspaceInfo());
}

export function inboxPage(query: InboxQuery, offset: number, limit: number): Promise<InboxPage> {
  return call(() => commands.inboxPage(query, offset, limit));
}

export function getItem(id: string): Promise<ItemView> {
  return call(() => commands.getItem(id));
}

export function setStatus(id: string, status: ItemStatus): Promise<void> {
  return call(() => commands.setStatus(id, status)).then(() => undefined);
}

/**
 * An agent's label on an item: spam, not spam, or an intent. Resolves once the item has moved (Rust says
 * `inbox-changed`); the open items are then triaged again in the background, with progress on `onProgress`, and
 * `inbox-changed` comes again when that is done.
 */
export function labelItem(id: string, label: AgentLabel, onProgress: (progress: Progress) => void): Promise<void> {
  return call(() => commands.labelItem(id, label, new Channel<Progress>(onProgress))).then(() => undefined);
}

/** The workspace's priority weights (a weight Rust leaves out is its default). */
export function priorityWeights(): Promise<PriorityWeights> {
  return call(() => commands.priorityWeights());
}

/** Saves the weights (each 0 to 100) and scores every open item again; resolves when that is done. */
export function setPriorityWeights(weights: PriorityWeights, onProgress: (progress: Progress) => void): Promise<void> {
  return call(() => commands.setPriorityWeights(weights, new Channel<Progress>(onProgress))).then(() => undefined);
}

/** How triage does on the agents' own labels. */
export function triageQuality(): Promise<TriageQuality> {
  return call(() => commands.triageQuality());
}

/**
 * Retrains the spam and intent models on this workspace's mentions and its agents' labels now (the app also does
 * so every few labels), with progress. The new model is used only if it does no worse on held-back labels.
 */
export function retrainTriage(onProgress: (progress: Progress) => void): Promise<RetrainReport> {
  return call(() => commands.retrainTriage(new Channel<Progress>(onProgress)));
}

export function listHandles(): Promise<HandleSummary[]> {
  return call(() => commands.listHandles());
}

export function loadDemo(onProgress: (progress: Progress) => void): Promise<ImportReport> {
  // The channel is made inside `call` so a missing runtime becomes a failure.
  return call(() => commands.loadDemo(new Channel<Progress>(onProgress)));
}

export function openLink(url: string): Promise<void> {
  return call(() => commands.openLink(url)).then(() => undefined);
}

export function listAccounts(): Promise<AccountView[]> {
  return call(() => commands.listAccounts());
}

/** The token goes straight to Rust (and from there to the system keyring); nothing here keeps it. */
export function connectMastodon(server: string, token: string, role: Role): Promise<AccountView> {
  return call(() => commands.connectMastodon(server, token, role));
}

/**
 * Connects a Mastodon account by approving Earshot in the system browser: Rust registers Earshot with the server,
 * opens the browser there and waits. Resolves once the person approves; fails when they refuse, after five
 * minutes, when the server cannot be reached, or when `cancelSignIn` is called ("Connecting was cancelled.").
 * `onAddress` hears the address the browser was sent to, for when no browser opens.
 */
export function signInMastodon(
  server: string,
  role: Role,
  onAddress: (address: string) => void = () => {},
): Promise<AccountView> {
  return call(() => commands.signInMastodon(server, role, new Channel<string>(onAddress)));
}

/**
 * Connects an X account through the brand's own X app (OAuth 2.0 with PKCE): Rust opens X's approval page in the
 * system browser and waits, as for Mastodon. The app must list `X_CALLBACK_ADDRESS` (lib/accounts) as a callback
 * address. `onAddress` hears the address the browser was sent to, for when no browser opens.
 */
export function signInX(
  clientId: string,
  role: Role,
  onAddress: (address: string) => void = () => {},
): Promise<AccountView> {
  return call(() => commands.signInX(clientId, role, new Channel<string>(onAddress)));
}

/**
 * Connects an X account with a token in hand: an access token, or the JSON answer of X's token endpoint (with its
 * refresh token). It goes straight to Rust (and from there to the system keyring); nothing here keeps it.
 */
export function connectX(clientId: string, token: string, role: Role): Promise<AccountView> {
  return call(() => commands.connectX(clientId, token, role));
}

/** X's estimated spend today and this month, per handle, with the monthly budget and the prices. */
export function xSpend(): Promise<SpendView> {
  return call(() => commands.xSpend());
}

/**
 * Sets X's monthly budget and any prices given; answers with the spend as it now stands. `clearBudget` removes the
 * budget; otherwise a null `budgetUsd` leaves it as it is.
 */
export function setXSpend(budgetUsd: number | null, clearBudget: boolean, prices: PriceEdit[]): Promise<SpendView> {
  return call(() => commands.setXSpend(budgetUsd, clearBudget, prices));
}

/**
 * Stops the browser sign-in that is waiting, if any; its `signInMastodon` or `signInX` then fails. Not a `Result`
 * command.
 */
export async function cancelSignIn(): Promise<void> {
  try {
    await commands.cancelSignIn();
  } catch (e) {
    throw toFailure(e);
  }
}

export function syncAccount(id: string, onProgress: (progress: Progress) => void): Promise<SyncReport> {
  return call(() => commands.syncAccount(id, new Channel<Progress>(onProgress)));
}

/**
 * `service` is the account's PDS; blank means https://bsky.social. The app password goes straight to Rust (and
 * from there to the system keyring); nothing here keeps it.
 */
export function connectBluesky(service: string, handle: string, appPassword: string, role: Role): Promise<AccountView> {
  return call(() => commands.connectBluesky(service, handle, appPassword, role));
}

/** Changes an account's role and/or its brand keywords; null leaves that one as it is. */
export function updateAccount(id: string, role: Role | null, keywords: string[] | null): Promise<AccountView> {
  return call(() => commands.updateAccount(id, role, keywords));
}

/** Disconnects an account and deletes its secret from the keyring; its mentions stay in the inbox. */
export function removeAccount(id: string): Promise<void> {
  return call(() => commands.removeAccount(id)).then(() => undefined);
}

/** Every listening source (RSS and Atom feeds), with its keywords, health and next fetch. */
export function sources(): Promise<SourceView[]> {
  return call(() => commands.sources());
}

/**
 * Starts listening to a feed. Rust fetches it once first: an address that gives no feed fails with a message that
 * says so, and what the feed holds now that matches the keywords joins the inbox at once.
 */
export function addSource(url: string, include: string[], exclude: string[], role: Role): Promise<SourceView> {
  return call(() => commands.addSource(url, include, exclude, role));
}

/** Changes a source's include keywords, exclude keywords or role; null leaves that one as it is. */
export function updateSource(
  id: string,
  include: string[] | null,
  exclude: string[] | null,
  role: Role | null,
): Promise<SourceView> {
  return call(() => commands.updateSource(id, include, exclude, role));
}

/** Stops listening to a source; the items it found stay in the inbox. */
export function removeSource(id: string): Promise<void> {
  return call(() => commands.removeSource(id)).then(() => undefined);
}

/** Fetches a source now, even if it was fetched a moment ago (a site's own request to wait still holds). */
export function syncSource(id: string, onProgress: (progress: Progress) => void): Promise<SyncReport> {
  return call(() => commands.syncSource(id, new Channel<Progress>(onProgress)));
}

/**
 * What the composer shows before sending: the default account to send from, warnings, the length limit with the
 * text's length counted the network's way (signature included), and the signature. `from` null asks for the
 * default; `savedReplyId` is the saved reply the text came from, for the repeat warning.
 */
export function composeCheck(
  itemId: string,
  kind: ActionKind,
  from: string | null,
  text: string,
  savedReplyId: string | null = null,
): Promise<ComposeCheck> {
  return call(() => commands.composeCheck(itemId, kind, from, text, savedReplyId));
}

/** Queues a reply, direct message, boost or like. Fails with `invalid_input` while warnings are not confirmed. */
export function queueAction(request: ActionRequest): Promise<OutboxView> {
  return call(() => commands.queueAction(request));
}

/** Outgoing actions, newest first: for one item, or (null) all of them. */
export function listOutbox(itemId: string | null): Promise<OutboxView[]> {
  return call(() => commands.listOutbox(itemId));
}

/** Puts a failed action back in the queue and tries it now. */
export function retryAction(id: string): Promise<OutboxView> {
  return call(() => commands.retryAction(id));
}

/**
 * A first look at a contact file: `content` is its bytes in base64 (no `data:` prefix). Says whether it is CSV or
 * vCard, its columns, the preset they look like, a mapping to start from and a few rows.
 */
export function previewContacts(content: string): Promise<ContactFilePreview> {
  return call(() => commands.previewContacts(content));
}

/**
 * Imports a contact file (base64). A CSV needs `columns` (a preset or a mapping); a vCard takes null. With `dryRun`
 * nothing is saved and the report says what would happen. After a real import Rust scores every open item again
 * in the background and says `inbox-changed` ("contacts") when done.
 */
export function importContacts(
  content: string,
  kind: ContactFileKind,
  columns: Columns | null,
  dryRun: boolean,
  onProgress: (progress: Progress) => void = () => {},
): Promise<ContactImportReport> {
  return call(() => commands.importContacts(content, kind, columns, dryRun, new Channel<Progress>(onProgress)));
}

/** Who wrote an item, to us: the linked or suggested customer, why, and their history on every channel. */
export function itemCustomer(id: string): Promise<CustomerPanel> {
  return call(() => commands.itemCustomer(id));
}

/** "Link to customer": the item's author is this contact, from now on, whatever the automatic rules say. */
export function linkCustomer(item: string, contact: string): Promise<ContactView> {
  return call(() => commands.linkCustomer(item, contact, null));
}

/** "Not this customer": the item's author is not the contact they are linked or suggested to. */
export function unlinkCustomer(item: string): Promise<string | null> {
  return call(() => commands.unlinkCustomer(item, null));
}

/** Creates a contact; with `item`, links that item's author to it. */
export function createContact(fields: ContactFields, item: string | null): Promise<ContactView> {
  return call(() => commands.createContact(fields, item, null));
}

/** Replaces a contact's fields (every field: what is left out is cleared). */
export function updateContact(id: string, fields: ContactFields): Promise<ContactView> {
  return call(() => commands.updateContact(id, fields));
}

/** Folds contact `gone` into `keep`; `gone` is deleted. */
export function mergeContacts(keep: string, gone: string): Promise<ContactView> {
  return call(() => commands.mergeContacts(keep, gone));
}

export function getContact(id: string): Promise<ContactView> {
  return call(() => commands.getContact(id));
}

/** Contacts whose name, email, company or accounts contain `query`; the first `limit` by name (all when empty). */
export function searchContacts(query: string, limit: number): Promise<ContactView[]> {
  return call(() => commands.searchContacts(query, limit));
}

/** Every live CRM connection (CardDAV address books, HubSpot), with why its last sync failed, if it did. */
export function crmSources(): Promise<CrmSourceView[]> {
  return call(() => commands.crmSources());
}

/**
 * Connects a CardDAV account: Rust finds its address books, keeps the password in the system keyring and reads every
 * card once, with progress. The password goes straight to Rust; nothing here keeps it. When the first read fails
 * after the connection was kept, the connection stays, with the failure as its `last_error`.
 */
export function addCarddav(
  url: string,
  username: string,
  password: string,
  onProgress: (progress: Progress) => void = () => {},
): Promise<CrmSyncReport> {
  return call(() => commands.addCarddav(url, username, password, new Channel<Progress>(onProgress)));
}

/** Connects HubSpot with a private app's access token (straight to the keyring) and reads every contact once. */
export function addHubspot(token: string, onProgress: (progress: Progress) => void = () => {}): Promise<CrmSyncReport> {
  return call(() => commands.addHubspot(token, new Channel<Progress>(onProgress)));
}

/** Brings one connection's contacts up to date now. A failure is also kept as the connection's `last_error`. */
export function syncCrmSource(id: string, onProgress: (progress: Progress) => void = () => {}): Promise<CrmSyncReport> {
  return call(() => commands.syncCrmSource(id, new Channel<Progress>(onProgress)));
}

/** Removes a connection, its password or token from the keyring, and the contacts that came only from it. */
export function removeCrmSource(id: string): Promise<void> {
  return call(() => commands.removeCrmSource(id)).then(() => undefined);
}

/**
 * Subscribes to `inbox-changed`. Returns the unsubscribe function; when the
 * subscription cannot be made (no Tauri runtime) it logs and returns a no-op.
 */
/**
 * `onInboxChanged` for a component's lifetime: returns the function that stops listening, which may be called
 * before the subscription is even made (it then ends as soon as it is).
 */
export function listenInboxChanged(cb: (change: InboxChanged) => void): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  void onInboxChanged(cb).then((fn) => {
    if (stopped) fn();
    else stop = fn;
  });
  return () => {
    stopped = true;
    stop?.();
  };
}

export async function onInboxChanged(cb: (change: InboxChanged) => void): Promise<() => void> {
  try {
    return await events.inboxChanged.listen((e) => cb(e.payload));
  } catch (e) {
    console.error("Earshot: could not listen for inbox changes", e);
    return () => {};
  }
}

// ---- The agent's day: saved replies, profile and team, handle settings, alerts, shifts -------------------------

/** Saved replies best first for `query` (fuzzy, ranked by Rust); all by title when it is empty. */
export function savedReplies(query: string): Promise<SavedReplyView[]> {
  return call(() => commands.savedReplies(query));
}

/** Creates a saved reply, or (with `id`) changes one. */
export function saveReply(request: SaveReplyRequest): Promise<SavedReplyView> {
  return call(() => commands.saveReply(request));
}

export function deleteReply(id: string): Promise<void> {
  return call(() => commands.deleteReply(id)).then(() => undefined);
}

/** A saved reply filled in for an item, from account `from` (null: the item's default), with `values` typed in. */
export function previewReply(
  itemId: string,
  savedReplyId: string,
  from: string | null,
  values: Record<string, string>,
): Promise<ReplyPreview> {
  return call(() => commands.previewReply(itemId, savedReplyId, from, values));
}

/** The variables a saved reply can use, with their descriptions. Not a `Result` command. */
export async function templateVariables(): Promise<TemplateVariable[]> {
  try {
    return await commands.templateVariables();
  } catch (e) {
    throw toFailure(e);
  }
}

/** The person at this desk. */
export function me(): Promise<AgentView> {
  return call(() => commands.me());
}

/** Changes the name and signature (a template: "–{agent.first_name}") of the person at this desk. */
export function updateMe(name: string, signature: string): Promise<AgentView> {
  return call(() => commands.updateMe(name, signature));
}

/** Everyone on the team, on duty first. */
export function listAgents(): Promise<AgentView[]> {
  return call(() => commands.listAgents());
}

/** Adds a person to the team; `role` is "agent" or "lead". */
export function addAgent(name: string, role: string): Promise<AgentView> {
  return call(() => commands.addAgent(name, role));
}

/** Puts a person (by name; null for the person at this desk) on or off duty, on some handles, until a time. */
export function setDuty(agent: string | null, onDuty: boolean, until: string | null, handleIds: string[]): Promise<AgentView> {
  return call(() => commands.setDuty(agent, onDuty, until, handleIds));
}

/** Every handle's SLA targets, hours and signing, defaults filled in. */
export function handleSettings(): Promise<HandleSettings[]> {
  return call(() => commands.handleSettings());
}

export function setHandleSettings(settings: HandleSettings): Promise<HandleSettings> {
  return call(() => commands.setHandleSettings(settings));
}

export function alertSettings(): Promise<AlertSettings> {
  return call(() => commands.alertSettings());
}

export function setAlertRules(rules: AlertRule[]): Promise<AlertSettings> {
  return call(() => commands.setAlertRules(rules));
}

/** Do-not-disturb until a time (RFC 3339), "on" until turned off, or off (null). */
export function setDnd(until: string | null): Promise<AlertSettings> {
  return call(() => commands.setDnd(until));
}

/** Whether desktop alerts can show here, and if not, why. */
export function alertsStatus(): Promise<AlertsStatus> {
  return call(() => commands.alertsStatus());
}

export function sendTestAlert(): Promise<void> {
  return call(() => commands.sendTestAlert()).then(() => undefined);
}

/** Puts the person at this desk on duty on these handles (none: every handle), until a time (RFC 3339) or not. */
export function startShift(handleIds: string[], until: string | null): Promise<AgentView> {
  return call(() => commands.startShift(handleIds, until));
}

/** What the handover would say now, with this note, without ending the shift. */
export function handoverPreview(note: string): Promise<HandoverView> {
  return call(() => commands.handoverPreview(note));
}

/** Ends the shift: stores the handover, returns unanswered held items to the queue, drafts a shift post (unsent). */
export function endShift(request: EndShiftRequest): Promise<EndShiftResult> {
  return call(() => commands.endShift(request));
}

/** The newest handovers first. */
export function listHandovers(limit: number): Promise<HandoverView[]> {
  return call(() => commands.listHandovers(limit));
}

export function readHandover(id: string): Promise<void> {
  return call(() => commands.readHandover(id)).then(() => undefined);
}

/** Sends a post of our own (the shift post) through the outbox. Only after the person confirmed the text. */
export function queuePost(from: string, text: string): Promise<OutboxView> {
  return call(() => commands.queuePost(from, text));
}

/** Shows an item in the inbox, as a clicked desktop alert does (the window's own `open-item`): from a handover. */
/**
 * Shows an item as an opened alert does (from the handover, say). It stays inside the window: the webview may not
 * emit app events, and needs not.
 */
export async function showItem(itemId: string): Promise<void> {
  window.dispatchEvent(new CustomEvent<string>(SHOW_ITEM, { detail: itemId }));
}

/** The window's own event for `showItem`, heard by the same listener as opened alerts. */
const SHOW_ITEM = "earshot:show-item";

// ---- The agent's day: stages, snoozes, escalation, assignment and notes (the reading pane's Work section) -------

/** Moves an item to a stage (it also ends a snooze). */
export function setStage(id: string, stage: WorkStage): Promise<void> {
  return call(() => commands.setStage(id, stage)).then(() => undefined);
}

/** Takes an item out of the list until `until` (RFC 3339); resolves with the time it comes back. */
export function snoozeItem(id: string, until: string): Promise<string> {
  return call(() => commands.snoozeItem(id, until));
}

/** Where an item stands in the team's work: stage, snooze, holder, timers, notes and history. */
export function itemWork(id: string): Promise<WorkView> {
  return call(() => commands.itemWork(id));
}

/** Escalates an item to a person (by name) or to the team leads (`to_role` "lead"), with a note saying why. */
export function escalateItem(request: EscalateRequest): Promise<WorkView> {
  return call(() => commands.escalateItem(request));
}

/** Gives an item to a person by name, or to no one (null). */
export function assignItem(id: string, to: string | null): Promise<WorkView> {
  return call(() => commands.assignItem(id, to));
}

/** An internal note on the item, or on its whole conversation. Never sent anywhere. */
export function addNote(id: string, body: string, conversation: boolean): Promise<WorkView> {
  return call(() => commands.addNote(id, body, conversation));
}

/**
 * Subscribes to `open-item` (the person clicked a desktop alert, or chose "Open" on it). Returns the unsubscribe
 * function; without a Tauri runtime it logs and returns a no-op.
 */
export async function onOpenItem(cb: (itemId: string) => void): Promise<() => void> {
  const local = (e: Event): void => cb((e as CustomEvent<string>).detail);
  window.addEventListener(SHOW_ITEM, local);
  const stopLocal = (): void => window.removeEventListener(SHOW_ITEM, local);
  try {
    const stop = await events.openItem.listen((e) => cb(e.payload.item_id));
    return () => {
      stop();
      stopLocal();
    };
  } catch (e) {
    console.error("Earshot: could not listen for alerts being opened", e);
    return stopLocal;
  }
}

// ---- Reports (issue 8) -----------------------------------------------------------------------------------------

/**
 * The figures for a period of local days (docs/reports.md). The first report over a period of a busy workspace
 * works out each day's figures, a few seconds for a year: `onProgress` hears of it.
 */
export function report(query: ReportQuery, onProgress: (progress: Progress) => void = () => {}): Promise<Report> {
  return call(() => commands.report(query, new Channel<Progress>(onProgress)));
}

/** How the team is doing right now: waiting by queue and handle, the oldest, SLA breaches, who is on duty. */
export function reportNow(): Promise<NowReport> {
  return call(() => commands.reportNow());
}

/** Saves one table of the report as CSV in the Downloads folder; resolves with where, and how many rows. */
export function exportReport(query: ReportQuery, table: ReportTable): Promise<ExportedFile> {
  return call(() => commands.exportReport(query, table));
}

// ---- Team presence and automatic assignment (issue 7) ----------------------------------------------------------

/** The heartbeat: the item open here (null: none) and whether its person is writing; resolves with who else is on it. */
export function beatPresence(id: string | null, activity: PresenceActivity): Promise<PresenceView[]> {
  return call(() => commands.beatPresence(id, activity));
}

/** How each queue hands out its items: off (agents claim them), round-robin or least-loaded. */
export function assignmentRules(): Promise<AssignmentRule[]> {
  return call(() => commands.assignmentRules());
}

export function setAssignmentMode(queue: ClaimQueue, mode: AssignMode): Promise<AssignmentRule> {
  return call(() => commands.setAssignmentMode(queue, mode));
}

/** Where this desk works (personal workspace or a team database), readable even when the team one failed to open. */
export function teamStatus(): Promise<TeamStatus> {
  return call(() => commands.teamStatus());
}

/** Connects to a team database and says what is there; changes nothing. The password is used only for this. */
export function checkTeamDatabase(url: string, password: string | null): Promise<TeamCheck> {
  return call(() => commands.checkTeamDatabase(url, password));
}

/** Joins a team database from the next start (password to the keyring); optionally moves this workspace into it. */
export function joinTeamDatabase(
  url: string,
  password: string | null,
  bringWorkspace: boolean,
  onProgress: (p: Progress) => void,
): Promise<JoinedTeam> {
  return call(() => commands.joinTeamDatabase(url, password, bringWorkspace, new Channel<Progress>(onProgress)));
}

/** Goes back to the personal workspace from the next start. */
export function leaveTeamDatabase(): Promise<void> {
  return call(() => commands.leaveTeamDatabase()).then(() => undefined);
}

/** Starts Earshot again, into the database just joined or left. */
export function restartApp(): Promise<void> {
  return call(() => commands.restartApp()).then(() => undefined);
}
