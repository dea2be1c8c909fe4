// Reports for the in-browser mock backend (`npm run dev` without Tauri), and for the tests of the view's data:
// `report`, `report_now` and `export_report`, worked out from the mock's own rows. Never shipped.
//
// How the figures are made up, the same every time for the same rows:
//   - Volume counts each row written in the period (by `created_at`, in local days), its queue and intent as triage
//     left them; intents count only rows that are not spam.
//   - A row was answered when it waits on the customer, was resolved, or is done (and not ignored); so were most
//     open actionable rows over two hours old. Its first response took 3 min to about 5 h, drawn from its ID; a
//     resolved row took a while longer to resolve.
//   - SLA targets are 60 min to first response and 24 h to resolution (every handle alike). An unanswered
//     actionable row older than its target missed it; one still inside its target counts neither way.
//   - Sent: a reply per answered row (every fifth a direct message instead), a like for answered praise, a boost for
//     every third, and a shift post per week of the period.
//   - Top customers: authors with a name and open actionable items, their "standing" drawn from their handle.
// A long period takes a little longer (a year about 1.5 s), so the loading state shows.
// ?fail=report makes `report` fail, ?fail=now makes `report_now` fail, ?fail=export makes the export fail.

import type {
  AgentView,
  Attainment,
  DayVolume,
  ExportedFile,
  HandleSummary,
  InboxRow,
  NowReport,
  Report,
  ReportQuery,
  ReportSplit,
  ReportTable,
  SentCounts,
  SplitRow,
  TimeStats,
  TopAuthor,
  TopCustomer,
  WaitingCount,
  WaitingItem,
} from "../bindings";
import { isDay, localDay, MAX_PERIOD_DAYS, periodDays } from "../lib/reports";

export interface ReportsDeps {
  /** Every row, as Rust lists them now (stage, SLA headline and holder filled in). */
  rows: () => InboxRow[];
  handles: () => HandleSummary[];
  agents: () => AgentView[];
  now: () => number;
  sleep: (ms: number) => Promise<unknown>;
  fail: (code: "not_found" | "invalid_input" | "storage" | "network" | "internal", message: string) => never;
  failing: string | null;
  /** Where exports are "saved"; the Downloads folder of the demo's home by default. */
  downloads?: string;
}

const MIN = 60_000;
const FIRST_TARGET = 60;
const RESOLVE_TARGET = 24 * 60;
const TOP_SHOWN = 10;
const BREACHES_SHOWN = 20;

/** A number from 0 to 1 drawn from a text, the same every time (FNV-1a). */
export function drawn(text: string, salt = 0): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

/** A quantile by linear interpolation between the nearest ranks, as Rust works it (the median of 30 and 120 is 75). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function stats(minutes: number[]): TimeStats {
  const sorted = [...minutes].sort((a, b) => a - b);
  return { count: sorted.length, median_minutes: quantile(sorted, 0.5), p90_minutes: quantile(sorted, 0.9) };
}

function attainment(met: number, missed: number): Attainment {
  return { met, missed, share: met + missed === 0 ? null : met / (met + missed) };
}

function emptyVolume(day = ""): DayVolume {
  return { day, total: 0, spam: 0, actionable: 0, complaint: 0, question: 0, praise: 0, first_response_median_minutes: null };
}

function noneSent(): SentCounts {
  return { replies: 0, direct_messages: 0, boosts: 0, likes: 0, posts: 0 };
}

/** What the mock makes of one row's work: when it was first answered and resolved, in minutes from its start. */
interface Worked {
  spam: boolean;
  actionable: boolean;
  praise: boolean;
  firstMinutes: number | null;
  resolveMinutes: number | null;
  ageMinutes: number;
}

function workedOf(r: InboxRow, now: number): Worked {
  const spam = r.triage?.queue === "spam";
  const actionable = r.triage?.queue === "actionable";
  const ageMinutes = Math.max(0, (now - Date.parse(r.created_at)) / MIN);
  // Most actionable items a couple of hours old were replied to already, though still open (a conversation).
  const replied = actionable && r.status === "open" && ageMinutes > 120 && drawn(r.id, 7) < 0.8;
  const answered = !spam && (replied || r.stage === "waiting" || r.stage === "resolved" || (r.status === "done" && r.stage !== "ignored"));
  const a = drawn(r.id, 1);
  let firstMinutes = answered ? Math.min(ageMinutes, 3 + Math.round(a * a * a * 300)) : null;
  if (r.sla?.kind === "first_response" && r.sla.took_minutes !== null) firstMinutes = r.sla.took_minutes;
  const resolveMinutes =
    r.stage === "resolved" && firstMinutes !== null ? Math.min(ageMinutes, firstMinutes + 30 + Math.round(drawn(r.id, 2) * 2400)) : null;
  return { spam, actionable, praise: !spam && r.triage?.intent === "praise", firstMinutes, resolveMinutes, ageMinutes };
}

/** A running tally of volume, times, SLAs and actions sent, for the whole period, a day or a breakdown row. */
class Tally {
  volume = emptyVolume();
  first: number[] = [];
  resolve: number[] = [];
  firstMet = 0;
  firstMissed = 0;
  resolveMet = 0;
  resolveMissed = 0;
  sent = noneSent();

  add(r: InboxRow, w: Worked): void {
    const v = this.volume;
    v.total += 1;
    if (w.spam) v.spam += 1;
    if (w.actionable) v.actionable += 1;
    if (!w.spam) {
      if (r.triage?.intent === "complaint") v.complaint += 1;
      if (r.triage?.intent === "question") v.question += 1;
      if (r.triage?.intent === "praise") v.praise += 1;
    }
    if (w.firstMinutes !== null) {
      this.first.push(w.firstMinutes);
      if (drawn(r.id, 3) < 0.2) this.sent.direct_messages += 1;
      else this.sent.replies += 1;
      if (w.praise) this.sent.likes += 1;
      if (w.praise && drawn(r.id, 4) < 0.34) this.sent.boosts += 1;
    }
    if (w.resolveMinutes !== null) this.resolve.push(w.resolveMinutes);
    if (!w.actionable) return;
    if (w.firstMinutes !== null) {
      if (w.firstMinutes <= FIRST_TARGET) this.firstMet += 1;
      else this.firstMissed += 1;
    } else if (w.ageMinutes > FIRST_TARGET) this.firstMissed += 1;
    if (w.resolveMinutes !== null) {
      if (w.resolveMinutes <= RESOLVE_TARGET) this.resolveMet += 1;
      else this.resolveMissed += 1;
    } else if (w.ageMinutes > RESOLVE_TARGET) this.resolveMissed += 1;
  }

  row(key: string, name: string): SplitRow {
    return {
      key,
      name,
      volume: { ...this.volume },
      first_response: stats(this.first),
      resolution: stats(this.resolve),
      first_response_sla: attainment(this.firstMet, this.firstMissed),
      resolution_sla: attainment(this.resolveMet, this.resolveMissed),
      sent: { ...this.sent },
    };
  }
}

export function createReportsMock(deps: ReportsDeps) {
  const downloads = deps.downloads ?? "/home/demo/Downloads";
  /** The files exports have "written", so a second export of the same table gets " (2)", as Rust does. */
  const written = new Set<string>();

  function zoneOf(q: ReportQuery): string | undefined {
    const zone = q.time_zone?.trim();
    if (!zone) return undefined;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
      deps.fail("invalid_input", `'${zone}' is not a time zone; use a name such as Europe/Berlin.`);
    }
    return zone;
  }

  function check(q: ReportQuery): void {
    for (const raw of [q.from, q.to]) {
      if (!isDay(raw.trim())) deps.fail("invalid_input", `'${raw}' is not a date; use YYYY-MM-DD, such as 2026-11-30.`);
    }
    if (q.to.trim() < q.from.trim()) deps.fail("invalid_input", "The period ends before it starts.");
    if (periodDays({ from: q.from.trim(), to: q.to.trim() }).length > MAX_PERIOD_DAYS) {
      deps.fail("invalid_input", `Choose a period of at most ${MAX_PERIOD_DAYS} days.`);
    }
  }

  function agentNamed(name: string): AgentView {
    const found = deps.agents().find((a) => a.name.toLowerCase() === name.trim().toLowerCase());
    if (!found) deps.fail("not_found", `No one called '${name.trim()}' is on the team. Add them in Settings → Team first.`);
    return found;
  }

  /** The rows the query's filters keep, whenever written. */
  function filtered(q: ReportQuery): InboxRow[] {
    const agent = q.agent?.trim() ? agentNamed(q.agent) : null;
    return deps.rows().filter(
      (r) =>
        (!q.handle_id || r.handles.some((h) => h.id === q.handle_id)) &&
        (!q.role || r.handles.some((h) => h.role === q.role)) &&
        (!q.network || r.network === q.network) &&
        (!agent || r.held_by === agent.name),
    );
  }

  function splitKeys(by: ReportSplit, r: InboxRow): { key: string; name: string }[] {
    switch (by) {
      case "handle":
        return r.handles.map((h) => ({ key: h.id, name: h.account }));
      case "role":
        return [...new Set(r.handles.map((h) => h.role))].map((role) => ({ key: role, name: role }));
      case "network":
        return [{ key: r.network, name: r.network }];
      case "agent": {
        const a = r.held_by ? deps.agents().find((x) => x.name === r.held_by) : undefined;
        return [a ? { key: a.id, name: a.name } : { key: "", name: "" }];
      }
    }
  }

  function topAuthors(inPeriod: InboxRow[], all: InboxRow[]): TopAuthor[] {
    const open = new Map<string, number>();
    for (const r of all) {
      if (r.status === "open" && r.triage?.queue === "actionable") {
        const k = `${r.network} ${r.author_handle}`;
        open.set(k, (open.get(k) ?? 0) + 1);
      }
    }
    const by = new Map<string, TopAuthor>();
    for (const r of inPeriod) {
      if (r.triage?.queue === "spam") continue;
      const k = `${r.network} ${r.author_handle}`;
      const a = by.get(k) ?? {
        network: r.network,
        handle: r.author_handle,
        name: r.author_name,
        followers: 0,
        verified: false,
        mentions: 0,
        open_items: open.get(k) ?? 0,
      };
      a.mentions += 1;
      a.followers = Math.max(a.followers, r.author_followers);
      a.verified ||= r.author_verified;
      by.set(k, a);
    }
    return [...by.values()].sort((a, b) => b.followers - a.followers || a.handle.localeCompare(b.handle)).slice(0, TOP_SHOWN);
  }

  function topCustomers(all: InboxRow[]): TopCustomer[] {
    const by = new Map<string, TopCustomer>();
    for (const r of all) {
      if (r.status !== "open" || r.triage?.queue !== "actionable" || !r.author_name) continue;
      const id = `c${Math.floor(drawn(r.author_name, 5) * 100_000)}`;
      const c = by.get(id) ?? {
        contact_id: id,
        name: r.author_name,
        standing: ["Gold tier · $4,200 lifetime value", "Enterprise", null, "Silver tier"][Math.floor(drawn(r.author_name, 6) * 4)] ?? null,
        open_items: 0,
        accounts: [],
      };
      c.open_items += 1;
      const account = `@${r.author_handle} on ${r.network}`;
      if (!c.accounts.includes(account)) c.accounts.push(account);
      by.set(id, c);
    }
    return [...by.values()]
      .filter((c) => c.open_items > 0)
      .sort((a, b) => b.open_items - a.open_items || a.name.localeCompare(b.name))
      .slice(0, TOP_SHOWN);
  }

  function build(q: ReportQuery): Report {
    check(q);
    const zone = zoneOf(q);
    const from = q.from.trim();
    const to = q.to.trim();
    const now = deps.now();
    const all = filtered(q);
    const inPeriod = all.filter((r) => {
      const day = localDay(Date.parse(r.created_at), zone);
      return from <= day && day <= to;
    });

    const total = new Tally();
    const perDay = new Map(periodDays({ from, to }).map((d) => [d, new Tally()]));
    const split = new Map<string, { name: string; tally: Tally }>();
    for (const r of inPeriod) {
      const w = workedOf(r, now);
      total.add(r, w);
      perDay.get(localDay(Date.parse(r.created_at), zone))?.add(r, w);
      if (q.split) {
        for (const { key, name } of splitKeys(q.split, r)) {
          const entry = split.get(key) ?? { name, tally: new Tally() };
          entry.tally.add(r, w);
          split.set(key, entry);
        }
      }
    }
    // The shift posts: one a week of the period, from whoever was on duty.
    total.sent.posts = Math.floor(perDay.size / 7);

    const days: DayVolume[] = [...perDay].map(([day, t]) => ({
      ...t.volume,
      day,
      first_response_median_minutes: stats(t.first).median_minutes,
    }));
    const whole = total.row("", "");
    return {
      from,
      to,
      time_zone: zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      days,
      totals: whole.volume,
      first_response: whole.first_response,
      resolution: whole.resolution,
      first_response_sla: whole.first_response_sla,
      resolution_sla: whole.resolution_sla,
      sent: whole.sent,
      split_by: q.split,
      split: [...split]
        .map(([key, { name, tally }]) => tally.row(key, name))
        .sort((a, b) => b.volume.total - a.volume.total || a.name.localeCompare(b.name)),
      top_authors: topAuthors(inPeriod, all),
      top_customers: topCustomers(all),
    };
  }

  async function report(q: ReportQuery): Promise<Report> {
    if (deps.failing === "report") deps.fail("storage", "Earshot could not read the figures for this period. Try again.");
    const built = build(q);
    await deps.sleep(Math.min(1500, built.days.length * 4));
    return built;
  }

  function now(): NowReport {
    if (deps.failing === "now") deps.fail("storage", "Earshot could not read what is waiting now. Try again.");
    const at = deps.now();
    const open = deps.rows().filter((r) => r.status === "open");
    const queues = new Map<string, number>();
    for (const r of open) {
      const q = r.triage?.queue ?? "other";
      queues.set(q, (queues.get(q) ?? 0) + 1);
    }
    const by_queue: WaitingCount[] = ["actionable", "other", "spam"]
      .filter((q) => queues.has(q))
      .map((q) => ({ name: q, handle_id: null, count: queues.get(q)! }));
    const actionable = open.filter((r) => r.triage?.queue === "actionable");
    const handles = new Map<string, WaitingCount>();
    for (const r of actionable) {
      for (const h of r.handles) {
        const c = handles.get(h.id) ?? { name: h.account, handle_id: h.id, count: 0 };
        c.count += 1;
        handles.set(h.id, c);
      }
    }
    const by_handle = [...handles.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    const waiting: WaitingItem[] = actionable
      .filter((r) => !(r.sla?.kind === "first_response" && r.sla.took_minutes !== null))
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map((r) => ({
        item_id: r.id,
        author: `@${r.author_handle}`,
        handle: r.handles[0] ? `@${r.handles[0].account}` : null,
        waited_minutes: Math.max(0, Math.floor((at - Date.parse(r.created_at)) / MIN)),
        sla: r.sla?.kind === "first_response" ? r.sla : null,
      }));
    const breaches = waiting
      .filter((w) => w.sla?.state === "breached")
      .sort((a, b) => (a.sla?.remaining_minutes ?? 0) - (b.sla?.remaining_minutes ?? 0))
      .slice(0, BREACHES_SHOWN);
    return { by_queue, by_handle, oldest: waiting[0] ?? null, breaches, agents: deps.agents() };
  }

  const FILE_KIND: Record<ReportTable, string> = { days: "days", split: "breakdown", authors: "top-authors", customers: "customers" };

  function rowsOf(r: Report, table: ReportTable): number {
    switch (table) {
      case "days":
        return r.days.length;
      case "split":
        return r.split.length;
      case "authors":
        return r.top_authors.length;
      case "customers":
        return r.top_customers.length;
    }
  }

  async function exportReport(q: ReportQuery, table: ReportTable): Promise<ExportedFile> {
    const built = await report(q);
    const stem = `${downloads}/earshot-${FILE_KIND[table]}-${built.from}-to-${built.to}`;
    let path = `${stem}.csv`;
    for (let n = 2; written.has(path); n++) path = `${stem} (${n}).csv`;
    if (deps.failing === "export") deps.fail("invalid_input", `Could not save ${path}: Permission denied (os error 13)`);
    written.add(path);
    return { path, rows: rowsOf(built, table) };
  }

  const COMMANDS = new Set(["report", "report_now", "export_report"]);

  return {
    knows: (cmd: string) => COMMANDS.has(cmd),
    handle(cmd: string, args: Record<string, unknown>): unknown {
      switch (cmd) {
        case "report":
          return report(args.query as ReportQuery);
        case "report_now":
          return now();
        case "export_report":
          return exportReport(args.query as ReportQuery, args.table as ReportTable);
        default:
          return deps.fail("internal", `unknown command ${cmd}`);
      }
    },
  };
}
