// Pure helpers for Settings → Handles: SLA minutes in words, and the weekly hours editor (one row per weekday with
// an open checkbox and from/to times) turned into the `Schedule` Rust keeps, and back. Rust checks what is saved.

import type { Schedule, SlaPolicy, Span } from "../bindings";

/** ISO weekdays, as `Span.day` numbers them: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS: readonly { day: number; name: string }[] = [
  { day: 1, name: "Monday" },
  { day: 2, name: "Tuesday" },
  { day: 3, name: "Wednesday" },
  { day: 4, name: "Thursday" },
  { day: 5, name: "Friday" },
  { day: 6, name: "Saturday" },
  { day: 7, name: "Sunday" },
];

/** "45 min", "1 h", "1 h 30 min", "2 days 4 h"; "" for nothing. */
export function minutesInWords(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes) || minutes <= 0) return "";
  const m = Math.round(minutes);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} ${days === 1 ? "day" : "days"}`);
  if (hours > 0) parts.push(`${hours} h`);
  if (mins > 0) parts.push(`${mins} min`);
  return parts.join(" ");
}

/**
 * A minutes field as typed: empty is no target (null); a whole number is that many minutes. Anything else is a
 * problem in words (Rust checks the range).
 */
export function parseMinutes(text: string): { value: number | null } | { problem: string } {
  const t = text.trim();
  if (t === "") return { value: null };
  if (!/^\d+$/.test(t)) return { problem: "Type whole minutes, such as 90, or leave it empty for no target." };
  return { value: Number(t) };
}

/** The helper text under a minutes field: "1 h 30 min", or "No target" when empty. */
export function minutesHelp(text: string): string {
  const parsed = parseMinutes(text);
  if ("problem" in parsed) return "";
  return parsed.value === null ? "No target" : minutesInWords(parsed.value) || "0 min";
}

/** One weekday row of the editor. A day with several openings shows its first; the others are kept as they are. */
export interface DayRow {
  day: number;
  open: boolean;
  /** "HH:MM". */
  start: string;
  /** "HH:MM"; at or before `start` runs past midnight. "00:00" is midnight at the end of the day. */
  end: string;
  others: { start: string; end: string }[];
}

export interface ScheduleDraft {
  /** Whether the handle has these hours at all (business hours off: around the clock; quiet hours off: never). */
  enabled: boolean;
  timeZone: string;
  days: DayRow[];
}

/** The times a day that was never open starts with in the editor. */
export interface DefaultTimes {
  start: string;
  end: string;
}

export const BUSINESS_DEFAULT: DefaultTimes = { start: "09:00", end: "17:00" };
export const QUIET_DEFAULT: DefaultTimes = { start: "22:00", end: "07:00" };

/** `<input type="time">` cannot show "24:00": the end of the day shows as "00:00", which means the same here. */
function forInput(time: string): string {
  const t = time.trim();
  if (t === "24:00") return "00:00";
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  return m ? `${m[1]!.padStart(2, "0")}:${m[2]}` : t;
}

/** The editor's rows for a schedule (or none: every day closed, with `fallbackZone` and the default times). */
export function scheduleToDraft(schedule: Schedule | null, fallbackZone: string, defaults: DefaultTimes): ScheduleDraft {
  const days = WEEKDAYS.map(({ day }): DayRow => {
    const spans = (schedule?.spans ?? []).filter((s) => s.day === day);
    const first = spans[0];
    return {
      day,
      open: first !== undefined,
      start: first ? forInput(first.start) : defaults.start,
      end: first ? forInput(first.end) : defaults.end,
      others: spans.slice(1).map((s) => ({ start: s.start, end: s.end })),
    };
  });
  return { enabled: schedule !== null, timeZone: schedule?.time_zone || fallbackZone, days };
}

/** The schedule to save, or null when the hours are off. An end of "00:00" is written as "24:00". */
export function draftToSchedule(draft: ScheduleDraft): Schedule | null {
  if (!draft.enabled) return null;
  const spans: Span[] = [];
  for (const row of draft.days) {
    if (!row.open) continue;
    spans.push({ day: row.day, start: row.start, end: row.end === "00:00" ? "24:00" : row.end });
    for (const o of row.others) spans.push({ day: row.day, start: o.start, end: o.end });
  }
  return { time_zone: draft.timeZone.trim(), spans };
}

function minutesOf(time: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether a row's opening runs past midnight (its end is at or before its start, midnight itself aside). */
export function runsOvernight(row: Pick<DayRow, "start" | "end">): boolean {
  const start = minutesOf(row.start);
  const end = minutesOf(row.end);
  if (start === null || end === null) return false;
  if (end === 0 || row.end.trim() === "24:00") return false;
  return end <= start;
}

/** The note beside an overnight row: "Until 07:00 on Tuesday". "" for a row that ends the same day. */
export function overnightNote(row: Pick<DayRow, "day" | "start" | "end" | "open">): string {
  if (!row.open || !runsOvernight(row)) return "";
  const next = WEEKDAYS[row.day % 7]?.name ?? "the next day";
  return `Until ${row.end} on ${next}`;
}

/** Copies one day's times to the other open days (the "Same hours every open day" button). */
export function copyToOpenDays(draft: ScheduleDraft, from: number): ScheduleDraft {
  const source = draft.days.find((d) => d.day === from);
  if (!source) return draft;
  return {
    ...draft,
    days: draft.days.map((d) => (d.open && d.day !== from ? { ...d, start: source.start, end: source.end } : d)),
  };
}

/** The machine's own time zone, the editor's default. */
export function systemTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Time zones for the select: every IANA zone this system knows, with `current` (and the system's) among them. */
export function timeZoneChoices(current: string, system: string): string[] {
  let zones: string[] = [];
  try {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    zones = intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  for (const z of [current, system, "UTC"]) if (z.trim() !== "") all.add(z);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** The SLA part of the form, as typed. */
export interface SlaDraft {
  firstResponse: string;
  resolution: string;
  businessHoursOnly: boolean;
}

export function slaToDraft(sla: SlaPolicy): SlaDraft {
  return {
    firstResponse: sla.first_response_minutes === null ? "" : String(sla.first_response_minutes),
    resolution: sla.resolution_minutes === null ? "" : String(sla.resolution_minutes),
    businessHoursOnly: sla.business_hours_only,
  };
}

/** The policy to save, or the field that cannot be read and why. */
export function draftToSla(
  draft: SlaDraft,
): { sla: SlaPolicy } | { field: "firstResponse" | "resolution"; problem: string } {
  const first = parseMinutes(draft.firstResponse);
  if ("problem" in first) return { field: "firstResponse", problem: first.problem };
  const resolution = parseMinutes(draft.resolution);
  if ("problem" in resolution) return { field: "resolution", problem: resolution.problem };
  return {
    sla: {
      first_response_minutes: first.value,
      resolution_minutes: resolution.value,
      business_hours_only: draft.businessHoursOnly,
    },
  };
}
