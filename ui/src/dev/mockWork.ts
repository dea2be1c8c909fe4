// The Work section for the in-browser mock backend (`npm run dev` without Tauri): stages, snoozes that hide items
// until their time, SLA timers, escalation, assignment, internal notes and each item's history. Never shipped.
//
// The demo, among the open mentions in score order: the first is due soon (9 min) and held by Sam Okafor, escalated
// by you (Ana López) because of a refund over $500; the second is an hour overdue; most of the next forty have a
// timer on track, some already met. A few are new (never opened), two wait on the customer, two are snoozed (one
// until tomorrow 09:00), every tenth is yours (Mine, 8). Done items are resolved, every ninth ignored.
// ?fail=escalate makes escalating fail with a storage error, to see it in the dialog.

import type {
  AgentView,
  EscalateRequest,
  InboxQuery,
  InboxRow,
  ItemStatus,
  NoteView,
  PresenceView,
  SlaTimerView,
  Stage,
  TimerKind,
  WorkEvent,
  WorkView,
} from "../bindings";
import { minutesWords, STAGE_LABELS } from "../lib/work";

export interface WorkDeps {
  row: (id: string) => InboxRow | undefined;
  setRow: (id: string, row: InboxRow) => void;
  rows: () => InboxRow[];
  me: () => AgentView;
  agents: () => AgentView[];
  changed: (reason: string) => void;
  fail: (code: "not_found" | "invalid_input" | "storage" | "network" | "internal", message: string) => never;
  failing: string | null;
}

/** What Rust keeps about an item's work beyond the row: timers' times, the role holding it, notes and history. */
interface ItemWork {
  /** When the first reply is due, and when it came; null: no SLA on this item's handles. */
  firstDue: number | null;
  firstAt: number | null;
  resolvedAt: number | null;
  heldRole: string | null;
  heldBecause: string | null;
  notes: NoteView[];
  history: WorkEvent[];
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const MAX_NOTE_CHARS = 5000;
const MAX_SNOOZE_DAYS = 31;
const FIRST_TARGET = 60;
const RESOLVE_TARGET = 24 * 60;

function statusOf(stage: Stage, snoozed: string | null): ItemStatus {
  return (stage === "new" || stage === "open") && snoozed === null ? "open" : "done";
}

/** An SLA timer as Rust's `timer_view` words it. */
function timer(kind: TimerKind, target: number, due: number, doneAt: number | null, now: number): SlaTimerView {
  const what = kind === "first_response" ? "First reply" : "Resolution";
  const start = due - target * MIN;
  if (doneAt !== null) {
    const took = Math.max(0, Math.round((doneAt - start) / MIN));
    const remaining = Math.round((due - doneAt) / MIN);
    const late = remaining < 0;
    return {
      kind,
      state: late ? "met_late" : "met",
      target_minutes: target,
      due_at: new Date(due).toISOString(),
      remaining_minutes: remaining,
      took_minutes: took,
      label: late
        ? `${what} in ${minutesWords(took)}, ${minutesWords(remaining)} over target`
        : `${what} in ${minutesWords(took)}, within target`,
    };
  }
  const remaining = Math.round((due - now) / MIN);
  const state = remaining <= 0 ? "breached" : remaining <= 15 ? "due_soon" : "on_track";
  return {
    kind,
    state,
    target_minutes: target,
    due_at: new Date(due).toISOString(),
    remaining_minutes: remaining,
    took_minutes: null,
    label: state === "breached" ? `${what} ${minutesWords(remaining)} overdue` : `${what} due in ${minutesWords(remaining)}`,
  };
}

export function createWorkMock(deps: WorkDeps) {
  const works = new Map<string, ItemWork>();
  let nextNote = 1;

  function workOf(id: string): ItemWork {
    let w = works.get(id);
    if (!w) {
      w = { firstDue: null, firstAt: null, resolvedAt: null, heldRole: null, heldBecause: null, notes: [], history: [] };
      works.set(id, w);
    }
    return w;
  }

  function rowOf(id: unknown): InboxRow {
    const r = deps.row(String(id ?? ""));
    if (!r) deps.fail("not_found", `Inbox item ${String(id)} no longer exists.`);
    return r;
  }

  function update(id: string, patch: Partial<InboxRow>): InboxRow {
    const r = { ...rowOf(id), ...patch };
    r.status = statusOf(r.stage, r.snoozed_until);
    deps.setRow(id, r);
    return r;
  }

  function event(id: string, kind: string, text: string, at = Date.now(), who: string | null = deps.me().name): void {
    workOf(id).history.push({ at: new Date(at).toISOString(), who, kind, text });
  }

  function timers(id: string, r: InboxRow, now: number): SlaTimerView[] {
    const w = workOf(id);
    if (w.firstDue === null) return [];
    const first = timer("first_response", FIRST_TARGET, w.firstDue, w.firstAt, now);
    const resolveDue = w.firstDue - FIRST_TARGET * MIN + RESOLVE_TARGET * MIN;
    const closed = r.stage === "resolved" || r.stage === "ignored" ? (w.resolvedAt ?? now) : null;
    return [first, timer("resolution", RESOLVE_TARGET, resolveDue, closed, now)];
  }

  /** Like Rust's row headline: the running timer nearest its due time, else the first one met. */
  function headline(list: SlaTimerView[]): SlaTimerView | null {
    const running = list.filter((t) => t.took_minutes === null).sort((a, b) => a.remaining_minutes - b.remaining_minutes);
    return running[0] ?? list[0] ?? null;
  }

  /** Gives the generated rows their stages, timers and holders (see the top of this file). */
  function seed(): void {
    const now = Date.now();
    const me = deps.me().name;
    const lead = deps.agents().find((a) => a.role === "lead")?.name ?? "Sam Okafor";
    const open = deps.rows().filter((r) => r.status === "open" && r.network !== "web");
    open.slice(0, 42).forEach((r, i) => {
      const w = workOf(r.id);
      if (i === 0) w.firstDue = now + 9 * MIN;
      else if (i === 1) w.firstDue = now - 65 * MIN;
      else w.firstDue = now + (20 + ((i * 37) % 300)) * MIN;
      if (i > 2 && i % 7 === 0) w.firstAt = w.firstDue - (10 + i) * MIN;
    });
    open.forEach((r, i) => {
      let stage: Stage = i >= 3 && i % 3 === 0 ? "new" : "open";
      let snoozed: string | null = null;
      if (i === 4 || i === 9) stage = "waiting";
      if (i === 6) {
        const t = new Date(now + 24 * HOUR);
        t.setHours(9, 0, 0, 0);
        snoozed = t.toISOString();
      }
      if (i === 13) snoozed = new Date(now + 2 * HOUR).toISOString();
      const held = i === 0 ? lead : i % 10 === 5 ? me : null;
      update(r.id, { stage, snoozed_until: snoozed, held_by: held });
      const created = Date.parse(r.created_at);
      if (stage === "waiting") event(r.id, "stage", "Marked waiting on customer", created + 2 * HOUR);
      if (snoozed) event(r.id, "snoozed", `Snoozed until ${snoozed}`, created + 3 * HOUR);
      if (held === me) event(r.id, "assigned", `Assigned to ${me}`, created + HOUR);
    });
    const first = open[0];
    if (first) {
      const w = workOf(first.id);
      w.heldBecause = "refund over $500";
      event(first.id, "escalated", `Escalated to ${lead}: refund over $500`, now - 20 * MIN, me);
      w.notes.push({
        id: String(nextNote++),
        conversation: true,
        author: lead,
        body: "Same rider wrote last week about order 10003. Check the refund there first.",
        created_at: new Date(now - 15 * MIN).toISOString(),
      });
    }
    deps
      .rows()
      .filter((r) => r.status === "done" && r.stage === "new" && r.snoozed_until === null)
      .forEach((r, i) => update(r.id, { stage: i % 9 === 4 ? "ignored" : "resolved", snoozed_until: null }));
  }

  /** The row as Rust lists it: with its SLA headline as of now. */
  function decorate(r: InboxRow): InboxRow {
    return { ...r, sla: headline(timers(r.id, r, Date.now())) };
  }

  /** The work part of an `InboxQuery`. */
  function matches(q: InboxQuery, r: InboxRow): boolean {
    if (q.stage && r.stage !== q.stage) return false;
    if (q.snoozed === true && r.snoozed_until === null) return false;
    if (q.snoozed === false && r.snoozed_until !== null) return false;
    if (q.mine === true && r.held_by !== deps.me().name) return false;
    return true;
  }

  /** Brings back snoozed items whose time has come; one that was waiting comes back open (as Rust does). */
  function wake(): void {
    const now = Date.now();
    for (const r of deps.rows()) {
      if (r.snoozed_until && Date.parse(r.snoozed_until) <= now) {
        update(r.id, { snoozed_until: null, stage: r.stage === "waiting" ? "open" : r.stage });
      }
    }
  }

  /** Someone opened the item: it is no longer new. */
  function seen(id: string): void {
    const r = deps.row(id);
    if (r?.stage === "new") update(id, { stage: "open" });
  }

  function setStage(id: string, stage: Stage): null {
    if (!(stage in STAGE_LABELS)) deps.fail("invalid_input", `'${String(stage)}' is not a stage Earshot knows.`);
    rowOf(id);
    update(id, { stage, snoozed_until: null });
    const w = workOf(id);
    w.resolvedAt = stage === "resolved" ? Date.now() : stage === "ignored" ? w.resolvedAt : null;
    event(id, "stage", `Marked ${STAGE_LABELS[stage].toLowerCase()}`);
    deps.changed("status");
    return null;
  }

  function snooze(id: string, until: string): string {
    rowOf(id);
    const at = Date.parse(until);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(until.trim())) {
      deps.fail("invalid_input", `'${until}' is not a time Earshot can read. Use a date and time such as 2026-11-30T09:00:00+01:00.`);
    }
    const now = Date.now();
    if (at <= now) deps.fail("invalid_input", "That time has already passed. Choose a time in the future to snooze until.");
    if (at > now + MAX_SNOOZE_DAYS * 24 * HOUR) {
      deps.fail("invalid_input", `Snooze for at most ${MAX_SNOOZE_DAYS} days. For longer, mark the item waiting or resolved.`);
    }
    const back = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
    update(id, { snoozed_until: back });
    event(id, "snoozed", `Snoozed until ${back}`);
    deps.changed("status");
    return back;
  }

  function agentNamed(name: string): AgentView {
    const found = deps.agents().find((a) => a.name.toLowerCase() === name.trim().toLowerCase());
    if (!found) deps.fail("not_found", `No one called '${name.trim()}' is on the team. Add them in Settings → Team first.`);
    return found;
  }

  function view(id: string): WorkView {
    const r = rowOf(id);
    const w = workOf(id);
    return {
      item_id: id,
      stage: r.stage,
      snoozed_until: r.snoozed_until,
      held_by: r.held_by,
      held_because: w.heldBecause,
      timers: timers(id, r, Date.now()),
      first_response_at: w.firstAt === null ? null : new Date(w.firstAt).toISOString(),
      resolved_at: w.resolvedAt === null ? null : new Date(w.resolvedAt).toISOString(),
      notes: [...w.notes],
      history: [...w.history],
    };
  }

  function escalate(req: EscalateRequest): WorkView {
    rowOf(req.item_id);
    const note = (req.note ?? "").trim();
    if (note === "") deps.fail("invalid_input", "Say why you escalate, so the person taking it over knows where things stand.");
    if ([...note].length > MAX_NOTE_CHARS) deps.fail("invalid_input", `Keep the note under ${MAX_NOTE_CHARS} characters.`);
    const name = req.to_agent?.trim();
    let to: string;
    let role: string | null = null;
    if (name) to = agentNamed(name).name;
    else if (req.to_role === "lead") {
      to = "Team leads";
      role = "lead";
    } else if (req.to_role) {
      deps.fail("invalid_input", `'${req.to_role}' is not a role to escalate to; choose a person or the team leads.`);
    } else deps.fail("invalid_input", "Choose a person or the team leads to escalate to.");
    if (deps.failing === "escalate") deps.fail("storage", "Earshot could not save the escalation. Try again.");
    update(req.item_id, { held_by: to });
    const w = workOf(req.item_id);
    w.heldRole = role;
    w.heldBecause = note;
    event(req.item_id, "escalated", `Escalated to ${to}: ${note}`);
    deps.changed("work");
    return view(req.item_id);
  }

  function assign(id: string, to: string | null): WorkView {
    rowOf(id);
    const agent = to?.trim() ? agentNamed(to) : null;
    update(id, { held_by: agent?.name ?? null });
    const w = workOf(id);
    w.heldRole = null;
    w.heldBecause = null;
    event(id, agent ? "assigned" : "unassigned", agent ? `Assigned to ${agent.name}` : "Unassigned");
    deps.changed("work");
    return view(id);
  }

  function addNote(id: string, body: string, conversation: boolean): WorkView {
    rowOf(id);
    const text = body.trim();
    if (text === "") deps.fail("invalid_input", "Write the note first.");
    if ([...text].length > MAX_NOTE_CHARS) deps.fail("invalid_input", `Keep a note under ${MAX_NOTE_CHARS} characters.`);
    workOf(id).notes.push({
      id: String(nextNote++),
      conversation,
      author: deps.me().name,
      body: text,
      created_at: new Date().toISOString(),
    });
    return view(id);
  }

  /** Who else has the item open: whoever holds it (someone other than you) is writing a reply to it. */
  function presence(id: string | null): PresenceView[] {
    if (id === null) return [];
    const holder = rowOf(id).held_by;
    if (!holder || holder === deps.me().name || holder === "Team leads") return [];
    return [{ agent: holder, activity: "composing", text: `${holder} is writing a reply` }];
  }

  const COMMANDS = new Set(["set_stage", "snooze_item", "item_work", "escalate_item", "assign_item", "add_note", "beat_presence"]);

  return {
    knows: (cmd: string) => COMMANDS.has(cmd),
    seed,
    decorate,
    matches,
    wake,
    seen,
    setStage,
    handle(cmd: string, args: Record<string, unknown>): unknown {
      switch (cmd) {
        case "set_stage":
          return setStage(String(args.id ?? ""), args.stage as Stage);
        case "snooze_item":
          return snooze(String(args.id ?? ""), String(args.until ?? ""));
        case "item_work":
          return view(String(args.id ?? ""));
        case "escalate_item":
          return escalate(args.request as EscalateRequest);
        case "assign_item":
          return assign(String(args.id ?? ""), (args.to as string | null) ?? null);
        case "add_note":
          return addNote(String(args.id ?? ""), String(args.body ?? ""), Boolean(args.conversation));
        case "beat_presence":
          return presence((args.id as string | null) ?? null);
        default:
          return deps.fail("internal", `unknown command ${cmd}`);
      }
    },
  };
}
