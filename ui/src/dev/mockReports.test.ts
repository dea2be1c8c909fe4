import { describe, expect, it } from "vitest";
import type {
  AgentView,
  ApiError,
  ExportedFile,
  HandleSummary,
  InboxRow,
  Intent,
  NowReport,
  Queue,
  Report,
  ReportQuery,
  SlaTimerView,
  Stage,
} from "../bindings";
import { localDay } from "../lib/reports";
import { createReportsMock, quantile } from "./mockReports";

const NOW = Date.parse("2026-10-20T12:00:00Z");
const HOUR = 3_600_000;

const HANDLES: HandleSummary[] = [
  { id: "h1", network: "bluesky", account: "help.bsky.social", role: "support", display_name: null, open_count: 0 },
  { id: "h2", network: "x", account: "Brand", role: "marketing", display_name: null, open_count: 0 },
];

const AGENTS = [
  { id: "1", name: "Ana López", role: "agent", on_duty: true, holding: 1, cap: 25 },
  { id: "2", name: "Sam Okafor", role: "lead", on_duty: false, holding: 0, cap: 25 },
].map((a) => ({ signature: "", signature_preview: "", duty_until: null, handle_ids: [], is_me: a.id === "1", ...a })) as AgentView[];

let n = 0;
function row(hoursAgo: number, queue: Queue, intent: Intent, over: Partial<InboxRow> & { stage?: Stage } = {}): InboxRow {
  n += 1;
  const h = over.network === "x" ? HANDLES[1]! : HANDLES[0]!;
  return {
    id: `r${n}`,
    network: h.network,
    author_handle: `author${n}`,
    author_name: `Author ${n}`,
    author_followers: n * 100,
    author_verified: false,
    excerpt: "",
    created_at: new Date(NOW - hoursAgo * HOUR).toISOString(),
    handles: [{ id: h.id, network: h.network, account: h.account, role: h.role }],
    score: 1,
    top_reason: "",
    status: "open",
    triage: { queue, intent, sentiment: "neutral", urgency: null, spam: null, language: null },
    stage: "open",
    snoozed_until: null,
    sla: null,
    held_by: null,
    ...over,
  };
}

function breach(minutes: number): SlaTimerView {
  return { kind: "first_response", state: "breached", target_minutes: 60, due_at: null, remaining_minutes: -minutes, took_minutes: null, label: `First reply ${minutes} min overdue` };
}

function mock(rows: InboxRow[], failing: string | null = null) {
  return createReportsMock({
    rows: () => rows,
    handles: () => HANDLES,
    agents: () => AGENTS,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    fail: (code, message) => {
      throw { code, message } satisfies ApiError;
    },
    failing,
    downloads: "/home/ana/Downloads",
  });
}

const query = (over: Partial<ReportQuery> = {}): ReportQuery => ({
  from: localDay(NOW - 6 * 24 * HOUR),
  to: localDay(NOW),
  time_zone: null,
  handle_id: null,
  role: null,
  network: null,
  agent: null,
  split: null,
  ...over,
});

describe("the reports mock", () => {
  const rows = [
    row(1, "actionable", "complaint"),
    row(2, "actionable", "question", { status: "done", stage: "resolved", held_by: "Ana López" }),
    row(3, "spam", "other"),
    row(30, "actionable", "praise", { network: "x", status: "done", stage: "waiting" }),
    row(50, "other", "other", { network: "x" }),
    row(24 * 20, "actionable", "question"), // before the last 7 days
  ];

  it("counts the period's mentions by day, queue and intent", async () => {
    const r = (await mock(rows).handle("report", { query: query() })) as Report;
    expect(r.days).toHaveLength(7);
    expect(r.totals).toMatchObject({ total: 5, spam: 1, actionable: 3, complaint: 1, question: 1, praise: 1 });
    expect(r.days.reduce((s, d) => s + d.total, 0)).toBe(5);
    expect(r.first_response.count).toBe(2);
    expect(r.sent.replies + r.sent.direct_messages).toBe(2);
    expect(r.sent.likes).toBe(1);
    // The complaint an hour old is still inside its target: it counts neither way.
    expect(r.first_response_sla.met + r.first_response_sla.missed).toBe(2);
  });

  it("filters by network and agent, and splits by handle", async () => {
    const m = mock(rows);
    const x = (await m.handle("report", { query: query({ network: "x", split: "handle" }) })) as Report;
    expect(x.totals.total).toBe(2);
    expect(x.split.map((s) => [s.key, s.volume.total])).toEqual([["h2", 2]]);
    const ana = (await m.handle("report", { query: query({ agent: "ana lópez" }) })) as Report;
    expect(ana.totals.total).toBe(1);
    await expect(m.handle("report", { query: query({ agent: "Nobody" }) })).rejects.toMatchObject({ code: "not_found" });
  });

  it("says what is wrong with a period, in Rust's words", async () => {
    const m = mock(rows);
    await expect(m.handle("report", { query: query({ from: "2026-10-20", to: "2026-10-01" }) })).rejects.toEqual({
      code: "invalid_input",
      message: "The period ends before it starts.",
    });
    await expect(m.handle("report", { query: query({ from: "2026-02-30" }) })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(m.handle("report", { query: query({ from: "2024-01-01" }) })).rejects.toMatchObject({
      message: "Choose a period of at most 400 days.",
    });
  });

  it("says what waits now: by queue and handle, the oldest, and breaches most overdue first", () => {
    const waiting = [
      row(5, "actionable", "question", { sla: breach(30) }),
      row(9, "actionable", "complaint", { sla: breach(240), network: "x" }),
      row(1, "spam", "other"),
    ];
    const now = mock(waiting).handle("report_now", {}) as NowReport;
    expect(now.by_queue).toEqual([
      { name: "actionable", handle_id: null, count: 2 },
      { name: "spam", handle_id: null, count: 1 },
    ]);
    expect(now.by_handle.map((h) => h.count)).toEqual([1, 1]);
    expect(now.oldest?.item_id).toBe(waiting[1]!.id);
    expect(now.oldest?.waited_minutes).toBe(540);
    expect(now.breaches.map((b) => b.item_id)).toEqual([waiting[1]!.id, waiting[0]!.id]);
    expect(now.agents).toHaveLength(2);
  });

  it("saves each export under a new name, with the table's rows counted", async () => {
    const m = mock(rows);
    const first = (await m.handle("export_report", { query: query({ from: "2026-10-01", to: "2026-10-20" }), table: "days" })) as ExportedFile;
    expect(first).toEqual({ path: "/home/ana/Downloads/earshot-days-2026-10-01-to-2026-10-20.csv", rows: 20 });
    const again = (await m.handle("export_report", { query: query({ from: "2026-10-01", to: "2026-10-20" }), table: "days" })) as ExportedFile;
    expect(again.path).toBe("/home/ana/Downloads/earshot-days-2026-10-01-to-2026-10-20 (2).csv");
    const authors = (await m.handle("export_report", { query: query(), table: "authors" })) as ExportedFile;
    expect(authors.path).toContain("earshot-top-authors-");
    expect(authors.rows).toBe(4);
  });

  it("fails on request, to show the view's errors", async () => {
    await expect(mock(rows, "report").handle("report", { query: query() })).rejects.toMatchObject({ code: "storage" });
    expect(() => mock(rows, "now").handle("report_now", {})).toThrow();
    await expect(mock(rows, "export").handle("export_report", { query: query(), table: "days" })).rejects.toMatchObject({
      code: "invalid_input",
    });
  });
});

describe("quantile", () => {
  it("interpolates between the nearest ranks, as Rust does", () => {
    expect(quantile([30, 120], 0.5)).toBe(75);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBeCloseTo(91);
    expect(quantile([], 0.5)).toBeNull();
  });
});
