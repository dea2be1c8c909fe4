// The Reports view's pure logic: periods of whole local days and their presets, the query sent to Rust, the
// figures in words ("1 h 15 min", "80%"), what the charts draw and say to a screen reader, and the export's
// message. Days are "YYYY-MM-DD" strings throughout; date arithmetic is done on the calendar (in UTC, where no
// day is 23 or 25 hours long), never by adding milliseconds to a local time.

import type {
  Attainment,
  DayVolume,
  ExportedFile,
  Network,
  ReportQuery,
  ReportSplit,
  ReportTable,
  Role,
  SentCounts,
  SplitRow,
  TimeStats,
} from "../bindings";
import { formatCount, NETWORK_LABELS, plural, ROLE_LABELS } from "./format";

/** A local calendar day, YYYY-MM-DD. */
export type Day = string;

/** Whole local days, both included. */
export interface Period {
  from: Day;
  to: Day;
}

export type PresetId = "today" | "last-7-days" | "last-30-days" | "this-month" | "last-month";

/** The period buttons, in the order they show. */
export const PRESETS: readonly { id: PresetId; label: string }[] = [
  { id: "today", label: "Today" },
  { id: "last-7-days", label: "Last 7 days" },
  { id: "last-30-days", label: "Last 30 days" },
  { id: "this-month", label: "This month" },
  { id: "last-month", label: "Last month" },
];

/** The period the view opens on. */
export const DEFAULT_PRESET: PresetId = "last-7-days";

/** The longest period Rust reports on (`MAX_DAYS` in crates/engine/src/reports.rs). */
export const MAX_PERIOD_DAYS = 400;

const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

// ---- days ------------------------------------------------------------------------------------------------------

/** Midnight UTC of the day, in ms, or null when the text is not a real calendar day (2026-02-30 is not). */
function utcOf(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function dayOfUtc(t: number): Day {
  const d = new Date(t);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function mustUtc(day: Day): number {
  const t = utcOf(day);
  if (t === null) throw new Error(`not a day: ${day}`);
  return t;
}

/** Whether the text is a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  return utcOf(text) !== null;
}

/** The day `n` days after `day` (before, for a negative `n`). */
export function addDays(day: Day, n: number): Day {
  return dayOfUtc(mustUtc(day) + n * DAY_MS);
}

/** How many days a period holds, both ends included. */
export function daysInPeriod(p: Period): number {
  return Math.round((mustUtc(p.to) - mustUtc(p.from)) / DAY_MS) + 1;
}

/** Every day of the period, in order. */
export function periodDays(p: Period): Day[] {
  const n = daysInPeriod(p);
  const out: Day[] = [];
  for (let i = 0; i < n; i++) out.push(addDays(p.from, i));
  return out;
}

/** The day `now` falls on: in `timeZone` (an IANA name) when given, else on this machine's clock. */
export function localDay(now: number, timeZone?: string): Day {
  if (timeZone) {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    return `${pad(get("year"), 4)}-${pad(get("month"))}-${pad(get("day"))}`;
  }
  const d = new Date(now);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function firstOfMonth(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

/** A preset's period, for the day it is today. */
export function presetPeriod(id: PresetId, today: Day): Period {
  switch (id) {
    case "today":
      return { from: today, to: today };
    case "last-7-days":
      return { from: addDays(today, -6), to: today };
    case "last-30-days":
      return { from: addDays(today, -29), to: today };
    case "this-month":
      return { from: firstOfMonth(today), to: today };
    case "last-month": {
      const lastDay = addDays(firstOfMonth(today), -1);
      return { from: firstOfMonth(lastDay), to: lastDay };
    }
  }
}

/** The preset a period is, today; null for a period of the person's own. */
export function presetOf(p: Period, today: Day): PresetId | null {
  return PRESETS.find((x) => {
    const q = presetPeriod(x.id, today);
    return q.from === p.from && q.to === p.to;
  })?.id ?? null;
}

/** What is wrong with a period typed in, in words (Rust's own for the order and the length); null when fine. */
export function periodProblem(p: { from: string; to: string }): string | null {
  if (!isDay(p.from)) return "Enter the first day of the period as a date.";
  if (!isDay(p.to)) return "Enter the last day of the period as a date.";
  if (p.to < p.from) return "The period ends before it starts.";
  if (daysInPeriod(p) > MAX_PERIOD_DAYS) return `Choose a period of at most ${MAX_PERIOD_DAYS} days.`;
  return null;
}

function parts(day: Day): { y: number; m: number; d: number; weekday: number } {
  const t = new Date(mustUtc(day));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate(), weekday: t.getUTCDay() };
}

/** "Oct 1": a day in a chart's axis or a table's row. */
export function dayLabel(day: Day): string {
  if (!isDay(day)) return day;
  const { m, d } = parts(day);
  return `${MONTHS[m]} ${d}`;
}

/** "Thu, Oct 1, 2026": a day in full, for a chart's hover and a table's first column. */
export function dayLong(day: Day): string {
  if (!isDay(day)) return day;
  const { y, m, d, weekday } = parts(day);
  return `${WEEKDAYS[weekday]}, ${MONTHS[m]} ${d}, ${y}`;
}

/** "Oct 1 – Oct 31, 2026", "Dec 20, 2026 – Jan 5, 2027", or one day: "Oct 1, 2026". */
export function periodLabel(p: Period): string {
  if (!isDay(p.from) || !isDay(p.to)) return `${p.from} – ${p.to}`;
  const a = parts(p.from);
  const b = parts(p.to);
  if (p.from === p.to) return `${MONTHS[a.m]} ${a.d}, ${a.y}`;
  if (a.y === b.y) return `${MONTHS[a.m]} ${a.d} – ${MONTHS[b.m]} ${b.d}, ${b.y}`;
  return `${MONTHS[a.m]} ${a.d}, ${a.y} – ${MONTHS[b.m]} ${b.d}, ${b.y}`;
}

/** Whether the period holds today: its figures change as mentions arrive. */
export function includesDay(p: Period, day: Day): boolean {
  return p.from <= day && day <= p.to;
}

// ---- the query -------------------------------------------------------------------------------------------------

/** The report's filters and breakdown, as the controls hold them; null is "all" (or no breakdown). */
export interface ReportFilters {
  handleId: string | null;
  role: Role | null;
  network: Network | null;
  /** An agent's name, as Rust looks agents up. */
  agent: string | null;
  split: ReportSplit | null;
}

export const NO_FILTERS: ReportFilters = { handleId: null, role: null, network: null, agent: null, split: null };

/** Whether any filter narrows the report (the breakdown does not). */
export function isFiltered(f: ReportFilters): boolean {
  return f.handleId !== null || f.role !== null || f.network !== null || f.agent !== null;
}

/** The query for Rust: the desk's own time zone (null), empty filters left out. */
export function toReportQuery(p: Period, f: ReportFilters): ReportQuery {
  const blank = (v: string | null) => (v === null || v.trim() === "" ? null : v);
  return {
    from: p.from,
    to: p.to,
    time_zone: null,
    handle_id: blank(f.handleId),
    role: blank(f.role),
    network: blank(f.network),
    agent: blank(f.agent),
    split: f.split,
  };
}

/** One string per distinct query, to tell whether an answer is for the query shown. */
export function reportKey(q: ReportQuery): string {
  return [q.from, q.to, q.time_zone, q.handle_id, q.role, q.network, q.agent, q.split].map((v) => v ?? "").join("|");
}

export const SPLIT_LABELS: Record<ReportSplit, string> = {
  handle: "Handle",
  role: "Role",
  network: "Network",
  agent: "Agent",
};

export const SPLITS: readonly ReportSplit[] = ["handle", "role", "network", "agent"];

/** A breakdown row's name: roles and networks in words, and "Unassigned" for items no one holds. */
export function splitRowName(row: Pick<SplitRow, "key" | "name">, by: ReportSplit | null): string {
  if (by === "role" && row.key in ROLE_LABELS) return ROLE_LABELS[row.key as Role];
  if (by === "network" && row.key in NETWORK_LABELS) return NETWORK_LABELS[row.key as Network];
  if (row.key === "" && (by === "agent" || row.name.trim() === "")) return "Unassigned";
  return row.name.trim() === "" ? row.key : row.name;
}

// ---- figures in words ------------------------------------------------------------------------------------------

/** A dash, for a figure there is none of yet. */
export const NONE = "\u2014";

/** Minutes in words, to the nearest minute: "45 min", "1 h 15 min", "2 h", "3 d 4 h"; under half a minute is "under 1 min". */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return NONE;
  const m = Math.round(Math.abs(minutes));
  if (m === 0) return "under 1 min";
  if (m < 60) return `${m} min`;
  if (m < 1440) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  const d = Math.floor(m / 1440);
  const h = Math.round((m % 1440) / 60);
  if (h === 24) return `${d + 1} d`;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** A minutes axis' tick: "30 min", "1.5 h", "2 d". */
export function axisMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) return "";
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 2880) return `${trimZero((Math.round((minutes / 60) * 10) / 10).toFixed(1))} h`;
  return `${trimZero((Math.round((minutes / 1440) * 10) / 10).toFixed(1))} d`;
}

function trimZero(text: string): string {
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/**
 * A share (0 to 1) as a whole percent: "80%". Never rounds up to "100%" while something was missed, nor down to
 * "0%" while something was met: those read "99%" and "under 1%". A dash when there is no share.
 */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return NONE;
  const s = Math.min(1, Math.max(0, share));
  const pct = Math.round(s * 100);
  if (pct === 100 && s < 1) return "99%";
  if (pct === 0 && s > 0) return "under 1%";
  return `${pct}%`;
}

/** `part` as a share of `total`: "12%"; a dash when there is no total. */
export function shareOfTotal(part: number, total: number): string {
  return total > 0 ? formatShare(part / total) : NONE;
}

/** SLA attainment for a card: the share, and what it is of; "Nothing due yet" when no target has come due. */
export function attainmentText(a: Attainment): { value: string; detail: string } {
  if (a.share === null) return { value: "Nothing due yet", detail: "No item has reached its target yet" };
  return { value: formatShare(a.share), detail: `${formatCount(a.met)} of ${formatCount(a.met + a.missed)} met the target` };
}

/** Median and 90th percentile for a card, and how many items they are over. */
export function timeStatsText(s: TimeStats, none: string): { median: string; p90: string; detail: string } {
  if (s.count === 0 || s.median_minutes === null) return { median: NONE, p90: NONE, detail: none };
  return { median: formatMinutes(s.median_minutes), p90: formatMinutes(s.p90_minutes), detail: `Over ${plural(s.count, "item")}` };
}

/** Every action that reached its network. */
export function sentTotal(s: SentCounts): number {
  return s.replies + s.direct_messages + s.boosts + s.likes + s.posts;
}

/** The actions sent, by kind, in words: ["12 replies", "3 direct messages", …]; kinds with none left out. */
export function sentParts(s: SentCounts): string[] {
  const out: string[] = [];
  if (s.replies) out.push(`${formatCount(s.replies)} ${s.replies === 1 ? "reply" : "replies"}`);
  if (s.direct_messages) out.push(plural(s.direct_messages, "direct message"));
  if (s.boosts) out.push(plural(s.boosts, "boost"));
  if (s.likes) out.push(plural(s.likes, "like"));
  if (s.posts) out.push(plural(s.posts, "post"));
  return out;
}

/** The shares of the period's mentions the summary shows, each as a percent of all mentions. */
export function volumeShares(t: DayVolume): { key: string; label: string; count: number; share: string }[] {
  return [
    { key: "actionable", label: "Actionable", count: t.actionable, share: shareOfTotal(t.actionable, t.total) },
    { key: "spam", label: "Spam", count: t.spam, share: shareOfTotal(t.spam, t.total) },
    { key: "complaint", label: "Complaints", count: t.complaint, share: shareOfTotal(t.complaint, t.total) },
    { key: "question", label: "Questions", count: t.question, share: shareOfTotal(t.question, t.total) },
    { key: "praise", label: "Praise", count: t.praise, share: shareOfTotal(t.praise, t.total) },
  ];
}

// ---- charts ----------------------------------------------------------------------------------------------------

/** One line of a chart: its name, its colour (a CSS custom property, read when drawing) and a value per day. */
export interface ChartSeries {
  label: string;
  colorVar: string;
  /** A dash pattern, so lines differ by more than colour. */
  dash: number[];
  values: (number | null)[];
}

type VolumeKey = "total" | "actionable" | "spam" | "complaint" | "question" | "praise";

const VOLUME_LINES: readonly { key: VolumeKey; label: string; colorVar: string; dash: number[] }[] = [
  { key: "total", label: "Total", colorVar: "--chart-total", dash: [] },
  { key: "actionable", label: "Actionable", colorVar: "--chart-actionable", dash: [] },
  { key: "spam", label: "Spam", colorVar: "--chart-spam", dash: [2, 3] },
  { key: "complaint", label: "Complaints", colorVar: "--chart-complaint", dash: [8, 4] },
  { key: "question", label: "Questions", colorVar: "--chart-question", dash: [8, 3, 2, 3] },
  { key: "praise", label: "Praise", colorVar: "--chart-praise", dash: [4, 4] },
];

/** The volume chart's lines: total, actionable, spam, complaints, questions and praise per day. */
export function volumeSeries(days: readonly DayVolume[]): ChartSeries[] {
  return VOLUME_LINES.map((l) => ({ label: l.label, colorVar: l.colorVar, dash: l.dash, values: days.map((d) => d[l.key]) }));
}

/** The response chart's line: each day's median first response, in minutes (none on a day without replies). */
export function responseSeries(days: readonly DayVolume[]): ChartSeries[] {
  return [
    {
      label: "Median first response",
      colorVar: "--chart-response",
      dash: [],
      values: days.map((d) => d.first_response_median_minutes),
    },
  ];
}

/** The steps a counts axis may go up in: whole mentions only. */
export const COUNT_STEPS: readonly number[] = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

/** The steps a minutes axis may go up in: minutes, quarter and half hours, hours, days, weeks. */
export const MINUTE_STEPS: readonly number[] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1_440, 2_880, 4_320, 7_200, 10_080, 20_160, 43_200];

/** Which days (by index) an axis labels: at most `maxTicks`, evenly spaced, always the first. */
export function dayTicks(count: number, maxTicks: number): number[] {
  if (count <= 0) return [];
  const room = Math.max(1, Math.floor(maxTicks));
  const step = Math.max(1, Math.ceil(count / room));
  const out: number[] = [];
  for (let i = 0; i < count; i += step) out.push(i);
  return out;
}

/** What the volume chart shows, in one sentence, for its accessible name. */
export function volumeSummary(days: readonly DayVolume[]): string {
  const total = days.reduce((n, d) => n + d.total, 0);
  if (days.length === 0) return "Mentions per day: no days in the period.";
  const span = days.length === 1 ? dayLong(days[0]!.day) : `${dayLabel(days[0]!.day)} to ${dayLabel(days[days.length - 1]!.day)}`;
  if (total === 0) return `Mentions per day, ${span}: no mentions.`;
  const busiest = days.reduce((best, d) => (d.total > best.total ? d : best), days[0]!);
  return `Mentions per day, ${span}: ${plural(total, "mention")} in all; the busiest day was ${dayLabel(busiest.day)} with ${formatCount(busiest.total)}.`;
}

/** What the response chart shows, in one sentence, for its accessible name. */
export function responseSummary(days: readonly DayVolume[]): string {
  if (days.length === 0) return "Median first response per day: no days in the period.";
  const span = days.length === 1 ? dayLong(days[0]!.day) : `${dayLabel(days[0]!.day)} to ${dayLabel(days[days.length - 1]!.day)}`;
  const known = days.filter((d) => d.first_response_median_minutes !== null);
  if (known.length === 0) return `Median first response per day, ${span}: no first responses yet.`;
  const values = known.map((d) => d.first_response_median_minutes!);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const range = low === high ? formatMinutes(low) : `from ${formatMinutes(low)} to ${formatMinutes(high)}`;
  const without = days.length - known.length;
  const gap = without === 0 ? "" : `; ${plural(without, "day")} without a first response`;
  return `Median first response per day, ${span}: ${range}${gap}.`;
}

// ---- the Now panel ---------------------------------------------------------------------------------------------

const QUEUE_LABELS: Record<string, string> = { actionable: "Actionable", spam: "Spam", other: "Other" };

/** A queue's name in words: "Actionable"; one Rust adds later as it comes. */
export function queueLabel(name: string): string {
  return QUEUE_LABELS[name] ?? name;
}

// ---- tables and export -----------------------------------------------------------------------------------------

export const TABLE_LABELS: Record<ReportTable, string> = {
  days: "Days",
  split: "Breakdown",
  authors: "Top authors",
  customers: "Customers with the most open items",
};

/** What Export CSV says when the file is saved: "Saved 12 rows to /home/ana/Downloads/earshot-days-….csv". */
export function exportedText(file: ExportedFile): string {
  return `Saved ${plural(file.rows, "row")} to ${file.path}`;
}

/** The empty state's hint: what to try when a period has no mentions. */
export function emptyHint(filters: ReportFilters): string {
  return isFiltered(filters)
    ? "Nothing matches these filters in this period. Clear the filters or choose a longer period."
    : "Choose a longer period, or connect a handle in Accounts so its mentions come in.";
}
