// Settings → Team database, and automatic assignment in the Team dialog: words for what Rust reports.

import type { AssignMode, ClaimQueue, MoveReport } from "../bindings";

export const TEAM_URL_PLACEHOLDER = "postgres://you@db.example.com/earshot?sslmode=verify-full";

/** "Moved 1,204 items (and 3 handles, 412 history entries, …) into the team database." */
export function movedSummary(report: MoveReport): string {
  const n = (v: number): string => v.toLocaleString("en-US");
  const items = `${n(report.items)} ${report.items === 1 ? "item" : "items"}`;
  const others = report.tables.filter((t) => t.table !== "mentions" && t.rows > 0).map((t) => `${n(t.rows)} ${t.label}`);
  if (others.length === 0) return `Moved ${items} into the team database.`;
  const named = others.length > 4 ? [...others.slice(0, 4), "…"] : others;
  return `Moved ${items} (and ${named.join(", ")}) into the team database.`;
}

export const QUEUE_LABELS: Record<ClaimQueue, string> = {
  support: "Support queue",
  marketing: "Marketing queue",
};

export const QUEUE_HELP: Record<ClaimQueue, string> = {
  support: "Items on support handles, and complaints wherever they arrive.",
  marketing: "Praise on marketing handles.",
};

export const ASSIGN_MODES: { id: AssignMode; label: string }[] = [
  { id: "off", label: "Off: people claim items" },
  { id: "round_robin", label: "Round-robin: in turn" },
  { id: "least_loaded", label: "Least-loaded: to whoever holds fewest" },
];

/** What a change of mode means, for the status line. */
export function assignModeSaid(queue: ClaimQueue, mode: AssignMode): string {
  const q = queue === "support" ? "Support" : "Marketing";
  switch (mode) {
    case "off":
      return `${q} items wait for someone to claim them.`;
    case "round_robin":
      return `${q} items now go in turn to whoever is on duty and has room.`;
    case "least_loaded":
      return `${q} items now go to whoever on duty holds the fewest.`;
  }
}
