//! Links and @mentions in text Earshot posts, as Bluesky facets (byte ranges), so they are clickable and
//! notify the person named. Bluesky does not find them itself: the client must.

/// A span of outgoing text that is a link or names a handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Link {
        start: usize,
        end: usize,
        uri: String,
    },
    Mention {
        start: usize,
        end: usize,
        handle: String,
    },
}

fn trim_trailing_punctuation(s: &str) -> &str {
    s.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"'])
}

fn is_handle(h: &str) -> bool {
    let labels: Vec<&str> = h.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
}

/// Finds `https://…` links and `@handle.domain` mentions, word by word.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut offset = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let start = offset;
        offset += word.len();
        let word = word.trim_end();
        let lead = word.len() - word.trim_start_matches(['(', '"', '\'']).len();
        let core = trim_trailing_punctuation(&word[lead..]);
        let at = start + lead;
        if core.starts_with("https://") || core.starts_with("http://") {
            if core.len() > "https://".len() {
                out.push(Span::Link {
                    start: at,
                    end: at + core.len(),
                    uri: core.to_owned(),
                });
            }
        } else if let Some(handle) = core.strip_prefix('@') {
            if is_handle(handle) {
                out.push(Span::Mention {
                    start: at,
                    end: at + core.len(),
                    handle: handle.to_ascii_lowercase(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_mentions_by_byte_offsets() {
        let text = "Hi @alice.test! See https://earshot.example/help, ok? ünïcode @not_a_handle";
        let found = spans(text);
        assert_eq!(
            found,
            vec![
                Span::Mention {
                    start: 3,
                    end: 14,
                    handle: "alice.test".into()
                },
                Span::Link {
                    start: 20,
                    end: 48,
                    uri: "https://earshot.example/help".into()
                },
            ]
        );
        if let Span::Link { start, end, .. } = &found[1] {
            assert_eq!(&text[*start..*end], "https://earshot.example/help");
        }
    }

    #[test]
    fn offsets_count_bytes_after_multibyte_text() {
        let text = "Grüße @bob.test";
        let found = spans(text);
        assert_eq!(
            found,
            vec![Span::Mention {
                start: 8,
                end: 17,
                handle: "bob.test".into()
            }]
        );
        assert_eq!(&text[8..17], "@bob.test");
    }
}
