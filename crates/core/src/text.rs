use url::Url;

use crate::{Facet, FacetKind};

/// A run of a mention's text, ready to show: plain text, and a link only when it is a safe web address.
///
/// The UI renders `text` as a text node and never as HTML, so hostile text stays inert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub link: Option<String>,
}

/// Returns the address only if it is an absolute `http` or `https` URL, normalised.
///
/// `javascript:`, `data:`, `file:` and relative addresses are refused, whatever their case or padding.
pub fn safe_link(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Some(url.to_string()),
        _ => None,
    }
}

/// Splits a mention's text into segments along its link facets.
///
/// Facets come from outside, so each is checked: a facet out of range, off a character boundary,
/// overlapping an earlier one, or with an unsafe address is ignored and its text stays plain.
pub fn segments(text: &str, facets: &[Facet]) -> Vec<Segment> {
    let mut links: Vec<(usize, usize, String)> = facets
        .iter()
        .filter_map(|f| match &f.kind {
            FacetKind::Link { uri } => Some((f.start, f.end, uri)),
            _ => None,
        })
        .filter(|(s, e, _)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .filter_map(|(s, e, uri)| safe_link(uri).map(|u| (s, e, u)))
        .collect();
    links.sort_by_key(|(s, _, _)| *s);

    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, uri) in links {
        if start < at {
            continue; // overlaps the previous link
        }
        if start > at {
            out.push(Segment {
                text: text[at..start].to_owned(),
                link: None,
            });
        }
        out.push(Segment {
            text: text[start..end].to_owned(),
            link: Some(uri),
        });
        at = end;
    }
    if at < text.len() || out.is_empty() {
        out.push(Segment {
            text: text[at..].to_owned(),
            link: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(start: usize, end: usize, uri: &str) -> Facet {
        Facet {
            start,
            end,
            kind: FacetKind::Link { uri: uri.into() },
        }
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            safe_link("https://acme.example/a"),
            Some("https://acme.example/a".into())
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<b>",
            "file:///etc/passwd",
            "/x",
        ] {
            assert_eq!(safe_link(bad), None, "{bad} must never become a clickable link");
        }
    }

    #[test]
    fn text_splits_along_link_facets_by_utf8_bytes() {
        let text = "🚲 see https://a.example now";
        let start = text.find("https").unwrap();
        let end = start + "https://a.example".len();
        let segs = segments(text, &[link(start, end, "https://a.example")]);
        assert_eq!(segs.len(), 3, "text, link, text: {segs:?}");
        assert_eq!(segs[0].text, "🚲 see ");
        assert_eq!(segs[1].link.as_deref(), Some("https://a.example/"));
        assert_eq!(
            segs.iter().map(|s| s.text.as_str()).collect::<String>(),
            text,
            "no text may be lost"
        );
    }

    #[test]
    fn hostile_or_broken_facets_leave_plain_text() {
        let text = "🚲 click me";
        let cases = [
            link(0, 2, "https://a.example"),   // inside the emoji: not a char boundary
            link(5, 500, "https://a.example"), // past the end
            link(5, 10, "javascript:alert(document)"), // unsafe scheme
            link(6, 3, "https://a.example"),   // reversed
        ];
        for facet in cases {
            let segs = segments(text, std::slice::from_ref(&facet));
            assert_eq!(
                segs,
                vec![Segment {
                    text: text.into(),
                    link: None
                }],
                "{facet:?} must be ignored"
            );
        }
    }

    #[test]
    fn overlapping_links_keep_the_first() {
        let text = "aaaa bbbb";
        let segs = segments(
            text,
            &[
                link(0, 6, "https://one.example"),
                link(5, 9, "https://two.example"),
            ],
        );
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].link.as_deref(), Some("https://one.example/"));
        assert_eq!(segs[1].link, None);
    }

    #[test]
    fn empty_text_gives_one_empty_segment() {
        assert_eq!(
            segments("", &[]),
            vec![Segment {
                text: String::new(),
                link: None
            }]
        );
    }
}
