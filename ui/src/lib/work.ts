// The agent's day in words: stages, SLA timers shortened for a row, who holds an item, and snooze times computed
// in the person's own time zone (explicitly, so the maths is the same in tests and across a DST change).

import type { InboxRow, SlaTimerView, Stage, TimerKind, TimerState, WorkView } from "../bindings";

/** What a key asks of the reading pane's Work section: `s`, `Shift+E`, `m` or `n`. */
export type WorkKey = "snooze" | "escalate" | "assignMe" | "note";

/** The stages the reading pane offers, in the order an item usually moves through them. */
export const STAGE_CHOICES: readonly Stage[] = ["open", "waiting", "resolved", "ignored"];

/** A stage in words, as Rust's `Stage::label` says it. */
export const STAGE_LABELS: Record<Stage, string> = {
  new: "New",
  open: "Open",
  waiting: "Waiting on customer",
  resolved: "Resolved",
  ignored: "Ignored",
};

/** What the toast says after a stage change (and `z` undoes). */
export function stageToast(stage: Stage): string {
  switch (stage) {
    case "new":
    case "open":
      return "Reopened.";
    case "waiting":
      return "Marked waiting on customer.";
    case "resolved":
      return "Marked resolved.";
    case "ignored":
      return "Ignored.";
  }
}

export interface StageChip {
  text: string;
  /** "new" shows as a small dot and badge; the others as an outlined chip. */
  tone: "new" | "waiting" | "closed";
}

/** A row's stage chip, or null for an item simply open (the list's normal state). */
export function stageChip(stage: Stage): StageChip | null {
  switch (stage) {
    case "open":
      return null;
    case "new":
      return { text: "New", tone: "new" };
    case "waiting":
      return { text: "Waiting", tone: "waiting" };
    case "resolved":
      return { text: "Resolved", tone: "closed" };
    case "ignored":
      return { text: "Ignored", tone: "closed" };
  }
}

/** Minutes as Rust writes them (`engine::minutes_words`): "12 min", "1 h 5 min", "2 d 3 h". Sign ignored. */
export function minutesWords(minutes: number): string {
  const m = Math.abs(Math.trunc(minutes));
  if (m < 60) return `${m} min`;
  if (m < 1440) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

const SHORT_KIND: Record<TimerKind, { due: string; met: string }> = {
  first_response: { due: "Reply", met: "Replied" },
  resolution: { due: "Resolve", met: "Resolved" },
};

/** A timer shortened for a row: "Reply due 12 min", "Reply 1 h 5 min overdue", "Replied in 18 min". */
export function rowTimerText(t: SlaTimerView): string {
  const k = SHORT_KIND[t.kind];
  switch (t.state) {
    case "on_track":
    case "due_soon":
      return `${k.due} due ${minutesWords(t.remaining_minutes)}`;
    case "breached":
      return `${k.due} ${minutesWords(t.remaining_minutes)} overdue`;
    case "met":
      return `${k.met} in ${minutesWords(t.took_minutes ?? 0)}`;
    case "met_late":
      return `${k.met} ${minutesWords(t.remaining_minutes)} late`;
  }
}

/** How a timer looks: amber when due soon, red once breached, muted once met. The words say it too. */
export function timerTone(state: TimerState): "ok" | "soon" | "late" | "done" {
  switch (state) {
    case "on_track":
      return "ok";
    case "due_soon":
      return "soon";
    case "breached":
      return "late";
    case "met":
    case "met_late":
      return "done";
  }
}

/** A timer's state in words, beside its label in the reading pane. */
export const TIMER_STATE_LABELS: Record<TimerState, string> = {
  on_track: "On track",
  due_soon: "Due soon",
  breached: "Overdue",
  met: "Met",
  met_late: "Met late",
};

/** "Held by Sam — refund over $500 (escalated by Ana)"; null when nobody holds the item. */
export function heldText(work: Pick<WorkView, "held_by" | "held_because" | "history">): string | null {
  if (!work.held_by) return null;
  let text = `Held by ${work.held_by}`;
  if (work.held_because) text += ` — ${work.held_because}`;
  // The last hand-over decides: an escalation names who escalated; a later assignment replaces it.
  const last = [...work.history].reverse().find((e) => ["escalated", "assigned", "unassigned"].includes(e.kind));
  if (last?.kind === "escalated" && last.who) text += ` (escalated by ${last.who})`;
  return text;
}

/** The work part of a row, for screen readers: "Waiting on customer. First reply due in 12 min. Held by Sam." */
export function rowWorkText(row: Pick<InboxRow, "stage" | "sla" | "held_by" | "snoozed_until">): string {
  const parts: string[] = [];
  if (row.stage !== "open") parts.push(`${STAGE_LABELS[row.stage]}.`);
  if (row.snoozed_until) parts.push("Snoozed.");
  if (row.sla) parts.push(row.sla.state === "due_soon" ? `${row.sla.label}, due soon.` : `${row.sla.label}.`);
  if (row.held_by) parts.push(`Held by ${row.held_by}.`);
  return parts.join(" ");
}

// ---- times in a time zone ---------------------------------------------------------------------------------------

/** The person's time zone ("Europe/Berlin"); the app passes it to the helpers below. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall-clock time in `zone` at instant `ms`. */
function wallTime(ms: number, zone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatIn(zone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at instant `ms`, in minutes (+60 for Berlin in winter). */
function offsetMinutes(ms: number, zone: string): number {
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The instant a wall-clock time in `zone` names (days and months may overflow: day 32 is the next month's 1st). */
function fromWall(year: number, month: number, day: number, hour: number, minute: number, zone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes: the offset at the guess may differ from the offset at the answer across a DST change.
  const first = guess - offsetMinutes(guess, zone) * 60_000;
  return guess - offsetMinutes(first, zone) * 60_000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as RFC 3339 with the zone's offset: "2026-03-29T09:00:00+02:00". */
export function rfc3339In(ms: number, zone: string): string {
  const w = wallTime(ms, zone);
  const off = offsetMinutes(ms, zone);
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** What an `<input type="datetime-local">` shows for an instant: "2026-03-29T09:00". */
export function toLocalInput(ms: number, zone: string): string {
  const w = wallTime(ms, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The instant a `datetime-local` value names in `zone`, or null when it is not one. */
export function fromLocalInput(value: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return fromWall(year, month, day, hour, minute, zone);
}

export interface SnoozePreset {
  id: "hour" | "three-hours" | "tomorrow" | "monday";
  label: string;
  /** When it ends, as an instant. */
  at: number;
}

/** The snooze menu's presets from `now`: in 1 hour, in 3 hours, tomorrow 09:00, next Monday 09:00. */
export function snoozePresets(now: number, zone: string): SnoozePreset[] {
  const w = wallTime(now, zone);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  // On a Monday, "next Monday" is a week away.
  const toMonday = (1 - weekday + 7) % 7 || 7;
  return [
    { id: "hour", label: "In 1 hour", at: now + 3_600_000 },
    { id: "three-hours", label: "In 3 hours", at: now + 3 * 3_600_000 },
    { id: "tomorrow", label: "Tomorrow 09:00", at: fromWall(w.year, w.month, w.day + 1, 9, 0, zone) },
    { id: "monday", label: "Next Monday 09:00", at: fromWall(w.year, w.month, w.day + toMonday, 9, 0, zone) },
  ];
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Tue 09:00" within the coming week, "Tue 14 Apr 09:00" beyond it (in `zone`). */
export function dayTime(ms: number, now: number, zone: string): string {
  const w = wallTime(ms, zone);
  const weekday = WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()] ?? "";
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  if (ms - now < 6 * 86_400_000 && ms >= now - 86_400_000) return `${weekday} ${time}`;
  return `${weekday} ${w.day} ${MONTHS[w.month - 1] ?? ""} ${time}`;
}

/** "Snoozed until Tue 09:00". */
export function snoozedText(iso: string, now: number, zone: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? "Snoozed" : `Snoozed until ${dayTime(ms, now, zone)}`;
}
