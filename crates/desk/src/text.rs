//! Small text helpers shared by notices, alerts and the handover.

use earshot_core::Intent;

/// The word a notice uses for an intent; "Other" reads as a plain mention.
pub(crate) fn intent_word(intent: Intent) -> &'static str {
    match intent {
        Intent::Complaint => "Complaint",
        Intent::Question => "Question",
        Intent::Praise => "Praise",
        Intent::Other => "Mention",
    }
}

/// Text from authors, made safe to show as one line: control characters go (a line break or tab becomes a
/// space), and so do the bidirectional overrides that can make a line read backwards.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() && !is_bidi_control(c) {
            out.push(c);
        }
    }
    out.trim().to_string()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// At most `max` characters, ending in "…" when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Notification servers may render a subset of HTML, and post text is written by strangers.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// 48200 → "48,200".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 complaint", "2 complaints".
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_drops_controls_and_joins_lines() {
        assert_eq!(one_line("  Hi\n\tthere\u{7}!\r\n"), "Hi there!");
        assert_eq!(
            one_line("\u{1b}[31mred\u{1b}[0m"),
            "[31mred[0m",
            "escape sequences lose their ESC"
        );
        assert_eq!(one_line("abc\u{202e}fed"), "abcfed", "no right-to-left override");
    }

    #[test]
    fn cut_counts_characters_not_bytes() {
        assert_eq!(cut("héllo", 5), "héllo");
        assert_eq!(cut("héllo wörld", 6), "héllo…");
        assert_eq!(cut("ééééé", 3).chars().count(), 3);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape_markup("<b>A&B</b>"), "&lt;b&gt;A&amp;B&lt;/b&gt;");
    }

    #[test]
    fn numbers_and_counts_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(48_200), "48,200");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(count(1, "complaint", "complaints"), "1 complaint");
        assert_eq!(count(0, "complaint", "complaints"), "0 complaints");
        assert_eq!(intent_word(Intent::Other), "Mention");
    }
}
