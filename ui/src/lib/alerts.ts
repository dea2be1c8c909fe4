// Pure helpers for desktop alerts: do-not-disturb's presets and state in words, and editing alert rules (a new
// rule's defaults, the customer standing choices, a rule in one line). Rust checks the rules when they are saved.

import type { AlertRule, AlertSettings, AlertsStatus, Intent } from "../bindings";
import { clockTime } from "./accounts";
import { parseTime } from "./format";

/** Do-not-disturb's choices in Settings. */
export type DndPreset = "off" | "hour" | "tomorrow" | "on";

export const DND_PRESETS: readonly { id: DndPreset; label: string }[] = [
  { id: "off", label: "Off" },
  { id: "hour", label: "For 1 hour" },
  { id: "tomorrow", label: "Until tomorrow 09:00" },
  { id: "on", label: "Until I turn it off" },
];

/** What `setDnd` takes for a preset: null (off), "on", or an RFC 3339 time worked out from `now` in local time. */
export function dndValue(preset: DndPreset, now: number): string | null {
  switch (preset) {
    case "off":
      return null;
    case "on":
      return "on";
    case "hour":
      return new Date(now + 60 * 60_000).toISOString();
    case "tomorrow": {
      const d = new Date(now);
      d.setDate(d.getDate() + 1);
      d.setHours(9, 0, 0, 0);
      return d.toISOString();
    }
  }
}

/** `D` in the window: on until turned off, or off when it is on (however it was turned on). */
export function dndToggleValue(settings: Pick<AlertSettings, "dnd_active">): string | null {
  return settings.dnd_active ? null : "on";
}

/** Do-not-disturb's state in words: "Do not disturb is off.", "… on until you turn it off.", "… on until 09:00 (Sat)". */
export function dndText(settings: Pick<AlertSettings, "dnd_active" | "dnd_until">, now: number): string {
  if (!settings.dnd_active) return "Do not disturb is off. Alerts show as they come.";
  const until = parseTime(settings.dnd_until);
  if (until === null) return "Do not disturb is on until you turn it off. Alerts are held.";
  return `Do not disturb is on until ${whenText(until, now)}. Alerts are held until then.`;
}

/** "14:05", "tomorrow 09:00", or "Sat 09:00". */
function whenText(t: number, now: number): string {
  const clock = clockTime(new Date(t).toISOString());
  const day = (x: number) => {
    const d = new Date(x);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  };
  const days = Math.round((day(t) - day(now)) / 86_400_000);
  if (days === 0) return clock;
  if (days === 1) return `tomorrow ${clock}`;
  return `${new Date(t).toLocaleDateString("en-US", { weekday: "short", month: "short", day: "numeric" })} ${clock}`;
}

/** Which preset the settings match, for the radio group; a timed one shows as whichever it was set as is unknown. */
export function dndPresetOf(settings: Pick<AlertSettings, "dnd_active" | "dnd_until">): DndPreset | null {
  if (!settings.dnd_active) return "off";
  return parseTime(settings.dnd_until) === null ? "on" : null;
}

/** The short status message after `D`. */
export function dndToggledText(settings: Pick<AlertSettings, "dnd_active" | "dnd_until">, now: number): string {
  return settings.dnd_active ? dndText(settings, now) : "Do not disturb is off.";
}

/** Whether alerts can show, in words: "Alerts show through dunst 1.9", or the problem. */
export function alertsStatusText(status: AlertsStatus): string {
  if (status.available) return status.server ? `Alerts show through ${status.server}.` : "Alerts can show on this computer.";
  return status.problem ?? "Alerts cannot show on this computer.";
}

export const INTENT_CHOICES: readonly { id: Intent; label: string }[] = [
  { id: "complaint", label: "Complaints" },
  { id: "question", label: "Questions" },
  { id: "praise", label: "Praise" },
  { id: "other", label: "Other" },
];

/** The customer standing choices, as the CRM standing goes (0.3 lead … 1.0 top tier). */
export const STANDING_CHOICES: readonly { value: number | null; label: string }[] = [
  { value: null, label: "No customer threshold" },
  { value: 0.3, label: "Any customer (0.3)" },
  { value: 0.5, label: "Paying (0.5)" },
  { value: 0.9, label: "Top tier (0.9)" },
];

/** The choices for a rule, with its own value added when it is not one of them ("Standing 0.7 or more"). */
export function standingChoices(current: number | null): { value: number | null; label: string }[] {
  if (STANDING_CHOICES.some((c) => c.value === current)) return [...STANDING_CHOICES];
  return [...STANDING_CHOICES, { value: current, label: `Standing ${current} or more` }];
}

/** The rule Rust starts with (earshot_desk::default_rules): "Restore the default rule" puts it back. */
export const DEFAULT_RULE_ID = "influential-complaint";

export function defaultRule(): AlertRule {
  return {
    id: DEFAULT_RULE_ID,
    name: "Complaints from influential authors or customers",
    enabled: true,
    intents: ["complaint"],
    urgent: true,
    sentiments: [],
    min_followers: 10_000,
    min_customer_standing: 0.5,
    handles: [],
    roles: [],
    networks: [],
    keywords: [],
  };
}

/** The rules with the default rule back at the top, replacing any rule with its ID. */
export function restoreDefault(rules: readonly AlertRule[]): AlertRule[] {
  return [defaultRule(), ...rules.filter((r) => r.id !== DEFAULT_RULE_ID)];
}

/** A new rule: complaints from anyone, on, with an ID none of `rules` has. */
export function newRule(rules: readonly Pick<AlertRule, "id">[]): AlertRule {
  const taken = new Set(rules.map((r) => r.id));
  let n = rules.length + 1;
  while (taken.has(`rule-${n}`)) n++;
  return {
    id: `rule-${n}`,
    name: `New alert rule ${n}`,
    enabled: true,
    intents: ["complaint"],
    urgent: false,
    sentiments: [],
    min_followers: null,
    min_customer_standing: null,
    handles: [],
    roles: [],
    networks: [],
    keywords: [],
  };
}

/** Adds or removes a value from a list, keeping the list's order. */
export function toggled<T>(list: readonly T[], value: T, on: boolean): T[] {
  const without = list.filter((x) => x !== value);
  return on ? [...without, value] : without;
}

/** A followers field as typed: empty is no threshold; otherwise whole followers. */
export function parseFollowers(text: string): { value: number | null } | { problem: string } {
  const t = text.trim().replace(/[,_\s]/g, "");
  if (t === "") return { value: null };
  if (!/^\d+$/.test(t)) return { problem: "Type a whole number of followers, such as 10000, or leave it empty." };
  return { value: Number(t) };
}

/** A rule in one line, for its row: "Complaints or urgent · 10,000+ followers or paying customers". */
export function ruleSummary(rule: AlertRule): string {
  const what: string[] = [];
  const intents = INTENT_CHOICES.filter((c) => rule.intents.includes(c.id)).map((c) => c.label.toLowerCase());
  if (intents.length > 0) what.push(intents.join(", "));
  if (rule.urgent) what.push("urgent items");
  const whatText = what.length > 0 ? what.join(" or ") : "anything";
  const who: string[] = [];
  if (rule.min_followers !== null) who.push(`${rule.min_followers.toLocaleString("en-US")}+ followers`);
  if (rule.min_customer_standing !== null) {
    const choice = STANDING_CHOICES.find((c) => c.value === rule.min_customer_standing);
    who.push(choice ? `customers ${choice.label.toLowerCase()}` : `customers with standing ${rule.min_customer_standing}+`);
  }
  const whoText = who.length > 0 ? ` from authors with ${who.join(" or ")}` : " from anyone";
  const keywords = rule.keywords.length > 0 ? `, mentioning ${rule.keywords.join(", ")}` : "";
  const text = `${whatText}${whoText}${keywords}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
