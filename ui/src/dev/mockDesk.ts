// The agent's day for the in-browser mock backend (`npm run dev` without Tauri): saved replies, the person at this
// desk and the team, handle settings, alert rules and do-not-disturb, and shifts with their handover. Never shipped.
//
// Who is who in the demo:
//   - You are Ana López (agent, signature "–{agent.first_name}"), off duty, so the Shift dialog (Shift+S) offers
//     Start shift with the handover Sam Okafor left this morning (unread).
//   - Sam Okafor (lead) is on duty on the support handles until 18:00 and holds 2 items; Priya Nair (agent) is off.
//   - Three saved replies; "Sorry about your order" needs {order}. Authors whose handle starts with "ana" (Ana Ortiz)
//     already had "Sorry about your order", so previewing it for them warns.
//   - The X marketing handle does not sign replies; the others do. Spokewise Help has business hours Mon–Fri
//     09:00–17:30 Europe/Berlin and quiet hours 22:00–07:00.
//   - Alerts show "through mock-notifyd 1.0"; ?fail=alerts makes them unavailable (and the test alert fail).
//   - ?fail=desk makes saving the profile, handle settings and alert rules fail with a storage error.

import type {
  AccountView,
  AgentView,
  AlertRule,
  AlertSettings,
  AssignMode,
  AssignmentRule,
  JoinedTeam,
  TeamCheck,
  TeamStatus,
  EndShiftRequest,
  EndShiftResult,
  Handover,
  HandoverItem,
  HandleRef,
  HandleSettings,
  HandleSummary,
  HandoverView,
  Network,
  OutboxView,
  ReplyPreview,
  SaveReplyRequest,
  SavedReplyView,
  Schedule,
  TemplateVariable,
} from "../bindings";
import { defaultRule } from "../lib/alerts";
import { firstName, initials, renderTemplate } from "../lib/savedReplies";

/** What the desk mock needs of an inbox item. */
export interface MockDeskItem {
  id: string;
  network: Network;
  author_handle: string;
  author_name: string | null;
  text: string;
  created_at: string;
  status: "open" | "done";
  handles: HandleRef[];
}

export interface DeskDeps {
  handles: () => HandleSummary[];
  accounts: () => AccountView[];
  items: () => MockDeskItem[];
  item: (id: string) => MockDeskItem | undefined;
  /** The account a reply from this item goes out from by default (compose_check's default). */
  defaultFrom: (itemId: string) => AccountView | undefined;
  limit: (network: Network) => number;
  textLength: (network: Network, text: string) => number;
  /** Queues a post of our own in the mock outbox. */
  queuePost: (account: AccountView, text: string) => OutboxView;
  changed: (reason: string) => void;
  fail: (code: "not_found" | "invalid_input" | "storage" | "network" | "internal", message: string) => never;
  failing: string | null;
}

const VARIABLES: TemplateVariable[] = [
  { name: "author.name", description: "The author's display name" },
  { name: "author.first_name", description: "The author's first name, or their handle when they show no name" },
  { name: "author.handle", description: "The author's handle, with @" },
  { name: "agent.name", description: "Your name" },
  { name: "agent.first_name", description: "Your first name" },
  { name: "agent.initials", description: "Your initials" },
  { name: "handle", description: "Our handle the post was addressed to, with @" },
  { name: "order", description: "An order number you type in before sending" },
];
const KNOWN = VARIABLES.map((v) => v.name);

interface MockAgent {
  id: string;
  name: string;
  signature: string;
  role: string;
  on_duty: boolean;
  duty_until: string | null;
  handle_ids: string[];
  holding: number;
  cap: number;
}

const DAY = 86_400_000;

function clock(h: number, m = 0, dayOffset = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + dayOffset);
  d.setHours(h, m, 0, 0);
  return d.toISOString();
}

export function createDeskMock(deps: DeskDeps) {
  const stamp = () => new Date().toISOString();
  const agents: MockAgent[] = [
    { id: "1", name: "Ana López", signature: "–{agent.first_name}", role: "agent", on_duty: false, duty_until: null, handle_ids: [], holding: 1, cap: 25 },
    { id: "2", name: "Sam Okafor", signature: "^{agent.initials}", role: "lead", on_duty: true, duty_until: clock(18), handle_ids: ["h1", "h3"], holding: 2, cap: 25 },
    { id: "3", name: "Priya Nair", signature: "", role: "agent", on_duty: false, duty_until: null, handle_ids: [], holding: 0, cap: 25 },
  ];
  const ME = "1";
  let nextAgent = 4;

  let replies: SavedReplyView[] = [
    {
      id: "1",
      title: "Sorry about your order",
      body: "Hi {author.first_name}, sorry about order {order}. We've asked the warehouse and will write back within 24 hours.",
      updated_at: new Date(Date.now() - 9 * DAY).toISOString(),
      uses: 14,
    },
    {
      id: "2",
      title: "Thanks for the kind words",
      body: "Thank you, {author.first_name}! We'll pass it on to the team.",
      updated_at: new Date(Date.now() - 30 * DAY).toISOString(),
      uses: 31,
    },
    {
      id: "3",
      title: "We know about the outage",
      body: "Hi {author.first_name}, we know the app is down for some riders and are working on it. Updates at status.spokewise.example.",
      updated_at: new Date(Date.now() - 2 * DAY).toISOString(),
      uses: 3,
    },
  ];
  let nextReply = 4;
  /** Saved reply ID → author handles it went to, with when. */
  const sentTo = new Map<string, Map<string, string>>();

  const berlin = (start: string, end: string, days: number[]): Schedule => ({
    time_zone: "Europe/Berlin",
    spans: days.map((day) => ({ day, start, end })),
  });
  const settings = new Map<string, HandleSettings>([
    [
      "h1",
      {
        handle_id: "h1",
        sla: { first_response_minutes: 60, resolution_minutes: 1440, business_hours_only: true },
        business_hours: berlin("09:00", "17:30", [1, 2, 3, 4, 5]),
        quiet_hours: berlin("22:00", "07:00", [1, 2, 3, 4, 5, 6, 7]),
        sign_replies: true,
      },
    ],
    [
      "h4",
      {
        handle_id: "h4",
        sla: { first_response_minutes: null, resolution_minutes: null, business_hours_only: false },
        business_hours: null,
        quiet_hours: null,
        sign_replies: false,
      },
    ],
  ]);

  let rules: AlertRule[] = [
    defaultRule(),
    {
      id: "outage-keywords",
      name: "Anyone saying the app is down",
      enabled: false,
      intents: [],
      urgent: true,
      sentiments: [],
      min_followers: null,
      min_customer_standing: null,
      handles: ["h1", "h3"],
      roles: ["support"],
      networks: [],
      keywords: ["down", "outage", "can't log in"],
    },
  ];
  let dnd: string | null = null;

  const handovers: { id: string; summary: Handover; read_by: string | null; read_at: string | null }[] = [];
  let nextHandover = 1;

  // ---- people -------------------------------------------------------------------

  function signaturePreview(a: MockAgent): string {
    const name = a.name.trim();
    return renderTemplate(
      a.signature,
      { "agent.name": name, "agent.first_name": firstName(name), "agent.initials": initials(name) },
      KNOWN,
    ).text.trim();
  }

  function agentView(a: MockAgent): AgentView {
    const active = a.on_duty && (a.duty_until === null || Date.parse(a.duty_until) > Date.now());
    return { ...a, on_duty: active, duty_until: active ? a.duty_until : null, signature_preview: signaturePreview(a), is_me: a.id === ME };
  }

  const me = () => agents.find((a) => a.id === ME)!;

  function checkName(raw: string): string {
    const name = raw.split(/\s+/).filter(Boolean).join(" ");
    if (name === "") deps.fail("invalid_input", "Enter a name: replies are signed with it.");
    if ([...name].length > 80) deps.fail("invalid_input", "Keep the name under 80 characters.");
    return name;
  }

  function updateMe(name: string, signature: string): AgentView {
    if (deps.failing === "desk") deps.fail("storage", "Earshot could not save your profile. Try again.");
    const clean = checkName(name);
    const sig = signature.trim();
    if ([...sig].length > 40) {
      deps.fail("invalid_input", "Keep the signature short (at most 40 characters): every reply carries it, and networks count it.");
    }
    if (sig.includes("\n")) deps.fail("invalid_input", "A signature is one line.");
    const unknown = renderTemplate(sig, {}, KNOWN).unknown[0];
    if (unknown) {
      deps.fail("invalid_input", `The signature uses {${unknown}}, which Earshot does not know. Use {agent.first_name}, {agent.name} or {agent.initials}.`);
    }
    const other = agents.find((a) => a.name.toLowerCase() === clean.toLowerCase() && a.id !== ME);
    if (other) deps.fail("invalid_input", `Someone on the team is already called ${other.name}. Add a surname or an initial.`);
    Object.assign(me(), { name: clean, signature: sig });
    return agentView(me());
  }

  function addAgent(name: string, role: string): AgentView {
    const clean = checkName(name);
    if (role !== "agent" && role !== "lead") deps.fail("invalid_input", `'${role}' is not a role; use agent or lead.`);
    if (agents.some((a) => a.name.toLowerCase() === clean.toLowerCase())) deps.fail("invalid_input", `${clean} is already on the team.`);
    const a: MockAgent = { id: String(nextAgent++), name: clean, signature: "", role, on_duty: false, duty_until: null, handle_ids: [], holding: 0, cap: 25 };
    agents.push(a);
    return agentView(a);
  }

  function setDuty(agent: string | null, onDuty: boolean, until: string | null, handleIds: string[]): AgentView {
    const who = agent === null ? me() : agents.find((a) => a.name.toLowerCase() === agent.trim().toLowerCase());
    if (!who) deps.fail("not_found", `No one called '${String(agent)}' is on the team. Add them in Settings → Team first.`);
    if (until !== null) {
      const t = Date.parse(until);
      if (Number.isNaN(t)) deps.fail("invalid_input", `'${until}' is not a time. Use a date and time such as 2026-11-28T17:00:00Z.`);
      if (t <= Date.now()) deps.fail("invalid_input", `The shift end ${until} has already passed. Choose a later time.`);
    }
    const known = deps.handles().map((h) => h.id);
    const unknown = handleIds.find((id) => !known.includes(id));
    if (unknown) deps.fail("not_found", `There is no handle with ID '${unknown}'.`);
    Object.assign(who, { on_duty: onDuty, duty_until: onDuty ? until : null, handle_ids: onDuty ? [...handleIds] : [] });
    deps.changed("work");
    return agentView(who);
  }

  const roster = () =>
    agents.map(agentView).sort((a, b) => Number(b.on_duty) - Number(a.on_duty) || a.name.localeCompare(b.name));

  // ---- handle settings ----------------------------------------------------------------

  function settingsOf(id: string): HandleSettings {
    return (
      settings.get(id) ?? {
        handle_id: id,
        sla: { first_response_minutes: null, resolution_minutes: null, business_hours_only: false },
        business_hours: null,
        quiet_hours: null,
        sign_replies: true,
      }
    );
  }

  function checkSchedule(what: string, s: Schedule | null): void {
    if (s === null) return;
    const zone = s.time_zone.trim();
    if (zone === "") deps.fail("invalid_input", `${what}: Choose a time zone for these hours, such as Europe/Berlin or America/New_York.`);
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
      deps.fail("invalid_input", `${what}: Earshot does not know the time zone "${zone}". Use an IANA name such as Europe/Berlin or America/New_York.`);
    }
    for (const span of s.spans) {
      if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(span.start.trim())) {
        deps.fail("invalid_input", `${what}: Opening time ${span.start.trim()} is not a time of day. Use HH:MM, such as 09:00.`);
      }
      if (!/^(([01]?\d|2[0-3]):[0-5]\d|24:00)$/.test(span.end.trim())) {
        deps.fail("invalid_input", `${what}: Closing time ${span.end.trim()} is not a time of day. Use HH:MM, such as 17:30.`);
      }
    }
  }

  function setHandleSettings(s: HandleSettings): HandleSettings {
    if (!deps.handles().some((h) => h.id === s.handle_id)) deps.fail("not_found", `There is no handle with ID '${s.handle_id}'.`);
    if (deps.failing === "desk") deps.fail("storage", "Earshot could not save the handle's settings. Try again.");
    for (const [what, m] of [
      ["first response", s.sla.first_response_minutes],
      ["resolution", s.sla.resolution_minutes],
    ] as const) {
      if (m !== null && (m < 1 || m > 43_200)) {
        deps.fail("invalid_input", `SLA: A ${what} target of ${m} minutes is not possible. Use 1 to 43,200 minutes (30 days), or turn the target off.`);
      }
    }
    checkSchedule("Business hours", s.business_hours);
    checkSchedule("Quiet hours", s.quiet_hours);
    const saved = structuredClone(s);
    settings.set(s.handle_id, saved);
    deps.changed("settings");
    return structuredClone(saved);
  }

  /** Whether replies from this account are signed: by its handle's setting (an account with no handle signs). */
  function signatureFor(account: AccountView | undefined): string | null {
    if (!account) return null;
    const handle = deps.handles().find((h) => h.network === account.network && h.account.toLowerCase() === account.account.toLowerCase());
    if (handle && !settingsOf(handle.id).sign_replies) return null;
    return signaturePreview(me()) || null;
  }

  // ---- alerts ---------------------------------------------------------------------------

  function alertSettings(): AlertSettings {
    const active = dnd === "on" || (dnd !== null && Date.parse(dnd) > Date.now());
    return { rules: structuredClone(rules), dnd_until: active ? dnd : null, dnd_active: active };
  }

  function setAlertRules(next: AlertRule[]): AlertSettings {
    if (deps.failing === "desk") deps.fail("storage", "Earshot could not save the alert rules. Try again.");
    const seen = new Set<string>();
    for (const rule of next) {
      const id = rule.id.trim();
      const name = rule.name.trim();
      if (id === "") deps.fail("invalid_input", `The alert rule "${name}" has no ID. Give it a short unique ID, such as vip-complaints.`);
      if (seen.has(id)) deps.fail("invalid_input", `Two alert rules have the ID "${id}". Give each rule its own ID.`);
      seen.add(id);
      if (name === "") deps.fail("invalid_input", `The alert rule "${id}" has no name. Give it a name the team will recognise in notifications.`);
      const s = rule.min_customer_standing;
      if (s !== null && (s < 0 || s > 1)) {
        deps.fail("invalid_input", `The alert rule "${name}" asks for a customer standing of ${s}. Use a number from 0 (any contact) to 1 (top tier), such as 0.5.`);
      }
      if (rule.keywords.some((k) => k.trim() === "")) {
        deps.fail("invalid_input", `The alert rule "${name}" has an empty keyword. Type a word or phrase, or remove it.`);
      }
    }
    rules = structuredClone(next);
    return alertSettings();
  }

  function setDnd(until: string | null): AlertSettings {
    const value = until?.trim() ?? "";
    if (value === "") dnd = null;
    else if (value === "on") dnd = "on";
    else {
      const t = Date.parse(value);
      if (Number.isNaN(t)) deps.fail("invalid_input", `'${value}' is not a time. Use a date and time such as 2026-11-28T17:00:00Z.`);
      if (t <= Date.now()) deps.fail("invalid_input", "That time has already passed. Choose when do-not-disturb should end.");
      dnd = new Date(t).toISOString();
    }
    return alertSettings();
  }

  function alertsStatus() {
    return deps.failing === "alerts"
      ? { available: false, server: null, problem: "No notification server answered on this desktop, so Earshot cannot show alerts. Start one (such as dunst or your desktop's own), then restart Earshot." }
      : { available: true, server: "mock-notifyd 1.0", problem: null };
  }

  // ---- saved replies ----------------------------------------------------------------------

  /** A rough stand-in for Rust's fuzzy ranking: every letter of the query in order, titles before bodies. */
  function score(query: string, text: string): number | null {
    const q = query.toLowerCase().replace(/\s+/g, "");
    const t = text.toLowerCase();
    if (t.includes(query.toLowerCase().trim())) return 1000 - t.indexOf(query.toLowerCase().trim());
    let at = 0;
    let gaps = 0;
    for (const c of q) {
      const found = t.indexOf(c, at);
      if (found === -1) return null;
      gaps += found - at;
      at = found + 1;
    }
    return 500 - gaps;
  }

  function search(query: string): SavedReplyView[] {
    if (query.trim() === "") return [...replies].sort((a, b) => a.title.localeCompare(b.title));
    return replies
      .map((r) => {
        const title = score(query, r.title);
        const body = score(query, r.body);
        const best = title !== null ? title + 2000 : body;
        return { r, best };
      })
      .filter((x): x is { r: SavedReplyView; best: number } => x.best !== null)
      .sort((a, b) => b.best - a.best)
      .map((x) => x.r);
  }

  function saveReply(req: SaveReplyRequest): SavedReplyView {
    const title = req.title.split(/\s+/).filter(Boolean).join(" ");
    const body = req.body.trim();
    if (title === "") deps.fail("invalid_input", "Give the saved reply a title: it is what you search for.");
    if ([...title].length > 80) deps.fail("invalid_input", "Keep the title under 80 characters.");
    if (body === "") deps.fail("invalid_input", "Write the reply's text.");
    if ([...body].length > 2000) deps.fail("invalid_input", "Keep a saved reply under 2000 characters.");
    const unknown = renderTemplate(body, {}, KNOWN).unknown[0];
    if (unknown) {
      deps.fail(
        "invalid_input",
        `The text uses {${unknown}}, which Earshot does not fill in. Use one of ${KNOWN.map((n) => `{${n}}`).join(", ")}, or write {{ for a brace.`,
      );
    }
    if (req.id !== null) {
      const found = replies.find((r) => r.id === req.id);
      if (!found) deps.fail("not_found", "That saved reply was deleted meanwhile.");
      Object.assign(found, { title, body, updated_at: stamp() });
      return { ...found };
    }
    const r: SavedReplyView = { id: String(nextReply++), title, body, updated_at: stamp(), uses: 0 };
    replies = [...replies, r];
    return { ...r };
  }

  function deleteReply(id: string): null {
    if (!replies.some((r) => r.id === id)) deps.fail("not_found", "That saved reply no longer exists.");
    replies = replies.filter((r) => r.id !== id);
    return null;
  }

  function repeatWarning(itemId: string, replyId: string | null): string | null {
    if (replyId === null) return null;
    const item = deps.item(itemId);
    if (!item) return null;
    const at = sentTo.get(replyId)?.get(item.author_handle) ?? (replyId === "1" && item.author_handle.startsWith("ana") ? new Date(Date.now() - 16 * DAY).toISOString() : null);
    if (!at) return null;
    const when = new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
    return `You already sent this saved reply to @${item.author_handle} (${when}). Consider writing this one in your own words.`;
  }

  /** A reply went out written from a saved reply: count it, and remember the author for the repeat warning. */
  function noteSent(itemId: string, replyId: string | null | undefined): void {
    if (!replyId) return;
    const r = replies.find((x) => x.id === replyId);
    if (r) r.uses += 1;
    const item = deps.item(itemId);
    if (!item) return;
    const map = sentTo.get(replyId) ?? new Map<string, string>();
    map.set(item.author_handle, stamp());
    sentTo.set(replyId, map);
  }

  function previewReply(itemId: string, replyId: string, from: string | null, values: Record<string, string>): ReplyPreview {
    const saved = replies.find((r) => r.id === replyId);
    if (!saved) deps.fail("not_found", "That saved reply no longer exists.");
    const item = deps.item(itemId);
    if (!item) deps.fail("not_found", `Inbox item ${itemId} no longer exists.`);
    const account = from === null ? deps.defaultFrom(itemId) : deps.accounts().find((a) => a.id === from);
    const name = (item.author_name ?? "").trim();
    const handle = `@${item.author_handle.replace(/^@/, "")}`;
    const agent = me().name;
    const vars: Record<string, string> = {
      "author.name": name,
      "author.first_name": name === "" ? handle : firstName(name),
      "author.handle": handle,
      "agent.name": agent,
      "agent.first_name": firstName(agent),
      "agent.initials": initials(agent),
    };
    if (account) vars["handle"] = account.account;
    for (const [k, v] of Object.entries(values)) if (v.trim() !== "") vars[k.trim().toLowerCase()] = v.trim();
    const rendered = renderTemplate(saved.body, vars, KNOWN);
    const signature = signatureFor(account);
    const body = rendered.text.trimEnd();
    const full = signature ? `${body}${body.includes("\n") ? "\n" : " "}${signature}` : rendered.text;
    return {
      saved_reply_id: saved.id,
      title: saved.title,
      text: rendered.text,
      missing: rendered.missing,
      unknown: rendered.unknown,
      signature,
      limit: item.network === "web" ? null : deps.limit(item.network),
      used: deps.textLength(item.network, full),
      warning: repeatWarning(itemId, replyId),
    };
  }

  // ---- shifts and handovers -----------------------------------------------------------------

  function handoverItems(): { near: HandoverItem[]; open: HandoverItem[] } {
    const open = deps
      .items()
      .filter((i) => i.status === "open" && i.network !== "web")
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .slice(0, 8)
      .map(
        (i, n): HandoverItem => ({
          item_id: i.id,
          author: `@${i.author_handle}`,
          handle: i.handles[0] ? `@${i.handles[0].account}` : "",
          intent: n % 3 === 0 ? "complaint" : "question",
          waiting_since: i.created_at,
          sla:
            n < 2
              ? {
                  kind: "first_response",
                  target_minutes: 60,
                  due_at: new Date(Date.now() + (n === 0 ? -12 : 9) * 60_000).toISOString(),
                  state: n === 0 ? "breached" : "due_soon",
                  remaining_minutes: n === 0 ? -12 : 9,
                  took_minutes: null,
                }
              : null,
          first_line: i.text.split("\n")[0]!.slice(0, 140),
        }),
      );
    return { near: open.slice(0, 2), open: open.slice(2) };
  }

  function gather(agent: string, note: string, at: string): Handover {
    const { near, open } = handoverItems();
    const promised = open[0];
    return {
      agent,
      ended_at: at,
      note: note.trim(),
      near_sla: near,
      open,
      promises: promised
        ? [{ item_id: promised.item_id, author: promised.author, promise: { phrase: "We'll write back by tomorrow morning.", when: "tomorrow morning" }, said_at: new Date(Date.now() - 3 * 3_600_000).toISOString() }]
        : [],
    };
  }

  function textOf(h: Handover): string {
    const time = (iso: string) => new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    const lines = [`Handover from ${h.agent}, ${time(h.ended_at)}`];
    if (h.note) lines.push("", h.note);
    lines.push("", "Close to SLA:");
    for (const i of h.near_sla) lines.push(`- ${i.author} to ${i.handle}: ${i.first_line}`);
    if (h.near_sla.length === 0) lines.push("- nothing");
    lines.push("", "Promises made:");
    for (const p of h.promises) lines.push(`- to ${p.author}: "${p.promise.phrase}"`);
    if (h.promises.length === 0) lines.push("- none");
    lines.push("", "Still open:");
    for (const i of h.open) lines.push(`- ${i.author} to ${i.handle}: ${i.first_line}`);
    return lines.join("\n");
  }

  function handoverView(h: (typeof handovers)[number]): HandoverView {
    return { id: h.id, summary: h.summary, text: textOf(h.summary), read_by: h.read_by, read_at: h.read_at };
  }

  // Sam's handover from this morning, unread.
  handovers.push({
    id: String(nextHandover++),
    summary: gather("Sam Okafor", "The courier API was slow all morning; two riders are waiting on refunds. Leads know.", clock(8, 30)),
    read_by: null,
    read_at: null,
  });

  function endShift(req: EndShiftRequest): EndShiftResult {
    const next = req.next_agent?.trim() ? agents.find((a) => a.name.toLowerCase() === req.next_agent!.trim().toLowerCase()) : undefined;
    if (req.next_agent?.trim() && !next) {
      deps.fail("not_found", `No one called '${req.next_agent.trim()}' is on the team. Add them in Settings → Team first.`);
    }
    const mine = me();
    const returned = mine.holding;
    Object.assign(mine, { holding: 0, on_duty: false, duty_until: null, handle_ids: [] });
    const h = { id: String(nextHandover++), summary: gather(mine.name, req.note, stamp()), read_by: null, read_at: null };
    handovers.unshift(h);
    const until = req.next_until?.trim();
    const middle = next
      ? until
        ? `${firstName(next.name)} is here until ${until} if you need us.`
        : `${firstName(next.name)} is here if you need us.`
      : "We'll be back tomorrow morning.";
    const sig = signaturePreview(mine) || `–${firstName(mine.name)}`;
    deps.changed("work");
    return { handover: handoverView(h), returned, shift_post: `Signing off for today. ${middle} ${sig}` };
  }

  function queuePost(from: string, text: string): OutboxView {
    const account = deps.accounts().find((a) => a.id === from);
    if (!account) deps.fail("not_found", `There is no connected account '${from}'.`);
    if (account.network === "web") deps.fail("invalid_input", "Web pages cannot be posted to from Earshot.");
    const body = text.trim();
    if (body === "") deps.fail("invalid_input", "Write something to post first.");
    const used = deps.textLength(account.network, body);
    const max = deps.limit(account.network);
    if (used > max) deps.fail("invalid_input", `The post is ${used} characters long; it takes at most ${max}. Shorten it by ${used - max}.`);
    return deps.queuePost(account, body);
  }

  const COMMANDS = new Set([
    "me",
    "update_me",
    "list_agents",
    "add_agent",
    "set_duty",
    "handle_settings",
    "set_handle_settings",
    "alert_settings",
    "set_alert_rules",
    "set_dnd",
    "alerts_status",
    "send_test_alert",
    "saved_replies",
    "save_reply",
    "delete_reply",
    "preview_reply",
    "template_variables",
    "handover_preview",
    "end_shift",
    "start_shift",
    "list_handovers",
    "read_handover",
    "queue_post",
    "assignment_rules",
    "set_assignment_mode",
    "team_status",
    "check_team_database",
    "join_team_database",
    "leave_team_database",
    "restart_app",
  ]);

  // Team mode: each queue's automatic assignment, and which database this desk works in (the personal one here).
  const assignment: AssignmentRule[] = [
    { queue: "support", mode: "off" },
    { queue: "marketing", mode: "off" },
  ];
  let joined: string | null = null;

  function checkTeam(url: string): TeamCheck {
    const address = url.trim();
    if (!/^postgres(ql)?:\/\//.test(address)) {
      deps.fail("invalid_input", `A team database is PostgreSQL: its address starts with postgres://.`);
    }
    if (address.includes("unreachable")) {
      deps.fail("storage", `Earshot could not connect to the team database at ${address}: connection refused.`);
    }
    const encrypted = /sslmode=(require|verify-ca|verify-full)/.test(address);
    return {
      url: address.replace(/:[^:@/]*@/, "@"),
      server: "PostgreSQL 16.4",
      encrypted,
      items: null,
      message:
        "Connected to PostgreSQL 16.4. The database is new: Earshot sets it up on first use." +
        (encrypted ? "" : " Warning: the connection is not encrypted. Add ?sslmode=require (or verify-full) to the address, and turn on TLS on the server."),
    };
  }

  return {
    knows: (cmd: string) => COMMANDS.has(cmd),
    signatureFor,
    repeatWarning,
    noteSent,
    handle(cmd: string, args: Record<string, unknown>): unknown {
      switch (cmd) {
        case "me":
          return agentView(me());
        case "update_me":
          return updateMe(String(args.name ?? ""), String(args.signature ?? ""));
        case "list_agents":
          return roster();
        case "add_agent":
          return addAgent(String(args.name ?? ""), String(args.role ?? ""));
        case "set_duty":
          return setDuty(
            (args.agent as string | null) ?? null,
            Boolean(args.onDuty),
            (args.until as string | null) ?? null,
            (args.handleIds as string[]) ?? [],
          );
        case "handle_settings":
          return deps.handles().map((h) => structuredClone(settingsOf(h.id)));
        case "set_handle_settings":
          return setHandleSettings(args.settings as HandleSettings);
        case "alert_settings":
          return alertSettings();
        case "set_alert_rules":
          return setAlertRules(args.rules as AlertRule[]);
        case "set_dnd":
          return setDnd((args.until as string | null) ?? null);
        case "alerts_status":
          return alertsStatus();
        case "send_test_alert":
          if (deps.failing === "alerts") deps.fail("internal", alertsStatus().problem!);
          console.info("Earshot mock: a test alert — Earshot alerts work");
          return null;
        case "saved_replies":
          return search(String(args.query ?? ""));
        case "save_reply":
          return saveReply(args.request as SaveReplyRequest);
        case "delete_reply":
          return deleteReply(String(args.id));
        case "preview_reply":
          return previewReply(
            String(args.itemId),
            String(args.savedReplyId),
            (args.from as string | null) ?? null,
            (args.values as Record<string, string>) ?? {},
          );
        case "template_variables":
          return VARIABLES;
        case "handover_preview":
          return handoverView({ id: "", summary: gather(me().name, String(args.note ?? ""), stamp()), read_by: null, read_at: null });
        case "end_shift":
          return endShift(args.request as EndShiftRequest);
        case "start_shift":
          return setDuty(null, true, (args.until as string | null) ?? null, (args.handleIds as string[]) ?? []);
        case "list_handovers":
          return handovers.slice(0, Math.max(1, Math.min(50, Number(args.limit) || 1))).map(handoverView);
        case "read_handover": {
          const h = handovers.find((x) => x.id === String(args.id));
          if (!h) deps.fail("not_found", "That handover no longer exists.");
          h.read_by = me().name;
          h.read_at = stamp();
          return null;
        }
        case "queue_post":
          return queuePost(String(args.from ?? ""), String(args.text ?? ""));
        case "assignment_rules":
          return structuredClone(assignment);
        case "set_assignment_mode": {
          const rule = assignment.find((r) => r.queue === args.queue);
          if (!rule) deps.fail("invalid_input", `'${String(args.queue)}' is not a queue; use support or marketing.`);
          rule.mode = args.mode as AssignMode;
          deps.changed("assign");
          return structuredClone(rule);
        }
        case "team_status":
          return { joined, in_team: false, data_dir: "/home/ana/.local/share/earshot", open_error: null } satisfies TeamStatus;
        case "check_team_database":
          return checkTeam(String(args.url ?? ""));
        case "join_team_database": {
          const check = checkTeam(String(args.url ?? ""));
          joined = check.url;
          return { check, moved: null } satisfies JoinedTeam;
        }
        case "leave_team_database":
          joined = null;
          return null;
        case "restart_app":
          console.info("Earshot mock: the app would restart now");
          return null;
        default:
          return deps.fail("internal", `unknown command ${cmd}`);
      }
    },
  };
}
