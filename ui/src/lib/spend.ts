// Pure helpers for X's spend meter in the Accounts dialog: dollars as people read them, where this month stands
// against the budget, the per-handle table, and the budget and price fields turned into what set_x_spend takes.
// Amounts are compared in millionths of a dollar, the unit Rust counts in, so "$9.13" here is "$9.13" there.

import type { AccountView, PriceEdit, SpendLine, SpendView, XPrice } from "../bindings";
import { formatCount, plural } from "./format";

/** The most Rust takes for a price or a budget, in dollars. */
export const MAX_USD = 1_000_000_000;

/** Dollars to millionths of a dollar, as Rust rounds them. */
export function toMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}

/** A number Rust sent that it could not represent (never expected) arrives as null. */
function known(usd: number | null): usd is number {
  return usd !== null && Number.isFinite(usd);
}

/**
 * "$0.92", "$1,204.50"; "< $0.01" for a cost too small to show in cents, "$0.00" for none, and a dash for an amount
 * that is not known. Cents round half up, as Rust's own messages do.
 */
export function formatUsd(usd: number | null): string {
  if (!known(usd)) return "\u2014";
  const micros = Math.abs(toMicros(usd));
  const sign = usd < 0 && micros > 0 ? "\u2212" : "";
  const cents = Math.floor((micros + 5_000) / 10_000);
  if (cents === 0 && micros > 0) return `< ${sign}$0.01`;
  return `${sign}$${formatCount(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * A price as its field shows it: every digit Rust keeps (millionths), and at least cents: "0.005", "0.20", "1.00".
 * Empty when the price is not known.
 */
export function priceText(usd: number | null): string {
  if (!known(usd)) return "";
  const micros = Math.abs(toMicros(usd));
  const fraction = String(micros % 1_000_000)
    .padStart(6, "0")
    .replace(/0{1,4}$/, "");
  return `${usd < 0 && micros > 0 ? "-" : ""}${Math.floor(micros / 1_000_000)}.${fraction}`;
}

/** "$0.005": a price for sentences and the price list. */
export function formatPrice(usd: number | null): string {
  return known(usd) ? `$${priceText(usd)}` : "\u2014";
}

// ---------------------------------------------------------------------------
// This month against the budget.

/** How loudly the meter is drawn: under 90% of the budget, from 90% (keyword search pauses), at the budget. */
export type BudgetTone = "ok" | "warn" | "bad";

/** How much of the budget this month has used, from 0 to 1; null without a budget. A zero budget is used up. */
export function budgetFraction(spent: number | null, budget: number | null): number | null {
  if (!known(budget)) return null;
  const spentMicros = known(spent) ? toMicros(spent) : 0;
  const budgetMicros = toMicros(budget);
  if (budgetMicros <= 0) return 1;
  return Math.min(1, Math.max(0, spentMicros / budgetMicros));
}

/** The same thresholds as Rust: at 90% X keyword search pauses, at 100% mentions pause too. */
export function budgetTone(spent: number | null, budget: number | null): BudgetTone {
  if (!known(budget)) return "ok";
  const spentMicros = known(spent) ? toMicros(spent) : 0;
  const budgetMicros = toMicros(budget);
  if (spentMicros >= budgetMicros) return "bad";
  if (spentMicros * 10 >= budgetMicros * 9) return "warn";
  return "ok";
}

/** "$0.92 of $1.00 this month", or "$0.92 this month" without a budget: the meter's words, shown and spoken. */
export function budgetText(spent: number | null, budget: number | null): string {
  if (!known(budget)) return `${formatUsd(spent)} this month`;
  return `${formatUsd(spent)} of ${formatUsd(budget)} this month`;
}

// ---------------------------------------------------------------------------
// Per handle.

/** One handle's line in the table: what it cost today and this month; null where it used nothing. */
export interface SpendRow {
  handle: string;
  today: SpendLine | null;
  month: SpendLine | null;
}

/** Today's and this month's lines side by side, per handle: the costliest this month first, then by handle. */
export function spendRows(view: Pick<SpendView, "today" | "month">): SpendRow[] {
  const rows = new Map<string, SpendRow>();
  const row = (handle: string): SpendRow => {
    let found = rows.get(handle);
    if (!found) {
      found = { handle, today: null, month: null };
      rows.set(handle, found);
    }
    return found;
  };
  for (const line of view.month) row(line.handle).month = line;
  for (const line of view.today) row(line.handle).today = line;
  const cost = (r: SpendRow) => (r.month && known(r.month.usd) ? toMicros(r.month.usd) : 0);
  return [...rows.values()].sort((a, b) => cost(b) - cost(a) || a.handle.localeCompare(b.handle));
}

/** "1,480 reads, 9 writes", "1 read, 0 writes"; "Nothing billed" for no line. */
export function usageText(line: Pick<SpendLine, "reads" | "writes"> | null): string {
  if (line === null || (line.reads === 0 && line.writes === 0)) return "Nothing billed";
  return `${plural(line.reads, "read")}, ${plural(line.writes, "write")}`;
}

/** X has billed something, today or earlier this month. */
export function hasSpend(view: SpendView): boolean {
  if (known(view.month_usd) && toMicros(view.month_usd) > 0) return true;
  if (known(view.today_usd) && toMicros(view.today_usd) > 0) return true;
  return [...view.month, ...view.today].some((line) => line.reads > 0 || line.writes > 0);
}

/** The meter is shown while an X account is connected, or while X has cost something this month. */
export function showSpend(accounts: readonly Pick<AccountView, "network">[] | null, view: SpendView | null): boolean {
  if (accounts?.some((a) => a.network === "x")) return true;
  return view !== null && hasSpend(view);
}

/** The marker beside a price: X's own, or one set here. */
export function priceSource(price: Pick<XPrice, "is_default">): string {
  return price.is_default ? "X's published price" : "Your price";
}

// ---------------------------------------------------------------------------
// The budget and prices form.

export type DollarsProblem = "empty" | "not_number" | "negative" | "too_precise" | "too_large";

/**
 * An amount of US dollars as typed: "0.005", "$25", " 1,000.50 ". Commas only group thousands ("0,005" is not read
 * as five dollars). At most six decimal places, which is what Rust keeps.
 */
export function parseDollars(text: string): { ok: true; usd: number } | { ok: false; problem: DollarsProblem } {
  let t = text.trim().replace(/^\$\s*/, "");
  if (t === "") return { ok: false, problem: "empty" };
  let negative = false;
  if (/^[-\u2212]/.test(t)) {
    negative = true;
    t = t.slice(1).replace(/^\$\s*/, "");
  }
  if (/^[1-9]\d{0,2}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, "");
  if (!/^(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, problem: "not_number" };
  const usd = Number(t);
  if (!Number.isFinite(usd)) return { ok: false, problem: "not_number" };
  if (negative && usd > 0) return { ok: false, problem: "negative" };
  const decimals = t.includes(".") ? t.length - t.indexOf(".") - 1 : 0;
  if (decimals > 6 && !/^0*$/.test(t.slice(t.indexOf(".") + 7))) return { ok: false, problem: "too_precise" };
  if (usd > MAX_USD) return { ok: false, problem: "too_large" };
  return { ok: true, usd };
}

/** What is wrong with an amount, in words: `subject` is "the monthly budget" or "the price for Post read". */
export function dollarsMessage(problem: DollarsProblem, subject: string, example: string): string {
  const Subject = subject.charAt(0).toUpperCase() + subject.slice(1);
  switch (problem) {
    case "empty":
      return `Enter ${subject} in US dollars, such as ${example}.`;
    case "not_number":
      return `Enter ${subject} as a number of US dollars, with a dot before the cents, such as ${example}.`;
    case "negative":
      return `${Subject} can't be below zero.`;
    case "too_precise":
      return `${Subject} has more than 6 decimal places. Earshot counts to a millionth of a dollar.`;
    case "too_large":
      return `${Subject} is too large. Enter at most ${formatCount(MAX_USD)}.`;
  }
}

/** The field a problem is about: the budget, or a price by its kind. */
export type SpendField = { budget: true } | { kind: string };

/** Exactly the arguments of set_x_spend. */
export interface SpendSettings {
  budgetUsd: number | null;
  clearBudget: boolean;
  prices: PriceEdit[];
}

/**
 * Checks the budget and price fields and builds set_x_spend's arguments: an empty budget removes the budget, and
 * only prices that changed are sent. The first problem, budget first, then prices in their order.
 */
export function spendSettings(
  budgetText: string,
  prices: readonly XPrice[],
  priceDrafts: Readonly<Record<string, string>>,
): { ok: true; settings: SpendSettings } | { ok: false; field: SpendField; message: string } {
  let budgetUsd: number | null = null;
  let clearBudget = false;
  const budget = parseDollars(budgetText);
  if (budget.ok) budgetUsd = budget.usd;
  else if (budget.problem === "empty") clearBudget = true;
  else {
    const message = dollarsMessage(budget.problem, "the monthly budget", "25.00");
    return { ok: false, field: { budget: true }, message };
  }

  const edits: PriceEdit[] = [];
  for (const price of prices) {
    const draft = priceDrafts[price.kind];
    if (draft === undefined) continue;
    const parsed = parseDollars(draft);
    if (!parsed.ok) {
      const message = dollarsMessage(parsed.problem, `the price for ${price.label}`, priceText(price.usd) || "0.005");
      return { ok: false, field: { kind: price.kind }, message };
    }
    if (!known(price.usd) || toMicros(parsed.usd) !== toMicros(price.usd)) {
      edits.push({ kind: price.kind, usd: parsed.usd });
    }
  }
  return { ok: true, settings: { budgetUsd, clearBudget, prices: edits } };
}

/** What a save did, in words. */
export function savedText(view: Pick<SpendView, "budget_usd">, pricesChanged: number): string {
  const budget = known(view.budget_usd) ? `Budget set to ${formatUsd(view.budget_usd)} a month` : "No monthly budget";
  if (pricesChanged === 0) return `${budget}.`;
  return `${budget}; ${plural(pricesChanged, "price")} changed.`;
}
