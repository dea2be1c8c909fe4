// Pure helpers for the Shift and Team dialogs: "until HH:MM" as the next such time, who can post the shift post,
// and each person's duty in words.

import type { AccountView, AgentView, HandleSummary } from "../bindings";
import { clockTime } from "./accounts";
import { atHandle, parseTime, plural } from "./format";

/** "HH:MM" as the next time the clock shows it after `now`, in RFC 3339; null for empty; "invalid" otherwise. */
export function untilFromClock(text: string, now: number): string | null | "invalid" {
  const t = text.trim();
  if (t === "") return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return "invalid";
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return "invalid";
  const d = new Date(now);
  d.setHours(h, min, 0, 0);
  if (d.getTime() <= now) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** The accounts that can post the shift post: every connected account except web pages. */
export function postingAccounts(accounts: readonly AccountView[]): AccountView[] {
  return accounts.filter((a) => a.network !== "web");
}

/** The account the post goes from at first: the first support account, else the first that can post. */
export function defaultPostFrom(accounts: readonly AccountView[]): string | null {
  const can = postingAccounts(accounts);
  return (can.find((a) => a.role === "support") ?? can[0])?.id ?? null;
}

/** "@help.bsky.social, @spokewise@mastodon.example" for handle IDs; unknown IDs are left out. */
export function handleNames(ids: readonly string[], handles: readonly HandleSummary[]): string {
  return ids
    .map((id) => handles.find((h) => h.id === id))
    .filter((h): h is HandleSummary => h !== undefined)
    .map((h) => atHandle(h.account))
    .join(", ");
}

/** A person's duty in words: "On duty on @help until 17:00", "On duty on every handle", "Off duty". */
export function dutyText(agent: Pick<AgentView, "on_duty" | "duty_until" | "handle_ids">, handles: readonly HandleSummary[]): string {
  if (!agent.on_duty) return "Off duty";
  const on = agent.handle_ids.length === 0 ? "every handle" : handleNames(agent.handle_ids, handles) || "handles since removed";
  const until = parseTime(agent.duty_until) === null ? "" : ` until ${clockTime(agent.duty_until)}`;
  return `On duty on ${on}${until}`;
}

/** What a person holds: "Holds 3 items", "Holds nothing". */
export function holdingText(holding: number): string {
  return holding === 0 ? "Holds nothing" : `Holds ${plural(holding, "item")}`;
}

export const AGENT_ROLES: readonly { id: "agent" | "lead"; label: string }[] = [
  { id: "agent", label: "Agent" },
  { id: "lead", label: "Lead" },
];

/** The role in words: "Agent", "Lead", or as Rust says it. */
export function roleLabel(role: string): string {
  return AGENT_ROLES.find((r) => r.id === role)?.label ?? role;
}

/** After End shift: "2 items you held went back to the queue." */
export function returnedText(returned: number): string {
  if (returned === 0) return "Nothing you held had to go back to the queue.";
  return `${plural(returned, "item")} you held went back to the queue.`;
}
