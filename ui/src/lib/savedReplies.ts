// Pure helpers for saved replies: the editor's example rendering (the same rule as earshot_desk::template, for a
// sample author; the composer always asks Rust), the palette's keys, and the composer's signature line.

/** Names whose values are handles and always start with @ (as in Rust). */
const HANDLE_VARIABLES = ["author.handle", "handle"];

export interface Rendered {
  text: string;
  /** Known variables with no value; left in the text as written. */
  missing: string[];
  /** Names that are not variables at all. */
  unknown: string[];
}

function isName(text: string): boolean {
  return text !== "" && /^[A-Za-z0-9._-]+$/.test(text);
}

function withAt(handle: string): string {
  return handle === "" || handle.startsWith("@") ? handle : `@${handle}`;
}

/** "Ana María López" → "Ana". */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

/** "Ana María López" → "AML"; "jean-luc picard" → "JLP"; parts not starting with a letter are skipped. */
export function initials(name: string): string {
  return name
    .split(/[\s-]+/)
    .map((part) => [...part][0] ?? "")
    .filter((c) => /\p{L}/u.test(c))
    .map((c) => c.toUpperCase())
    .join("");
}

/**
 * Fills `{name}` variables from `values` (names lower case). `{{` and `}}` are literal braces; a brace that does
 * not open a name stays as it is; a variable with no value stays as written and is reported.
 */
export function renderTemplate(template: string, values: Record<string, string>, known: readonly string[]): Rendered {
  let text = "";
  const missing: string[] = [];
  const unknown: string[] = [];
  let rest = template;
  for (;;) {
    const at = rest.search(/[{}]/);
    if (at === -1) break;
    text += rest.slice(0, at);
    const tail = rest.slice(at);
    if (tail.startsWith("{{") || tail.startsWith("}}")) {
      text += tail[0];
      rest = tail.slice(2);
      continue;
    }
    const close = tail.startsWith("{") ? tail.indexOf("}") : -1;
    const inner = close > 0 ? tail.slice(1, close) : null;
    if (inner === null || !isName(inner.trim())) {
      text += tail[0];
      rest = tail.slice(1);
      continue;
    }
    const written = tail.slice(0, close + 1);
    const name = inner.trim().toLowerCase();
    const value = values[name];
    if (value !== undefined && value !== "") {
      text += HANDLE_VARIABLES.includes(name) ? withAt(value) : value;
    } else {
      text += written;
      const list = known.includes(name) ? missing : unknown;
      if (!list.includes(name)) list.push(name);
    }
    rest = tail.slice(written.length);
  }
  return { text: text + rest, missing, unknown };
}

/** The sample the saved reply editor shows its example for. */
export const SAMPLE_AUTHOR = { name: "Jane Doe", handle: "jane" };

/** Example values: Jane Doe (@jane) writing to `handle`, answered by `agentName`. `{order}` stays to be typed. */
export function sampleValues(agentName: string, handle: string): Record<string, string> {
  const values: Record<string, string> = {
    "author.name": SAMPLE_AUTHOR.name,
    "author.first_name": firstName(SAMPLE_AUTHOR.name),
    "author.handle": withAt(SAMPLE_AUTHOR.handle),
  };
  const agent = agentName.trim().replace(/\s+/g, " ");
  if (agent !== "") {
    values["agent.name"] = agent;
    values["agent.first_name"] = firstName(agent);
    values["agent.initials"] = initials(agent);
  }
  if (handle.trim() !== "") values["handle"] = withAt(handle.trim());
  return values;
}

/** The line under the reply box saying what is added on sending. */
export function signatureLine(signature: string | null): string {
  return signature && signature.trim() !== "" ? `Signed ${signature.trim()}` : "Not signed: replies from here go out unsigned.";
}

/** "Hi {author.first_name}, …": a saved reply's body in one short line for the palette. */
export function excerpt(body: string, max = 90): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** What a key press does in the palette's search field, given how many results there are and which is active. */
export type PaletteMove = { kind: "move"; index: number } | { kind: "choose"; index: number } | { kind: "close" } | null;

export function paletteKey(key: string, active: number, count: number): PaletteMove {
  switch (key) {
    case "ArrowDown":
      return count === 0 ? null : { kind: "move", index: active < 0 ? 0 : (active + 1) % count };
    case "ArrowUp":
      return count === 0 ? null : { kind: "move", index: active <= 0 ? count - 1 : active - 1 };
    case "Home":
      return count === 0 ? null : { kind: "move", index: 0 };
    case "End":
      return count === 0 ? null : { kind: "move", index: count - 1 };
    case "Enter":
      return count === 0 ? null : { kind: "choose", index: active < 0 || active >= count ? 0 : active };
    case "Escape":
      return { kind: "close" };
    default:
      return null;
  }
}

/** Ctrl+/ (Cmd+/ on a Mac) in the reply box: the saved replies palette. */
export function isPaletteKey(press: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; isComposing?: boolean }): boolean {
  if (press.key !== "/" || press.altKey || press.isComposing) return false;
  return Boolean(press.ctrlKey || press.metaKey);
}

/** The values typed for missing variables, trimmed, empties left out. */
export function filledValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v.trim() !== "") out[k] = v.trim();
  return out;
}
