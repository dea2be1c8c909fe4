// An in-memory stand-in for the Rust side, for `npm run dev` in a plain
// browser only (main.ts loads it when `import.meta.env.DEV` and there is no
// Tauri runtime; it never ships in `vite build`).
//
// URL parameters:
//   ?mock=N        start with N generated mentions (default 2000; 0 shows the welcome screen)
//   ?latency=MS    delay every answer (default 30)
//   ?fail=page     make inbox_page fail, to see the error banner
//   ?fail=connect  make connect_mastodon, connect_x (and the browser sign-ins) fail, to see the error in the
//                  Accounts dialog
//   ?fail=spend    make x_spend and set_x_spend fail, to see the spend meter's errors
//   ?accounts=0    start with no connected accounts (the empty state), and no X spend
//   ?fail=send     the first try of every outgoing action fails for a while, to see "Retrying at"
//   ?fail=sources  make the sources list fail, to see its error in the Accounts dialog
//   ?fail=fetch    make Fetch now on a listening source fail: its feed becomes unreachable
//
// Two listening sources start connected (unless ?accounts=0): a Discourse forum's latest topics and a Google
// Alert, whose last fetch could not read two entries. Their web items are in the inbox (unless ?mock=0). Adding
// a source accepts an address that looks like a feed (.rss, .xml, .atom, /feed, /rss, Google Alerts' feeds) and
// refuses any other page as not a feed; a site with "offline" in it cannot be reached.
//
// The browser sign-ins (sign_in_mastodon, sign_in_x) answer after about 3 s, as if the person approved Earshot; a
// server or client ID with "deny" in it refuses instead. cancel_sign_in ends the waiting one with "Connecting was
// cancelled.".
//
// X's spend starts at about 95% of an $11.00 monthly budget, so keyword search is paused and the meter warns; a
// sync of an X account bills a few more reads. Raise the budget (Edit budget and prices) to see it lift. X sign-in
// and token connect give @SpokewiseHelp, or reconnect @SpokewiseJobs while its sign-in is refused.
//
// Outgoing actions go queued -> sending -> sent over a few seconds. One sent from an account whose token or
// app password was refused fails, with a Retry.
//
// Triage is a few keyword rules (dev/mockTriage.ts). label_item answers at once, then triages the open items again
// over a few seconds with progress; near-copies of a labelled item (the same words without handles, links and
// numbers) take its label as "similar". More parameters:
//   ?labels=N      start with N items labelled by agents (some disagreeing with triage), for Settings' figures
//   ?fail=label    make label_item fail
//   ?fail=weights  make set_priority_weights fail after its progress
//
// Contacts (dev/mockContacts.ts): Ana Ortiz (on Bluesky and Mastodon) and Ben Park (Bluesky) are linked customers,
// Ana's Bluesky handle is on a second contact too (a merge candidate), authors named Chloé Quinn are a suggestion,
// everyone else is unknown. Done items show a made-up answer time in the customer's timeline. More parameters:
//   ?fail=customer make item_customer fail, to see the panel's error
//   ?fail=contact  make create_contact and update_contact fail
//   ?fail=import   make a real contact import fail after its progress (Check still works)
// Live CRM connections: a healthy CardDAV address book and a HubSpot whose last sync hit a rate limit (see
// dev/mockContacts.ts for what connecting accepts). More parameters:
//   ?crm=0         start with no CRM connections
//   ?fail=crm      make the CRM connections list fail
//   ?fail=crmsync  make Sync now on a CRM connection fail: its server cannot be reached
//   ?fail=remove   (also) make removing a CRM connection fail
// The Work section (dev/mockWork.ts): stages, snoozes, SLA timers (one due soon, one overdue near the top),
// escalation, notes and history. More parameters:
//   ?fail=escalate make escalate_item fail
//   ?alert=ID      emit open-item for that item after 4 s, as a clicked desktop alert does (try ?alert=m5)
// Reports (dev/mockReports.ts): report, report_now and export_report, worked out from the rows above. More parameters:
//   ?fail=report   make report fail (the view's error)
//   ?fail=now      make report_now fail (the Now panel's error)
//   ?fail=export   make Export CSV fail

import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import {
  labelsWith,
  likeness,
  MOCK_DEFAULT_WEIGHTS,
  qualityOf,
  summaryOf,
  triageReasons,
  type AgentWord,
  type MockWeights,
  type SimilarWord,
} from "./mockTriage";
import { createContactsMock } from "./mockContacts";
// The agent's day (saved replies, team, handle settings, alerts, shifts): dev/mockDesk.ts.
import { createDeskMock } from "./mockDesk";
// The Work section (stages, snoozes, timers, escalation, notes): dev/mockWork.ts.
import { createWorkMock } from "./mockWork";
// Reports (the period's figures, now, CSV export): dev/mockReports.ts.
import { createReportsMock } from "./mockReports";
import type {
  AccountView,
  AgentView,
  AgentLabel,
  ActionKind,
  ActionRequest,
  ApiError,
  ComposeCheck,
  ConversationEntry,
  HandleRef,
  HandleSummary,
  InboxPage,
  InboxQuery,
  InboxRow,
  ItemStatus,
  ItemView,
  Labels,
  Network,
  OutboxView,
  PriorityWeights,
  Progress,
  Reason,
  Role,
  Segment,
  SourceView,
  SpendLine,
  SpendView,
  SyncReport,
  TriageQuality,
  WorkspaceInfo,
  XPrice,
} from "../bindings";

interface Stored {
  row: InboxRow;
  text: string;
  url: string;
  followers: number;
  /** The score and top reason before triage's factors, kept from when the item was made. */
  base?: { score: number; reason: string };
  /** Triage's labels, once triaged. */
  labels?: Labels;
}

const HANDLES: HandleSummary[] = [
  { id: "h1", network: "bluesky", account: "spokewise-help.bsky.social", role: "support", display_name: "Spokewise Help", open_count: 0 },
  { id: "h2", network: "bluesky", account: "spokewise.bsky.social", role: "marketing", display_name: "Spokewise", open_count: 0 },
  { id: "h3", network: "mastodon", account: "spokewise@mastodon.example", role: "support", display_name: null, open_count: 0 },
  { id: "h4", network: "x", account: "SpokewiseBikes", role: "marketing", display_name: "Spokewise on X", open_count: 0 },
  { id: "h5", network: "x", account: "SpokewiseJobs", role: "other", display_name: null, open_count: 0 },
];

/** The listening sources' handles: a source is a handle on the web network, named after its feed's address. */
const WEB_HANDLES: HandleSummary[] = [
  {
    id: "h6",
    network: "web",
    account: "community.spokewise.example/latest.rss",
    role: "support",
    display_name: "Spokewise Community — Latest topics",
    open_count: 0,
  },
  {
    id: "h7",
    network: "web",
    account: "google.com/alerts/feeds/06451237718829021453/8312772043015237106",
    role: "marketing",
    display_name: "Google Alert - spokewise",
    open_count: 0,
  },
];

/** Entries the sources kept, as Rust stores them: the title, a blank line, then the text, all plain. */
const WEB_ENTRIES: {
  handle: string;
  author: string;
  name: string | null;
  url: string;
  text: string;
  hoursAgo: number;
  score: number;
  reason: string;
  status: ItemStatus;
}[] = [
  {
    handle: "h6",
    author: "Priya-Natarajan@community.spokewise.example",
    name: "Priya Natarajan",
    url: "https://community.spokewise.example/t/warranty-claim-for-a-cracked-rack/4182",
    text: "Warranty claim for a cracked Spokewise rack: no answer in 10 days\n\nI sent photos through the warranty form on 2 November and have not heard back. Order 48213. How long does it usually take? The bike is my only way to work.",
    hoursAgo: 5,
    score: 9.3,
    reason: "Negative sentiment",
    status: "open",
  },
  {
    handle: "h6",
    author: "Marta-Lindqvist@community.spokewise.example",
    name: "Marta Lindqvist",
    url: "https://community.spokewise.example/t/tempo-rear-derailleur-skipping/4177",
    text: "Tempo rear derailleur skipping after 200 km\n\nBought a Spokewise Tempo in March. Since last week the chain skips on the 3rd and 4th cog under load. Cable tension looks fine. Has anyone else seen this? <b>Photos below</b>",
    hoursAgo: 9,
    score: 8.6,
    reason: "Asks a question",
    status: "open",
  },
  {
    handle: "h6",
    author: "Kofi-Mensah@community.spokewise.example",
    name: "Kofi Mensah",
    url: "https://community.spokewise.example/t/atlas-or-tempo-for-a-30-km-commute/4160",
    text: "Atlas or Tempo for a 30 km commute?\n\nMostly flat with some gravel at the end. Is the Spokewise Atlas worth the extra weight, or is the Tempo enough?",
    hoursAgo: 30,
    score: 6.2,
    reason: "Asks a question",
    status: "open",
  },
  {
    handle: "h6",
    author: "wheelsmith@community.spokewise.example",
    name: "wheelsmith",
    url: "https://community.spokewise.example/t/firmware-2-3-fixed-my-display-flicker/4101",
    text: "Firmware 2.3 fixed my display flicker\n\nA heads-up for anyone with the flickering Spokewise display: the 2.3 update from the app fixed it for me.",
    hoursAgo: 76,
    score: 3.9,
    reason: "Positive sentiment",
    status: "done",
  },
  {
    handle: "h7",
    author: "bikeradar.example",
    name: null,
    url: "https://www.bikeradar.example/news/spokewise-commuter-brake-lever-recall",
    text: "Spokewise recalls 2024 Commuter brake levers\n\nSpokewise is recalling about 3,200 brake levers fitted to its 2024 Commuter e-bike after reports that the lever can crack in cold weather. Owners can check their frame number at https://spokewise.example/recall.",
    hoursAgo: 3,
    score: 9.6,
    reason: "Posted recently",
    status: "open",
  },
  {
    handle: "h7",
    author: "cyclingweekly.example",
    name: null,
    url: "https://www.cyclingweekly.example/reviews/spokewise-atlas-review",
    text: "Spokewise Atlas review: the commuter e-bike to beat?\n\nFour weeks and 600 km on the Atlas: a quiet motor, a battery that lasts the week, and a price that undercuts most rivals.",
    hoursAgo: 50,
    score: 7.1,
    reason: "Posted recently",
    status: "open",
  },
];

function webItems(): Stored[] {
  const now = Date.now();
  return WEB_ENTRIES.map((e, i) => {
    const handle = WEB_HANDLES.find((h) => h.id === e.handle);
    return {
      text: e.text,
      url: e.url,
      followers: 0,
      row: {
        id: `w${i}`,
        network: "web",
        author_handle: e.author,
        author_name: e.name,
        author_followers: 0,
        author_verified: false,
        excerpt: e.text.replace(/\s+/g, " ").slice(0, 140),
        created_at: new Date(now - e.hoursAgo * 3_600_000).toISOString(),
        handles: handle ? [refOf(handle)] : [],
        score: e.score,
        top_reason: e.reason,
        status: e.status,
        triage: null,
        // The Work fields (dev/mockWork.ts seeds them).
        stage: "new",
        snoozed_until: null,
        sla: null,
        held_by: null,
      },
    };
  });
}

const FIRST = ["Ana", "Ben", "Chloé", "Dev", "Emeka", "Fatima", "Gus", "Hana", "Ivo", "Jun", "Kira", "Lars", "Mina", "Noor"];
const LAST = ["Ortiz", "Park", "Quinn", "Rossi", "Sato", "Tran", "Uddin", "Vega", "Weiss", "Xu", "Young", "Zeller"];
const TEXTS = [
  "my order #{n} still hasn't shipped and it's been two weeks. Can someone help?",
  "the rear derailleur on my new Tempo is skipping gears after 50 km — is this a known issue?",
  "just rode 120 km on the Spokewise Atlas and wow. Best purchase this year 🚲",
  "do you ship to Norway? Checkout keeps saying no.",
  "honestly the customer service from @{h} was amazing today, thank you!",
  "<script>alert('hi')</script> is this how your site escapes text? asking for a friend",
  "any plans for a step-through frame in size XS? My partner would love one.",
  "warranty claim submitted 3 days ago, no reply yet. Ticket {n}.",
  "Love the new colourway! Where can I see it in person? https://spokewise.example/stores",
  "brake recall notice — does it affect the 2024 Commuter? https://spokewise.example/recall/{n}",
  "🔥 Get 10,000 followers FREE today!!! DM me or click here http://cheap-followers.example/{n}",
  "Crypto giveaway for Spokewise fans: send 0.1 ETH, get 1 ETH back. Limited time http://eth-double.example",
  "your app has been down all morning and I can't unlock my bike. Fix this now.",
  "I was charged twice for order #{n}. I want a refund today or I'm disputing it with my bank.",
  "¿Hacéis envíos a España? El pedido {n} sigue sin llegar.",
  "saw three Spokewise bikes on my commute today, they're everywhere now",
  "new blog post: ten tips for winter cycling, featuring @{h}",
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, list: readonly T[]): T {
  const v = list[Math.floor(r() * list.length)];
  if (v === undefined) throw new Error("empty list");
  return v;
}

function refOf(h: HandleSummary): HandleRef {
  return { id: h.id, network: h.network, account: h.account, role: h.role };
}

function generate(count: number, seed = 7): Stored[] {
  const r = rng(seed);
  const now = Date.now();
  const out: Stored[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const network: Network = pick(r, ["bluesky", "bluesky", "mastodon", "x"] as const);
    const ours = HANDLES.filter((h) => h.network === network);
    const primary = pick(r, ours.length > 0 ? ours : HANDLES);
    const handles = [primary];
    const second = ours.find((h) => h.id !== primary.id);
    if (second && r() < 0.15) handles.push(second);
    const followers = Math.floor(Math.pow(r(), 3) * 250_000);
    const handle =
      network === "mastodon"
        ? `${first.toLowerCase()}@social.example`
        : network === "bluesky"
          ? `${first.toLowerCase()}${last.toLowerCase()}.bsky.social`
          : `${first}${last}${i % 97}`;
    const text = `@${primary.account} ${pick(r, TEXTS)
      .replace("{n}", String(10_000 + i))
      .replace("{h}", primary.account)}`;
    const score = Math.round((1 + r() * 9) * 10) / 10;
    const topReason = followers > 10_000 ? `Followers: ${(followers / 1000).toFixed(1)}k` : pick(r, ["Asks a question", "Negative sentiment", "Mentions an order", "Mentions two handles"]);
    out.push({
      text,
      followers,
      url: `https://${network === "x" ? "x.example" : network === "bluesky" ? "bsky.app" : "social.example"}/post/${i}`,
      row: {
        id: `m${i}`,
        network,
        author_handle: handle,
        author_name: r() < 0.85 ? `${first} ${last}` : null,
        author_followers: followers,
        author_verified: r() < 0.08,
        excerpt: text.slice(0, 140),
        created_at: new Date(now - Math.floor(r() * 40 * 86_400_000)).toISOString(),
        handles: handles.map(refOf),
        score,
        top_reason: topReason,
        status: r() < 0.2 ? "done" : "open",
        triage: null,
        // The Work fields (dev/mockWork.ts seeds them).
        stage: "new",
        snoozed_until: null,
        sla: null,
        held_by: null,
      },
    });
  }
  return out.sort((a, b) => (b.row.score ?? 0) - (a.row.score ?? 0));
}

function segmentsOf(text: string): Segment[] {
  const segments: Segment[] = [];
  const re = /https?:\/\/\S+/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) segments.push({ text: text.slice(last, at), link: null });
    segments.push({ text: m[0], link: m[0] });
    last = at + m[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), link: null });
  return segments;
}

function reasonsOf(s: Stored): Reason[] {
  const reasons: Reason[] = [
    { factor: "followers", label: `Followers: ${s.followers.toLocaleString("en-US")}`, contribution: Math.min(3, s.followers / 40_000) },
    { factor: "question", label: "Asks a question", contribution: s.text.includes("?") ? 1.5 : 0 },
    { factor: "age", label: "Posted recently", contribution: 1.2 },
    { factor: "reply", label: "Already answered in thread", contribution: -0.8 },
  ];
  return reasons.filter((x) => x.contribution !== 0);
}

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

const NETWORK_NAMES: Record<Network, string> = { bluesky: "Bluesky", mastodon: "Mastodon", x: "X", web: "Web" };
const LIMITS: Record<Network, number> = { bluesky: 300, mastodon: 500, x: 280, web: 0 };

function hasText(kind: ActionKind): boolean {
  return kind === "reply" || kind === "dm";
}

/** Text length the network's way: graphemes on Bluesky, code points elsewhere (as Rust counts). */
function textLength(network: Network, text: string): number {
  if (network === "bluesky") return [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].length;
  return [...text].length;
}

/** What X bills for, with its label and X's published price in millionths of a dollar (as in engine::spend). */
const X_PRICES: { kind: string; label: string; micros: number; read: boolean }[] = [
  { kind: "post_read", label: "Post read", micros: 5_000, read: true },
  { kind: "user_read", label: "User read", micros: 10_000, read: true },
  { kind: "content_create", label: "Post or reply", micros: 15_000, read: false },
  { kind: "content_create_url", label: "Post or reply with a link", micros: 200_000, read: false },
  { kind: "dm_create", label: "Direct message", micros: 15_000, read: false },
  { kind: "interaction_create", label: "Repost or like", micros: 15_000, read: false },
];

/** Billable use: `today` is the current UTC day, otherwise earlier this month. */
interface Billed {
  handle: string;
  kind: string;
  count: number;
  today: boolean;
}

/** "$9.13": dollars and cents, rounded half up, as Rust writes them in messages. */
function dollars(micros: number): string {
  const cents = Math.floor((micros + 5_000) / 10_000);
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** One outgoing action and its timeline: it starts sending at `startAt` and is done at `doneAt`. */
interface MockAction {
  view: OutboxView;
  accountId: string;
  startAt: number;
  doneAt: number;
}

export function installMockBackend(params: URLSearchParams): void {
  const latency = Number(params.get("latency") ?? 30);
  const failing = params.get("fail");
  const withSources = params.get("accounts") !== "0";
  const mentions = Number(params.get("mock") ?? 2000);
  let items = generate(mentions);
  if (withSources && mentions > 0) items = [...items, ...webItems()].sort((a, b) => (b.row.score ?? 0) - (a.row.score ?? 0));
  /** Our handles: the accounts', and one per listening source. */
  const handles: HandleSummary[] = [...HANDLES, ...(withSources ? WEB_HANDLES.map((h) => ({ ...h })) : [])];
  let isDemo = false;
  const byId = () => new Map(items.map((s) => [s.row.id, s]));
  let index = byId();

  // ---- triage ---------------------------------------------------------------------

  let weights: MockWeights = { ...MOCK_DEFAULT_WEIGHTS };
  /** Agents' labels by item ID; their word always wins on their own item. */
  const agentWords = new Map<string, AgentWord>();
  /** Labels items took from a labelled item like them, found when the open items are triaged again. */
  const similarWords = new Map<string, SimilarWord>();

  /** Triages an item and scores it with the weights: its score before triage, plus triage's factors. */
  function rescore(s: Stored): void {
    s.base ??= { score: s.row.score ?? 0, reason: s.row.top_reason };
    const labels = labelsWith(s.text, agentWords.get(s.row.id), similarWords.get(s.row.id));
    const reasons = triageReasons(labels, weights);
    const extra = reasons.reduce((sum, r) => sum + (r.contribution ?? 0), 0);
    const top = [...reasons].sort((a, b) => Math.abs(b.contribution ?? 0) - Math.abs(a.contribution ?? 0))[0];
    const topReason =
      top && Math.abs(top.contribution ?? 0) >= 1.5
        ? `${top.label} (${(top.contribution ?? 0) >= 0 ? "+" : ""}${(top.contribution ?? 0).toFixed(1)})`
        : s.base.reason;
    s.labels = labels;
    s.row = { ...s.row, triage: summaryOf(labels), score: Math.round((s.base.score + extra) * 10) / 10, top_reason: topReason };
  }

  function sortItems(): void {
    items = [...items].sort((a, b) => (b.row.score ?? 0) - (a.row.score ?? 0));
    index = byId();
  }

  function rescoreAll(): void {
    for (const s of items) rescore(s);
    sortItems();
  }

  /** Agents labelled a few items before the app opened (?labels=N): mostly as triage did, some not. */
  function seedLabels(count: number): void {
    const open = items.filter((s) => s.row.network !== "web").slice(0, count);
    open.forEach((s, i) => {
      const model = labelsWith(s.text, undefined, undefined);
      const spam = (model.spam ?? 0) >= 0.5;
      const word: AgentWord = { spam: i % 7 === 3 ? !spam : spam };
      if (i % 2 === 0) word.intent = i % 5 === 0 ? "other" : model.intent;
      agentWords.set(s.row.id, word);
    });
  }

  seedLabels(Math.max(0, Number(params.get("labels") ?? 0) || 0));
  rescoreAll();

  /** Triages the open items again after a label, in batches with progress, as Rust's background task does. */
  let retriageRuns = 0;

  async function retriageOpen(channel: Channel<Progress> | undefined): Promise<void> {
    // A newer label starts a newer run, which does it all again: this one stops.
    const run = ++retriageRuns;
    const byLikeness = new Map<string, { id: string; word: AgentWord }>();
    for (const [id, word] of agentWords) {
      const s = index.get(id);
      if (s) byLikeness.set(likeness(s.text), { id, word });
    }
    const open = items.filter((s) => s.row.status === "open");
    const total = open.length;
    const batch = 100;
    for (let done = 0; done < total; done += batch) {
      for (const s of open.slice(done, done + batch)) {
        const like = byLikeness.get(likeness(s.text));
        if (like && like.id !== s.row.id) {
          similarWords.set(s.row.id, {
            ...(like.word.spam !== undefined ? { spam: { value: like.word.spam, from: like.id } } : {}),
            ...(like.word.intent !== undefined ? { intent: { value: like.word.intent, from: like.id } } : {}),
          });
        } else {
          similarWords.delete(s.row.id);
        }
        rescore(s);
      }
      channel?.onmessage({ done: Math.min(total, done + batch), total, phase: "Triaging again" });
      await sleep(180);
      if (run !== retriageRuns) return;
    }
    sortItems();
    void emit("inbox-changed", { reason: "triage" });
  }

  function labelItem(args: Record<string, unknown>): null {
    if (failing === "label") fail("storage", "Earshot could not save the label. Try again.");
    const id = String(args.id ?? "");
    const s = index.get(id);
    if (!s) fail("not_found", `There is no inbox item with ID '${id}'.`);
    const label = args.label as AgentLabel;
    const word = { ...agentWords.get(id) };
    if (label.kind === "spam") word.spam = label.value;
    else if (label.kind === "intent" && ["complaint", "question", "praise", "other"].includes(label.value)) word.intent = label.value;
    else fail("invalid_input", "That label is not one Earshot knows: use spam, not spam, or an intent.");
    agentWords.set(id, word);
    rescore(s);
    sortItems();
    void emit("inbox-changed", { reason: "label" });
    void retriageOpen(args.onProgress as Channel<Progress> | undefined);
    return null;
  }

  async function setWeights(args: Record<string, unknown>): Promise<null> {
    const given = (args.weights ?? {}) as PriorityWeights;
    const next = { ...MOCK_DEFAULT_WEIGHTS };
    for (const key of Object.keys(next) as (keyof MockWeights)[]) {
      const v = given[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 100) fail("invalid_input", "Each weight must be a number from 0 to 100.");
      next[key] = v;
    }
    const channel = args.onProgress as Channel<Progress> | undefined;
    const open = items.filter((s) => s.row.status === "open");
    const total = open.length;
    for (let done = 0; done < total; done += 200) {
      channel?.onmessage({ done: Math.min(total, done + 200), total, phase: "Scoring open items again" });
      await sleep(120);
    }
    if (failing === "weights") fail("storage", "Earshot could not save the weights. Try again.");
    weights = next;
    rescoreAll();
    void emit("inbox-changed", { reason: "weights" });
    return null;
  }

  function quality(): TriageQuality {
    const labelled = [...agentWords].flatMap(([id, word]) => {
      const s = index.get(id);
      return s ? [{ text: s.text, word }] : [];
    });
    return qualityOf(labelled);
  }

  let accounts: AccountView[] =
    params.get("accounts") === "0"
      ? []
      : [
          {
            id: "a1",
            network: "mastodon",
            account: "spokewise@mastodon.example",
            role: "support",
            service_url: "https://mastodon.example",
            state: "healthy",
            problem: null,
            rate_limited_until: null,
            last_sync_at: new Date(Date.now() - 5 * 60_000).toISOString(),
            keywords: [],
            live_since: new Date(Date.now() - 40 * 60_000).toISOString(),
          },
          {
            id: "a2",
            network: "mastodon",
            account: "spokewise_news@fosstodon.example",
            role: "marketing",
            service_url: "https://fosstodon.example",
            state: "token_invalid",
            problem: "The server says this token was revoked. Create a new one and connect again.",
            rate_limited_until: null,
            last_sync_at: "2026-03-04T12:00:00Z",
            keywords: [],
            live_since: null,
          },
          {
            id: "a3",
            network: "bluesky",
            account: "spokewise.bsky.social",
            role: "marketing",
            service_url: "https://bsky.social/",
            state: "healthy",
            problem: null,
            rate_limited_until: null,
            last_sync_at: new Date(Date.now() - 2 * 60_000).toISOString(),
            keywords: ["Spokewise", "spokewise bikes"],
            live_since: null,
          },
          {
            id: "a4",
            network: "bluesky",
            account: "spokewise-help.pds.example.com",
            role: "support",
            service_url: "https://pds.example.com/",
            state: "token_invalid",
            problem: "Bluesky refused the saved app password. Create a new one and reconnect.",
            rate_limited_until: null,
            last_sync_at: null,
            keywords: [],
            live_since: null,
          },
          {
            id: "a5",
            network: "x",
            account: "SpokewiseBikes",
            role: "marketing",
            service_url: "https://api.x.com/",
            state: "healthy",
            // Set from the budget below, as a sync would.
            problem: null,
            rate_limited_until: null,
            last_sync_at: new Date(Date.now() - 4 * 60_000).toISOString(),
            keywords: ["Spokewise", "#bikelife"],
            live_since: null,
          },
          {
            id: "a6",
            network: "x",
            account: "SpokewiseJobs",
            role: "other",
            service_url: "https://api.x.com/",
            state: "token_invalid",
            problem: "X refused the saved sign-in (the token was revoked). Sign in with X again to reconnect.",
            rate_limited_until: null,
            last_sync_at: "2026-11-02T09:30:00Z",
            keywords: [],
            live_since: null,
          },
        ];

  // ---- X's spend ----------------------------------------------------------------

  /** SpokewiseJobs' sign-in was revoked early in the month; what it cost before that still counts. */
  const billed: Billed[] =
    params.get("accounts") === "0"
      ? []
      : [
          { handle: "SpokewiseBikes", kind: "post_read", count: 1416, today: false },
          { handle: "SpokewiseBikes", kind: "user_read", count: 203, today: false },
          { handle: "SpokewiseBikes", kind: "content_create", count: 8, today: false },
          { handle: "SpokewiseBikes", kind: "interaction_create", count: 14, today: false },
          { handle: "SpokewiseBikes", kind: "post_read", count: 64, today: true },
          { handle: "SpokewiseBikes", kind: "user_read", count: 9, today: true },
          { handle: "SpokewiseBikes", kind: "content_create", count: 1, today: true },
          { handle: "SpokewiseJobs", kind: "post_read", count: 96, today: false },
          { handle: "SpokewiseJobs", kind: "user_read", count: 10, today: false },
        ];
  /** Prices set here, in millionths; X's published price for the rest. */
  const priceSet = new Map<string, number>();
  let budgetMicros: number | null = params.get("accounts") === "0" ? null : 11_000_000;

  function priceMicros(kind: string): number {
    return priceSet.get(kind) ?? X_PRICES.find((p) => p.kind === kind)?.micros ?? 0;
  }

  function spendLines(todayOnly: boolean): { lines: SpendLine[]; micros: number } {
    const lines = new Map<string, SpendLine & { micros: number }>();
    for (const b of billed) {
      if (todayOnly && !b.today) continue;
      const line = lines.get(b.handle) ?? { handle: `@${b.handle}`, reads: 0, writes: 0, usd: 0, micros: 0 };
      if (X_PRICES.find((p) => p.kind === b.kind)?.read) line.reads += b.count;
      else line.writes += b.count;
      line.micros += priceMicros(b.kind) * b.count;
      line.usd = line.micros / 1_000_000;
      lines.set(b.handle, line);
    }
    const all = [...lines.values()];
    return { lines: all.map(({ micros: _, ...line }) => line), micros: all.reduce((sum, l) => sum + l.micros, 0) };
  }

  /** Like Rust: nothing paused under 90% of the budget, keyword search from 90%, mentions too at 100%. */
  function pausedMessage(): string | null {
    if (budgetMicros === null) return null;
    const spent = spendLines(false).micros;
    if (spent >= budgetMicros) {
      return `X is paused: this month's estimated X spend, ${dollars(spent)}, has reached the ${dollars(budgetMicros)} budget, so neither mentions nor keyword searches are fetched. Replies still go out. Raise the budget to go on.`;
    }
    if (spent * 10 >= budgetMicros * 9) {
      return `X keyword search is paused: this month's estimated X spend, ${dollars(spent)}, has reached 90% of the ${dollars(budgetMicros)} budget. Mentions are still fetched. Raise the budget to search again.`;
    }
    return null;
  }

  function spendView(): SpendView {
    const today = spendLines(true);
    const month = spendLines(false);
    return {
      today: today.lines,
      month: month.lines,
      today_usd: today.micros / 1_000_000,
      month_usd: month.micros / 1_000_000,
      budget_usd: budgetMicros === null ? null : budgetMicros / 1_000_000,
      paused: pausedMessage(),
      prices: X_PRICES.map(
        (p): XPrice => ({ kind: p.kind, label: p.label, usd: priceMicros(p.kind) / 1_000_000, is_default: !priceSet.has(p.kind) }),
      ),
    };
  }

  /** The budget's pause shows on each X account as its problem, while its state stays healthy (as after a sync). */
  function markBudget(): void {
    const paused = pausedMessage();
    accounts = accounts.map((a) => (a.network === "x" && a.state === "healthy" ? { ...a, problem: paused } : a));
  }
  markBudget();

  function micros(usd: unknown): number {
    if (typeof usd !== "number" || !Number.isFinite(usd) || usd < 0 || usd > 1_000_000_000) {
      fail("invalid_input", `${String(usd)} is not an amount of dollars Earshot can use. Give a number such as 0.005.`);
    }
    return Math.round(usd * 1_000_000);
  }

  function setSpend(args: Record<string, unknown>): SpendView {
    if (failing === "spend") fail("storage", "Earshot could not save the budget. Try again.");
    const edits = (args.prices ?? []) as { kind: string; usd: number | null }[];
    const prices = edits.map((e) => {
      if (!X_PRICES.some((p) => p.kind === e.kind)) {
        fail("invalid_input", `'${e.kind}' is not something X bills for. Use one of: ${X_PRICES.map((p) => p.kind).join(", ")}.`);
      }
      return [e.kind, micros(e.usd)] as const;
    });
    const budget = args.clearBudget === true ? null : args.budgetUsd == null ? undefined : micros(args.budgetUsd);
    for (const [kind, m] of prices) priceSet.set(kind, m);
    if (budget !== undefined) budgetMicros = budget;
    // Rust leaves the problem until the next sync, which comes within minutes; here it follows at once.
    markBudget();
    void emit("inbox-changed", { reason: "accounts" });
    return spendView();
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---- listening sources ------------------------------------------------------

  /** A source as Rust keeps it: its handle, and its view without the item count, which the inbox gives. */
  interface MockSource {
    view: Omit<SourceView, "items">;
    handleId: string;
    /** Fetches so far: the first Fetch now finds one new entry, later ones none. */
    fetches: number;
  }

  const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  let sources: MockSource[] = withSources
    ? [
        {
          handleId: "h6",
          fetches: 0,
          view: {
            id: "s1",
            url: "https://community.spokewise.example/latest.rss",
            name: "community.spokewise.example/latest.rss",
            title: "Spokewise Community — Latest topics",
            role: "support",
            include: ["Atlas", "Spokewise", "Tempo"],
            exclude: ["for sale", "hiring"],
            state: "healthy",
            problem: null,
            last_fetch_at: minutesFromNow(-3),
            next_fetch_at: minutesFromNow(2),
          },
        },
        {
          handleId: "h7",
          fetches: 0,
          view: {
            id: "s2",
            url: "https://www.google.com/alerts/feeds/06451237718829021453/8312772043015237106",
            name: "google.com/alerts/feeds/06451237718829021453/8312772043015237106",
            title: "Google Alert - spokewise",
            role: "marketing",
            include: [],
            exclude: ["careers", "jobs"],
            state: "healthy",
            problem:
              "2 of 20 entries could not be read: entry 4 has no link or id; entry 17 has no title or text. The others were kept.",
            last_fetch_at: minutesFromNow(-12),
            next_fetch_at: null,
          },
        },
      ]
    : [];
  let nextSourceId = 3;

  function sourceView(source: MockSource): SourceView {
    const due = source.view.next_fetch_at;
    return {
      ...source.view,
      include: [...source.view.include],
      exclude: [...source.view.exclude],
      // Rust leaves it out once the feed may be fetched again.
      next_fetch_at: due !== null && Date.parse(due) > Date.now() ? due : null,
      items: items.filter((s) => s.row.handles.some((h) => h.id === source.handleId)).length,
    };
  }

  function sourceBy(id: unknown): MockSource {
    const found = sources.find((x) => x.view.id === String(id ?? "").trim());
    if (!found) fail("not_found", `There is no listening source '${String(id)}'.`);
    return found;
  }

  /** Like core::keyword_list: commas split, spaces collapse, empties and repeats (in any case) go. */
  function cleanKeywords(raw: unknown): string[] {
    const out: string[] = [];
    for (const word of ((raw ?? []) as string[]).flatMap((r) => String(r).split(","))) {
      const clean = word.trim().replace(/\s+/g, " ");
      if (clean === "") continue;
      if ([...clean].length > 100) fail("invalid_input", `'${clean}' is longer than 100 characters; use a shorter phrase.`);
      if (!out.some((k) => k.toLowerCase() === clean.toLowerCase())) out.push(clean);
    }
    return out.sort();
  }

  /** Like Rust's feed_url: http or https only, https:// added when no scheme is given. */
  function feedUrl(raw: string): URL {
    const trimmed = raw.trim();
    function refused(): never {
      fail("invalid_input", `'${trimmed}' is not a web address. Use the feed's full address, such as https://forum.example.com/latest.rss.`);
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase() ?? null;
    const isScheme = scheme !== null && (trimmed.includes("://") || !/^[a-z0-9+.-]+:\d/i.test(trimmed));
    if (isScheme && scheme !== "http" && scheme !== "https") {
      fail("invalid_input", `Earshot reads feeds over http and https only, and '${trimmed}' is a ${scheme}: address. Use the feed's web address.`);
    }
    let url: URL;
    try {
      url = new URL(isScheme ? trimmed : `https://${trimmed}`);
    } catch {
      refused();
    }
    if (url.hostname === "") refused();
    url.hash = "";
    return url;
  }

  /** Like Rust's source_name: site, path and query, without www. or the scheme. */
  function sourceName(url: URL): string {
    const name = `${url.hostname.replace(/^www\./, "")}${url.port ? `:${url.port}` : ""}${url.pathname.replace(/\/+$/, "")}${url.search}`;
    const taken = (candidate: string) => sources.some((x) => x.view.name === candidate);
    let unique = name;
    for (let n = 2; taken(unique); n++) unique = `${name}~${n}`;
    return unique;
  }

  function looksLikeFeed(url: URL): boolean {
    return /\.(rss|xml|atom)$|\/(feed|rss|atom)\/?$|\/alerts\/feeds\//i.test(url.pathname) || /[?&](format|type)=(rss|atom)\b/i.test(url.search);
  }

  /** One entry a feed holds now: it joins the inbox when the source's keywords keep it. */
  function fetchedEntry(source: MockSource, url: URL, n: number): Stored | null {
    const text = `Has anyone tried the Spokewise Tempo on hills?\n\nLooking at e-bikes for a hilly 12 km commute and the Spokewise Tempo keeps coming up. Any owners here? (entry ${n})`;
    const folded = text.toLowerCase();
    const kept =
      (source.view.include.length === 0 || source.view.include.some((k) => folded.includes(k.toLowerCase()))) &&
      !source.view.exclude.some((k) => folded.includes(k.toLowerCase()));
    const handle = handles.find((h) => h.id === source.handleId);
    if (!kept || !handle) return null;
    const host = url.hostname.replace(/^www\./, "");
    return {
      text,
      url: `${url.origin}/t/spokewise-tempo-on-hills/${5000 + n}`,
      followers: 0,
      row: {
        id: `w${items.length + n}`,
        network: "web",
        author_handle: `Sam-Okafor@${host}`,
        author_name: "Sam Okafor",
        author_followers: 0,
        author_verified: false,
        excerpt: text.replace(/\s+/g, " ").slice(0, 140),
        created_at: new Date(Date.now() - 40 * 60_000).toISOString(),
        handles: [refOf(handle)],
        score: 7.4,
        top_reason: "Asks a question",
        status: "open",
        triage: null,
        stage: "new",
        snoozed_until: null,
        sla: null,
        held_by: null,
      },
    };
  }

  function keep(entry: Stored | null): number {
    if (!entry) return 0;
    rescore(entry);
    items = [...items, entry];
    sortItems();
    return 1;
  }

  async function addSource(args: Record<string, unknown>): Promise<SourceView> {
    const url = feedUrl(String(args.url ?? ""));
    const include = cleanKeywords(args.include);
    const exclude = cleanKeywords(args.exclude);
    const href = url.toString();
    const known = sources.find((x) => x.view.url === href);
    if (known) {
      fail("invalid_input", `${href} is already listening source ${known.view.id}. Change its keywords or role instead of adding it again.`);
    }
    // Rust fetches the feed once before adding it.
    await sleep(700);
    if (url.hostname.includes("offline")) {
      fail("invalid_input", `${href} could not be reached (error sending request for url: connection refused). Check the address and your connection, then add it again.`);
    }
    if (!looksLikeFeed(url)) {
      fail("invalid_input", `${href} could not be added as a listening source. This address did not give an RSS or Atom feed Earshot can read (unable to parse feed: no root element). Check that it is the feed's address, not the web page's.`);
    }
    const id = nextSourceId++;
    const name = sourceName(url);
    const title = url.pathname.includes("/alerts/feeds/") ? "Google Alert - spokewise" : null;
    const role = args.role as Role;
    handles.push({ id: `h-s${id}`, network: "web", account: name, role, display_name: title, open_count: 0 });
    const source: MockSource = {
      handleId: `h-s${id}`,
      fetches: 1,
      view: {
        id: `s${id}`,
        url: href,
        name,
        title,
        role,
        include,
        exclude,
        state: "healthy",
        problem: null,
        last_fetch_at: new Date().toISOString(),
        next_fetch_at: minutesFromNow(5),
      },
    };
    sources = [...sources, source];
    keep(fetchedEntry(source, url, 1));
    void emit("inbox-changed", { reason: "sources" });
    return sourceView(source);
  }

  function updateSource(args: Record<string, unknown>): SourceView {
    const source = sourceBy(args.id);
    if (failing === "update") fail("storage", "Earshot could not save the change. Try again.");
    const include = args.include == null ? null : cleanKeywords(args.include);
    const exclude = args.exclude == null ? null : cleanKeywords(args.exclude);
    const role = (args.role as Role | null) ?? null;
    if (include) source.view.include = include;
    if (exclude) source.view.exclude = exclude;
    if (role) {
      // The role is the handle's: the source's items move to that queue too.
      source.view.role = role;
      const handle = handles.find((h) => h.id === source.handleId);
      if (handle) handle.role = role;
      items = items.map((s) => ({
        ...s,
        row: { ...s.row, handles: s.row.handles.map((h) => (h.id === source.handleId ? { ...h, role } : h)) },
      }));
      index = byId();
    }
    void emit("inbox-changed", { reason: "sources" });
    return sourceView(source);
  }

  async function syncSource(id: string, channel: Channel<Progress>): Promise<SyncReport> {
    const source = sourceBy(id);
    const url = new URL(source.view.url);
    channel.onmessage({ done: 0, total: 0, phase: "Fetching the feed" });
    await sleep(500);
    source.view.last_fetch_at = new Date().toISOString();
    if (failing === "fetch") {
      const problem = `The Web server could not be reached: error sending request for url (${source.view.url}): connection refused. Earshot will try again.`;
      source.view.state = "unreachable";
      source.view.problem = problem;
      source.view.next_fetch_at = minutesFromNow(5);
      void emit("inbox-changed", { reason: "sync" });
      fail("network", problem);
    }
    const total = source.handleId === "h7" ? 20 : 30;
    for (let done = 10; done <= total; done += 10) {
      channel.onmessage({ done, total, phase: "Reading entries" });
      await sleep(200);
    }
    const before = sourceView(source).items;
    const imported = source.fetches === 0 ? keep(fetchedEntry(source, url, source.fetches + 2)) : 0;
    source.fetches++;
    source.view.state = "healthy";
    // The Google Alert still holds the two entries that cannot be read; the forum's feed reads clean.
    if (source.handleId !== "h7") source.view.problem = null;
    source.view.next_fetch_at = minutesFromNow(5);
    void emit("inbox-changed", { reason: "sync" });
    return {
      account: source.view.name,
      imported,
      merged: before,
      skipped: source.handleId === "h7" ? 2 : 0,
      pages: 1,
      problem: null,
      next_fetch_at: null,
    };
  }

  // ---- the browser sign-in ----------------------------------------------------

  /** Ends the sign-in that is waiting for the browser, if any, with "Connecting was cancelled.". */
  let cancelPendingSignIn: (() => void) | null = null;
  let nextAccountId = 100;

  /** Like Rust: the person approved Earshot as the account they are signed in as on that server. */
  function approvedOn(server: string, role: Role): AccountView {
    const host = server.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    const existing = accounts.find((a) => a.network === "mastodon" && a.service_url === `https://${host}`);
    const account: AccountView = {
      id: existing?.id ?? `a${nextAccountId++}`,
      network: "mastodon",
      account: existing?.account ?? `spokewise@${host}`,
      role,
      service_url: `https://${host}`,
      state: "healthy",
      problem: null,
      rate_limited_until: null,
      last_sync_at: existing?.last_sync_at ?? null,
      keywords: existing?.keywords ?? [],
      live_since: null,
    };
    accounts = existing ? accounts.map((a) => (a.id === existing.id ? account : a)) : [...accounts, account];
    void emit("inbox-changed", { reason: "accounts" });
    return account;
  }

  /**
   * Waits about 3 s for the person to approve in the browser: then `approve` (or the refusal when `deny`), unless
   * cancel_sign_in or another sign-in comes first.
   */
  function waitForBrowser(deny: boolean, approve: () => AccountView): Promise<AccountView> {
    // Only one sign-in waits at a time: a new one cancels the old.
    cancelPendingSignIn?.();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cancelPendingSignIn = null;
        if (deny) {
          reject({
            code: "invalid_input",
            message: "The server did not give Earshot access (access_denied). Connect again to retry.",
          } satisfies ApiError);
        } else {
          resolve(approve());
        }
      }, 3000);
      cancelPendingSignIn = () => {
        clearTimeout(timer);
        cancelPendingSignIn = null;
        reject({ code: "invalid_input", message: "Connecting was cancelled." } satisfies ApiError);
      };
    });
  }

  function signInMastodon(server: string, role: Role, onAddress?: Channel<string>): Promise<AccountView> {
    const trimmed = server.trim();
    if (trimmed === "" || /\s/.test(trimmed)) {
      fail("invalid_input", `'${server}' is not a server address. Use one like https://mastodon.social.`);
    }
    if (failing === "connect") {
      const base = /^https?:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`;
      fail("invalid_input", `${base.replace(/\/+$/, "")}/ could not be reached (connection refused). Check the server address and your connection.`);
    }
    cancelPendingSignIn?.();
    const base = /^https?:\/\//.test(trimmed) ? trimmed.replace(/\/+$/, "") : `https://${trimmed}`;
    onAddress?.onmessage(`${base}/oauth/authorize?response_type=code&client_id=mock&scope=read+write`);
    return waitForBrowser(trimmed.toLowerCase().includes("deny"), () => approvedOn(trimmed, role));
  }

  /**
   * Like Rust: the X account the person approved the brand's X app as. Here that is the X account whose sign-in
   * was refused, if there is one (as when reconnecting it), otherwise @SpokewiseHelp.
   */
  function connectedX(role: Role): AccountView {
    const handle = accounts.find((a) => a.network === "x" && a.state === "token_invalid")?.account ?? "SpokewiseHelp";
    const existing = accounts.find((a) => a.network === "x" && a.account === handle);
    const account: AccountView = {
      id: existing?.id ?? `a${nextAccountId++}`,
      network: "x",
      account: handle,
      role,
      service_url: "https://api.x.com/",
      state: "healthy",
      problem: pausedMessage(),
      rate_limited_until: null,
      last_sync_at: existing?.last_sync_at ?? null,
      keywords: existing?.keywords ?? [],
      live_since: null,
    };
    accounts = existing ? accounts.map((a) => (a.id === existing.id ? account : a)) : [...accounts, account];
    void emit("inbox-changed", { reason: "accounts" });
    return account;
  }

  function checkClientId(clientId: string): string {
    const trimmed = clientId.trim();
    if (trimmed === "") fail("invalid_input", "Give your X app's OAuth 2.0 client ID (X Developer Console, Keys and tokens).");
    return trimmed;
  }

  function signInX(clientId: string, role: Role, onAddress?: Channel<string>): Promise<AccountView> {
    const id = checkClientId(clientId);
    if (failing === "connect") {
      fail("invalid_input", "Earshot could not listen on 127.0.0.1:53682 for X's answer (address in use). Close whatever uses that port, or register another port in your X app and give it here.");
    }
    cancelPendingSignIn?.();
    const redirect = encodeURIComponent("http://127.0.0.1:53682/callback");
    onAddress?.onmessage(
      `https://x.com/i/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(id)}&redirect_uri=${redirect}&scope=tweet.read+tweet.write+users.read+like.write+dm.read+dm.write+offline.access&state=mock&code_challenge=mock&code_challenge_method=S256`,
    );
    return waitForBrowser(id.toLowerCase().includes("deny"), () => connectedX(role));
  }

  function connectX(clientId: string, token: string, role: Role): AccountView {
    const secret = token.trim();
    if (secret === "") fail("invalid_input", "The token is empty. Give an access token, or the JSON answer of X's token endpoint.");
    if (secret.startsWith("{")) {
      try {
        const given = JSON.parse(secret) as { access_token?: unknown };
        if (typeof given.access_token !== "string") throw new Error("missing field `access_token`");
      } catch (e) {
        fail("invalid_input", `The token JSON could not be read (${e instanceof Error ? e.message : String(e)}). It needs access_token.`);
      }
    }
    if (clientId.trim() === "") fail("invalid_input", "The X app's client ID is missing. Find it under Keys and tokens in the X Developer Console.");
    if (failing === "connect") fail("invalid_input", "X refused the token (Unauthorized). Sign in again to get a new one.");
    return connectedX(role);
  }

  // ---- the outbox -------------------------------------------------------------

  const outbox: MockAction[] = [];
  let nextActionId = 1;

  function accountBy(idOrHandle: string): AccountView | undefined {
    const handle = idOrHandle.trim().replace(/^@/, "").toLowerCase();
    return accounts.find((a) => a.id === idOrHandle || a.account === handle);
  }

  /** Like Rust: one of the item's own handles on its network, support first for text, marketing otherwise. */
  function defaultFrom(item: ItemView, kind: ActionKind): AccountView | undefined {
    const preferred: Role = hasText(kind) ? "support" : "marketing";
    return accounts
      .filter((a) => a.network === item.network && item.handles.some((h) => h.account === a.account))
      .sort((a, b) => Number(a.role !== preferred) - Number(b.role !== preferred) || a.account.localeCompare(b.account))[0];
  }

  function warningsFor(item: ItemView, from: AccountView, kind: ActionKind): string[] {
    if (!hasText(kind)) return [];
    const warnings: string[] = [];
    if (from.role === "marketing" && item.handles.some((h) => h.role === "support")) {
      warnings.push(
        `@${from.account} is a marketing handle, and this mention was sent to a support handle. Answer support from the support handle.`,
      );
    }
    if (!item.handles.some((h) => h.account === from.account)) {
      warnings.push(`@${from.account} was not mentioned in this post; the author may not expect an answer from it.`);
    }
    return warnings;
  }

  function composeCheck(args: Record<string, unknown>): ComposeCheck {
    const s = index.get(String(args.itemId));
    if (!s) fail("not_found", `There is no inbox item with ID '${String(args.itemId)}'.`);
    const item = view(s);
    const kind = args.kind as ActionKind;
    const text = String(args.text ?? "");
    const fallback = defaultFrom(item, kind);
    const from = args.from == null ? fallback : accountBy(String(args.from));
    if (args.from != null && !from) fail("not_found", `There is no connected account '${String(args.from)}'.`);
    // The agent's day: the signature the handle adds (counted in `used`) and the saved reply's repeat warning.
    const signature = hasText(kind) ? deskMock.signatureFor(from) : null;
    const repeat = hasText(kind) ? deskMock.repeatWarning(item.id, (args.savedReplyId as string | null) ?? null) : null;
    return {
      default_from: fallback?.id ?? null,
      warnings: from
        ? [...warningsFor(item, from, kind), ...(repeat ? [repeat] : [])]
        : [
            `None of this item's handles has a connected ${NETWORK_NAMES[item.network]} account to answer from. Connect one in Accounts.`,
          ],
      limit: hasText(kind) ? LIMITS[item.network] : null,
      used: hasText(kind) ? textLength(item.network, signed(text, signature)) : 0,
      signature,
    };
  }

  function queueAction(request: ActionRequest): OutboxView {
    const s = index.get(request.item_id);
    if (!s) fail("not_found", `There is no inbox item with ID '${request.item_id}'.`);
    const item = view(s);
    if (item.network === "web") {
      fail("invalid_input", "Web pages cannot be answered from Earshot. Open the page in your browser, answer there, then mark the item done.");
    }
    const from = accountBy(request.from);
    if (!from) fail("not_found", `There is no connected account '${request.from}'.`);
    const net = NETWORK_NAMES[item.network];
    if (from.network !== item.network) {
      fail("invalid_input", `@${from.account} is a ${NETWORK_NAMES[from.network]} account and this post is on ${net}. Choose a ${net} handle to answer from.`);
    }
    const text = (request.text ?? "").trim();
    if (hasText(request.kind) && text === "") fail("invalid_input", "Write something to send first.");
    if (request.kind === "dm" && item.network === "bluesky") {
      fail("invalid_input", "Earshot cannot send Bluesky direct messages yet. Reply in the thread, or ask the author to write to you.");
    }
    const used = textLength(item.network, text);
    const limit = LIMITS[item.network];
    if (hasText(request.kind) && used > limit) {
      fail("invalid_input", `The text is ${used} characters long; ${net} takes at most ${limit}. Shorten it by ${used - limit}.`);
    }
    const warnings = warningsFor(item, from, request.kind);
    if (warnings.length > 0 && request.confirmed !== true) fail("invalid_input", `${warnings.join(" ")} Send anyway to confirm.`);
    const body =
      request.kind === "dm" && !text.includes(`@${item.author.handle}`)
        ? `@${item.author.handle} ${text}`
        : hasText(request.kind)
          ? text
          : null;
    // The agent's day: what is sent is signed, and a saved reply counts its use.
    const sent = body === null ? null : signed(body, deskMock.signatureFor(from));
    if (hasText(request.kind)) deskMock.noteSent(item.id, request.saved_reply_id);
    const now = Date.now();
    const action: MockAction = {
      view: {
        id: String(nextActionId++),
        item_id: item.id,
        kind: request.kind,
        network: item.network,
        from: from.account,
        text: sent,
        state: "queued",
        attempts: 0,
        problem: null,
        result_url: null,
        created_at: new Date(now).toISOString(),
        sent_at: null,
        next_attempt_at: new Date(now).toISOString(),
      },
      accountId: from.id,
      startAt: now + 1500,
      doneAt: now + 3500,
    };
    outbox.push(action);
    void emit("inbox-changed", { reason: "outbox" });
    return { ...action.view };
  }

  /** Moves every action along its timeline up to now. */
  function advance(): void {
    const now = Date.now();
    for (const a of outbox) {
      const v = a.view;
      if (v.state === "sent" || v.state === "failed") continue;
      if (now < a.startAt) {
        v.state = "queued";
        continue;
      }
      if (now < a.doneAt) {
        v.state = "sending";
        continue;
      }
      v.attempts += 1;
      const account = accounts.find((x) => x.id === a.accountId);
      if (!account) {
        v.state = "failed";
        v.problem = "The account this was to go out from is disconnected.";
      } else if (account.state === "token_invalid") {
        v.state = "failed";
        v.problem = account.problem ?? "The server refused this account's token. Reconnect it in Accounts.";
      } else if (failing === "send" && v.attempts === 1) {
        // A transient failure: back in the queue for a later try.
        v.state = "queued";
        v.problem = `${NETWORK_NAMES[v.network]} did not answer in time. Earshot tries again.`;
        a.startAt = now + 8000;
        a.doneAt = a.startAt + 1500;
        v.next_attempt_at = new Date(a.startAt).toISOString();
      } else {
        v.state = "sent";
        v.problem = null;
        v.sent_at = new Date(now).toISOString();
        v.next_attempt_at = null;
        const rkey = `3l${v.id.padStart(11, "0")}`;
        if (v.network === "bluesky") {
          // Bluesky has a web address only for posts, not for reposts and likes.
          v.result_url = v.kind === "reply" ? `https://bsky.app/profile/${v.from}/post/${rkey}` : null;
        } else if (v.network === "mastodon") {
          const [user, host] = v.from.split("@");
          v.result_url = `https://${host ?? "mastodon.example"}/@${user ?? "spokewise"}/${110000000 + Number(v.id)}`;
        }
      }
      if (v.state === "failed") v.next_attempt_at = null;
    }
  }

  function retryAction(id: string): OutboxView {
    const a = outbox.find((x) => x.view.id === id);
    if (!a) fail("not_found", `There is no queued action '${id}'.`);
    advance();
    if (a.view.state !== "failed") fail("invalid_input", "Only a failed action can be tried again.");
    const now = Date.now();
    a.view.state = "queued";
    a.view.next_attempt_at = new Date(now).toISOString();
    a.startAt = now + 1000;
    a.doneAt = now + 3000;
    void emit("inbox-changed", { reason: "outbox" });
    return { ...a.view };
  }

  function matches(q: InboxQuery, s: Stored): boolean {
    const r = s.row;
    if (q.status && r.status !== q.status) return false;
    if (q.network && r.network !== q.network) return false;
    if (q.role && !r.handles.some((h) => h.role === q.role)) return false;
    if (q.handle_id && !r.handles.some((h) => h.id === q.handle_id)) return false;
    if (q.view) {
      // Like Rust: a view by intent leaves spam out.
      const t = r.triage;
      if (!t) return false;
      if (q.view === "actionable" || q.view === "spam" || q.view === "other") {
        if (t.queue !== q.view) return false;
      } else {
        const intent = { complaints: "complaint", questions: "question", praise: "praise" }[q.view];
        if (t.queue === "spam" || t.intent !== intent) return false;
      }
    }
    if (!workMock.matches(q, r)) return false;
    if (q.search) {
      const needle = q.search.toLowerCase();
      if (!s.text.toLowerCase().includes(needle) && !r.author_handle.toLowerCase().includes(needle)) return false;
    }
    return true;
  }

  function handleSummaries(): HandleSummary[] {
    return handles.map((h) => ({
      ...h,
      open_count: items.filter((s) => s.row.status === "open" && s.row.handles.some((x) => x.id === h.id)).length,
    }));
  }

  function labelsOf(s: Stored): Labels {
    if (!s.labels) rescore(s);
    return s.labels ?? labelsWith(s.text, undefined, undefined);
  }

  function view(s: Stored): ItemView {
    const r = s.row;
    if (r.network === "web") return webView(s);
    const parent: ConversationEntry = {
      id: null,
      author_handle: r.handles[0]?.account ?? "spokewise",
      author_name: "Spokewise",
      created_at: new Date(Date.parse(r.created_at) - 3_600_000).toISOString(),
      segments: [{ text: "New season, new colours. Which one is your favourite?", link: null }],
      is_current: false,
    };
    return {
      id: r.id,
      network: r.network,
      remote_id: `remote-${r.id}`,
      url: s.url,
      status: r.status,
      created_at: r.created_at,
      first_seen_at: r.created_at,
      segments: segmentsOf(s.text),
      author: {
        handle: r.author_handle,
        display_name: r.author_name,
        followers: s.followers,
        verified: r.author_verified,
        bot: false,
        labels: [],
        created_at: "2021-03-02T10:00:00Z",
        profile_url: `https://${r.network === "x" ? "x.example" : "bsky.app"}/profile/${r.author_handle}`,
      },
      handles: r.handles,
      score: r.score,
      reasons: [...triageReasons(labelsOf(s), weights), ...reasonsOf(s)],
      triage: labelsOf(s),
      conversation: [
        parent,
        {
          id: r.id,
          author_handle: r.author_handle,
          author_name: r.author_name,
          created_at: r.created_at,
          segments: segmentsOf(s.text),
          is_current: true,
        },
      ],
      reply_to: "remote-parent",
      quote_of: null,
    };
  }

  /** A page a source found: no thread, no followers; the author is the site's member, or the site itself. */
  function webView(s: Stored): ItemView {
    const r = s.row;
    const [member, site] = r.author_handle.split("@");
    return {
      id: r.id,
      network: "web",
      remote_id: s.url,
      url: s.url,
      status: r.status,
      created_at: r.created_at,
      first_seen_at: r.created_at,
      segments: segmentsOf(s.text),
      author: {
        handle: r.author_handle,
        display_name: r.author_name,
        followers: 0,
        verified: false,
        bot: false,
        labels: [],
        created_at: null,
        profile_url: site ? `https://${site}/u/${(member ?? "").toLowerCase()}` : null,
      },
      handles: r.handles,
      score: r.score,
      reasons: [
        ...triageReasons(labelsOf(s), weights),
        ...reasonsOf(s).filter((x) => x.factor !== "followers" && x.factor !== "reply"),
      ],
      triage: labelsOf(s),
      conversation: [],
      reply_to: null,
      quote_of: null,
    };
  }

  // ---- contacts --------------------------------------------------------------------

  const contactsMock = createContactsMock({
    items: () =>
      items.map((s) => ({
        id: s.row.id,
        network: s.row.network,
        author_handle: s.row.author_handle,
        author_name: s.row.author_name,
        text: s.text,
        created_at: s.row.created_at,
        status: s.row.status,
      })),
    item: (id) => {
      const s = index.get(id);
      return s
        ? {
            id: s.row.id,
            network: s.row.network,
            author_handle: s.row.author_handle,
            author_name: s.row.author_name,
            text: s.text,
            created_at: s.row.created_at,
            status: s.row.status,
          }
        : undefined;
    },
    answerOf: (id) => {
      advance();
      const sent = outbox.find((a) => a.view.item_id === id && a.view.state === "sent" && hasText(a.view.kind));
      return sent?.view.sent_at ? { sent_at: sent.view.sent_at, result_url: sent.view.result_url } : null;
    },
    changed: (reason) => void emit("inbox-changed", { reason }),
    fail,
    sleep: (ms) => sleep(ms).then(() => undefined),
    failing,
    withCrm: params.get("crm") !== "0",
  });

  // ---- the agent's day (dev/mockDesk.ts) ----------------------------------------------------

  /** The text as Rust sends it: the signature after a space, or on its own line after several lines. */
  function signed(text: string, signature: string | null): string {
    const body = text.trimEnd();
    if (!signature || body.endsWith(signature)) return text;
    if (body === "") return signature;
    return `${body}${body.includes("\n") ? "\n" : " "}${signature}`;
  }

  const deskMock = createDeskMock({
    handles: () => handleSummaries(),
    accounts: () => accounts,
    items: () =>
      items.map((s) => ({
        id: s.row.id,
        network: s.row.network,
        author_handle: s.row.author_handle,
        author_name: s.row.author_name,
        text: s.text,
        created_at: s.row.created_at,
        status: s.row.status,
        handles: s.row.handles,
      })),
    item: (id) => {
      const s = index.get(id);
      return s
        ? {
            id: s.row.id,
            network: s.row.network,
            author_handle: s.row.author_handle,
            author_name: s.row.author_name,
            text: s.text,
            created_at: s.row.created_at,
            status: s.row.status,
            handles: s.row.handles,
          }
        : undefined;
    },
    defaultFrom: (id) => {
      const s = index.get(id);
      return s ? defaultFrom(view(s), "reply") : undefined;
    },
    limit: (network) => LIMITS[network],
    textLength,
    queuePost: (account, text) => {
      const now = Date.now();
      const action: MockAction = {
        view: {
          id: String(nextActionId++),
          item_id: null,
          kind: "post",
          network: account.network,
          from: account.account,
          text,
          state: "queued",
          attempts: 0,
          problem: null,
          result_url: null,
          created_at: new Date(now).toISOString(),
          sent_at: null,
          next_attempt_at: new Date(now).toISOString(),
        },
        accountId: account.id,
        startAt: now + 1500,
        doneAt: now + 3500,
      };
      outbox.push(action);
      void emit("inbox-changed", { reason: "outbox" });
      return { ...action.view };
    },
    changed: (reason) => void emit("inbox-changed", { reason }),
    fail,
    failing,
  });

  // ---- the Work section (dev/mockWork.ts) ------------------------------------------------------

  const workMock = createWorkMock({
    row: (id) => index.get(id)?.row,
    setRow: (id, row) => {
      const s = index.get(id);
      if (s) s.row = row;
    },
    rows: () => items.map((s) => s.row),
    me: () => deskMock.handle("me", {}) as AgentView,
    agents: () => deskMock.handle("list_agents", {}) as AgentView[],
    changed: (reason) => void emit("inbox-changed", { reason }),
    fail,
    failing,
  });
  workMock.seed();

  // ---- Reports (dev/mockReports.ts) ---------------------------------------------------------------------------

  const reportsMock = createReportsMock({
    rows: () => {
      workMock.wake();
      return items.map((s) => workMock.decorate(s.row));
    },
    handles: () => handleSummaries(),
    agents: () => deskMock.handle("list_agents", {}) as AgentView[],
    now: () => Date.now(),
    sleep,
    fail,
    failing,
  });
  // ?alert=ID: as if the person clicked a desktop alert for that item, 4 s after the start.
  const alerted = params.get("alert");
  if (alerted) setTimeout(() => void emit("open-item", { item_id: alerted }), 4000);

  async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    await sleep(latency);
    switch (cmd) {
      case "workspace_info":
        return {
          data_dir: "/home/demo/.local/share/earshot",
          total_items: items.length,
          open_items: items.filter((s) => s.row.status === "open").length,
          is_demo: isDemo,
        } satisfies WorkspaceInfo;
      case "inbox_page": {
        if (failing === "page") fail("storage", "Earshot could not read the inbox database. Restart Earshot; if it keeps happening, check the disk has free space.");
        const q = args.query as InboxQuery;
        const offset = Number(args.offset);
        const limit = Number(args.limit);
        workMock.wake();
        const all = items.filter((s) => matches(q, s));
        return {
          total: all.length,
          offset,
          rows: all.slice(offset, offset + limit).map((s) => workMock.decorate(s.row)),
        } satisfies InboxPage;
      }
      case "get_item": {
        const s = index.get(String(args.id));
        if (!s) fail("not_found", "This mention is no longer in your workspace. It may have been removed by a re-import.");
        // Opening an item marks it open, as Rust does.
        workMock.seen(s.row.id);
        return view(s);
      }
      case "set_status": {
        const s = index.get(String(args.id));
        if (!s) fail("not_found", "This mention is no longer in your workspace.");
        // Done is resolved, open is open (dev/mockWork.ts moves the stage and says inbox-changed).
        return workMock.setStage(s.row.id, (args.status as ItemStatus) === "done" ? "resolved" : "open");
      }
      case "list_handles":
        return handleSummaries();
      case "label_item":
        return labelItem(args);
      case "priority_weights":
        return { ...weights } satisfies PriorityWeights;
      case "set_priority_weights":
        return setWeights(args);
      case "triage_quality":
        return quality();
      case "retrain_triage":
        return fail("invalid_input", "The browser preview's keyword rules have no model to retrain; the app retrains its own.");
      case "load_demo": {
        const channel = args.onProgress as Channel<Progress>;
        const total = 300;
        for (let done = 0; done <= total; done += 25) {
          channel.onmessage({ done, total, phase: "Importing mentions" });
          await sleep(60);
        }
        items = generate(total, 42);
        agentWords.clear();
        similarWords.clear();
        rescoreAll();
        workMock.seed();
        isDemo = true;
        void emit("inbox-changed", { reason: "import" });
        return { imported: total, merged: 0, failed: 0, errors: [] };
      }
      case "list_accounts":
        return accounts;
      case "connect_mastodon": {
        if (failing === "connect") fail("network", "The server refused this token. Check it has the read and write scopes, then try again.");
        const host = String(args.server).replace(/^https?:\/\//, "").replace(/\/.*$/, "");
        const account: AccountView = {
          id: `a${accounts.length + 1}`,
          network: "mastodon",
          account: `spokewise@${host}`,
          role: args.role as Role,
          service_url: `https://${host}`,
          state: "healthy",
          problem: null,
          rate_limited_until: null,
          last_sync_at: null,
          keywords: [],
          live_since: null,
        };
        accounts = [...accounts, account];
        return account;
      }
      case "sign_in_mastodon":
        return signInMastodon(String(args.server ?? ""), args.role as Role, args.onAddress as Channel<string>);
      case "sign_in_x":
        return signInX(String(args.clientId ?? ""), args.role as Role, args.onAddress as Channel<string>);
      case "connect_x":
        return connectX(String(args.clientId ?? ""), String(args.token ?? ""), args.role as Role);
      case "x_spend":
        if (failing === "spend") fail("storage", "Earshot could not read X's spend. Try again.");
        return spendView();
      case "set_x_spend":
        return setSpend(args);
      case "cancel_sign_in":
        cancelPendingSignIn?.();
        return null;
      case "connect_bluesky": {
        if (failing === "connect") fail("network", "https://bsky.social/ did not accept that handle and app password (AuthenticationRequired). Check both and try again.");
        const handle = String(args.handle).replace(/^@/, "");
        const service = String(args.service).trim() || "https://bsky.social";
        const existing = accounts.findIndex((a) => a.network === "bluesky" && a.account === handle);
        const account: AccountView = {
          id: existing >= 0 ? accounts[existing]!.id : `a${accounts.length + 1}`,
          network: "bluesky",
          account: handle,
          role: args.role as Role,
          service_url: `${service.replace(/\/+$/, "")}/`,
          state: "healthy",
          problem: null,
          rate_limited_until: null,
          last_sync_at: null,
          keywords: existing >= 0 ? accounts[existing]!.keywords : [],
          live_since: null,
        };
        accounts = existing >= 0 ? accounts.map((a, i) => (i === existing ? account : a)) : [...accounts, account];
        return account;
      }
      case "update_account": {
        const at = accounts.findIndex((a) => a.id === args.id);
        const found = accounts[at];
        if (!found) fail("not_found", `There is no connected account '${String(args.id)}'.`);
        if (failing === "update") fail("storage", "Earshot could not save the change. Try again.");
        const keywords = args.keywords as string[] | null;
        if (keywords?.some((k) => k.length > 100)) fail("invalid_input", "The keyword is longer than 100 characters. Use a shorter phrase.");
        const updated: AccountView = {
          ...found,
          role: (args.role as Role | null) ?? found.role,
          keywords: keywords ? [...new Set(keywords)].sort() : found.keywords,
        };
        accounts = accounts.map((a, i) => (i === at ? updated : a));
        void emit("inbox-changed", { reason: "accounts" });
        return updated;
      }
      case "remove_account": {
        if (failing === "remove") fail("storage", "Earshot could not disconnect the account. Try again.");
        if (!accounts.some((a) => a.id === args.id)) fail("not_found", `There is no connected account '${String(args.id)}'.`);
        accounts = accounts.filter((a) => a.id !== args.id);
        void emit("inbox-changed", { reason: "accounts" });
        return null;
      }
      case "sync_account": {
        const channel = args.onProgress as Channel<Progress>;
        const at = accounts.findIndex((a) => a.id === args.id);
        const found = accounts[at];
        if (!found) fail("not_found", "This account is no longer connected.");
        if (found.state === "token_invalid") fail("network", found.problem ?? "The token is no longer valid.");
        for (let done = 1; done <= 3; done++) {
          channel.onmessage({ done, total: 3, phase: "Fetching mentions" });
          await sleep(300);
        }
        let problem: string | null = null;
        if (found.network === "x") {
          // Three new mentions: three posts and their three authors read, unless the budget has paused X.
          if (!pausedMessage()?.startsWith("X is paused")) {
            billed.push({ handle: found.account, kind: "post_read", count: 3, today: true });
            billed.push({ handle: found.account, kind: "user_read", count: 3, today: true });
          }
          problem = pausedMessage();
        }
        accounts[at] = { ...found, last_sync_at: new Date().toISOString(), ...(found.network === "x" ? { problem } : {}) };
        void emit("inbox-changed", { reason: "sync" });
        return { account: found.account, imported: problem?.startsWith("X is paused") ? 0 : 3, merged: 0, skipped: 0, pages: 3, problem };
      }
      case "sources":
        if (failing === "sources") fail("storage", "Earshot could not read the listening sources. Try again.");
        return sources.map(sourceView);
      case "add_source":
        return addSource(args);
      case "update_source":
        return updateSource(args);
      case "remove_source": {
        if (failing === "remove") fail("storage", "Earshot could not remove the source. Try again.");
        const found = sourceBy(args.id);
        sources = sources.filter((x) => x !== found);
        void emit("inbox-changed", { reason: "sources" });
        return null;
      }
      case "sync_source":
        return syncSource(String(args.id ?? ""), args.onProgress as Channel<Progress>);
      case "compose_check":
        return composeCheck(args);
      case "queue_action":
        return queueAction(args.request as ActionRequest);
      case "list_outbox": {
        advance();
        const itemId = args.itemId == null ? null : String(args.itemId);
        return outbox
          .filter((a) => itemId === null || a.view.item_id === itemId)
          .map((a) => ({ ...a.view }))
          .reverse() satisfies OutboxView[];
      }
      case "retry_action":
        return retryAction(String(args.id));
      case "open_link":
        window.open(String(args.url), "_blank", "noopener");
        return null;
      default:
        if (contactsMock.knows(cmd)) return contactsMock.handle(cmd, args);
        if (deskMock.knows(cmd)) return deskMock.handle(cmd, args);
        if (workMock.knows(cmd)) return workMock.handle(cmd, args);
        if (reportsMock.knows(cmd)) return reportsMock.handle(cmd, args);
        throw `unknown command ${cmd}`;
    }
  }

  mockIPC((cmd, payload) => handle(cmd, (payload ?? {}) as Record<string, unknown>), { shouldMockEvents: true });
  console.info(`Earshot: using the in-browser mock backend (${items.length} mentions).`);
}
