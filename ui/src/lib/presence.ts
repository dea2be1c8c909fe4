// Presence beside an item: who else has it open, and who is writing an answer (see PresenceLine.svelte).

import type { PresenceView } from "../bindings";

/** How often the window says what it has open. Rust forgets a desk after 30 s without a beat. */
export const PRESENCE_BEAT_MS = 10_000;

function names(list: string[]): string {
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

/**
 * One line for everyone else on the item, writers first: "Ana Ruiz is writing a reply", "Ana Ruiz and Bo Chen are
 * viewing this item", or both, joined. Empty when nobody else is there.
 */
export function presenceSummary(others: PresenceView[]): string {
  const writing = others.filter((o) => o.activity === "composing").map((o) => o.agent);
  const viewing = others.filter((o) => o.activity === "viewing").map((o) => o.agent);
  const parts: string[] = [];
  if (writing.length > 0) parts.push(`${names(writing)} ${writing.length === 1 ? "is" : "are"} writing a reply`);
  if (viewing.length > 0) {
    parts.push(`${names(viewing)} ${viewing.length === 1 ? "is" : "are"} viewing this item`);
  }
  return parts.join("; ");
}
