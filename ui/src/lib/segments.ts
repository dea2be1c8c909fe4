// Decides how a post's segments are shown. Post text is written by strangers:
// it is only ever rendered as text, and a segment becomes a link only when its
// target is a plain http(s) URL. Links are opened through `openLink` (the
// system browser), never by the webview.

import type { Segment } from "../bindings";

export type Part = { kind: "text"; text: string } | { kind: "link"; text: string; url: string; host: string };

/** The URL if it is absolute http or https (no credentials), else null. */
export function safeUrl(raw: string | null | undefined): string | null {
  if (typeof raw !== "string" || raw.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password) return null;
  if (!url.hostname) return null;
  return url.href;
}

/** The host to show next to a link ("example.com"), or "" if not a URL. */
export function hostOf(raw: string): string {
  try {
    return new URL(raw).hostname.replace(/^www\./, "");
  } catch {
    return "";
  }
}

/** Segments to parts: unsafe links become text, adjacent text is merged. */
export function toParts(segments: readonly Segment[]): Part[] {
  const parts: Part[] = [];
  for (const seg of segments) {
    const url = safeUrl(seg.link);
    if (url) {
      parts.push({ kind: "link", text: seg.text === "" ? url : seg.text, url, host: hostOf(url) });
      continue;
    }
    if (seg.text === "") continue;
    const last = parts[parts.length - 1];
    if (last && last.kind === "text") last.text += seg.text;
    else parts.push({ kind: "text", text: seg.text });
  }
  return parts;
}

/** The plain text of segments, for labels and excerpts. */
export function plainText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join("");
}
