//! HTML from a network (a Mastodon status, a feed entry's summary) into plain text plus link, mention and
//! hashtag facets.
//!
//! The HTML is attacker-controlled. It is parsed with html5ever (as a browser would) and only its text is
//! kept; `<a>` elements become facets over that text, with UTF-8 byte offsets as `core` expects. Nothing of
//! the markup survives, so it can never be rendered as HTML later.

use earshot_core::{Facet, FacetKind};
use scraper::{ElementRef, Html, Node};
use url::Url;

/// What the walk has written so far.
struct Output<'m> {
    text: String,
    facets: Vec<Facet>,
    /// The post's mentions, as (profile URL, full account), so a mention link can name the full account.
    mentions: &'m [(String, String)],
    /// Where relative link addresses are resolved (a feed entry's page); `None` leaves them as they are.
    base: Option<&'m Url>,
}

impl Output<'_> {
    /// Ends a block with one blank line, whatever white space (a line break between two `<p>` in a feed's
    /// HTML, a `<br>` at the end of a paragraph) came before it.
    fn paragraph_break(&mut self) {
        let trimmed = self.text.trim_end_matches([' ', '\t', '\n', '\r']).len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
    }

    fn walk(&mut self, element: ElementRef<'_>) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text.push_str(text),
                Node::Element(_) => {
                    if let Some(el) = ElementRef::wrap(child) {
                        self.element(el);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>) {
        match el.value().name() {
            // Never text, whatever a hostile server puts in them.
            "script" | "style" | "template" | "noscript" | "iframe" | "object" => {}
            "br" => self.text.push('\n'),
            "p" | "div" | "blockquote" | "li" | "ul" | "ol" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5"
            | "h6" => {
                self.paragraph_break();
                self.walk(el);
                self.paragraph_break();
            }
            "a" => {
                let start = self.text.len();
                self.walk(el);
                let end = self.text.len();
                if end > start {
                    if let Some(kind) = self.link_kind(el, &self.text[start..end]) {
                        self.facets.push(Facet { start, end, kind });
                    }
                }
            }
            _ => self.walk(el),
        }
    }

    fn link_kind(&self, el: ElementRef<'_>, text: &str) -> Option<FacetKind> {
        let href = el.value().attr("href")?.trim();
        let has = |class: &str| el.value().classes().any(|c| c == class);
        if has("mention") && !has("hashtag") {
            let handle = self
                .mentions
                .iter()
                .find(|(url, _)| url == href)
                .map(|(_, acct)| acct.clone())
                .unwrap_or_else(|| text.trim_start_matches('@').to_owned());
            return Some(FacetKind::Mention { handle });
        }
        if has("hashtag") || text.starts_with('#') {
            return Some(FacetKind::Tag {
                tag: text.trim_start_matches('#').to_owned(),
            });
        }
        let uri = match self.base {
            Some(base) if Url::parse(href).is_err() => base.join(href).map(String::from).ok()?,
            _ => href.to_owned(),
        };
        Some(FacetKind::Link { uri })
    }
}

/// A status's HTML `content` as plain text with facets. `mentions` maps each mentioned profile URL to the
/// full account (`user@server`), so mention facets name accounts exactly.
pub fn status_text(html: &str, mentions: &[(String, String)]) -> (String, Vec<Facet>) {
    let fragment = Html::parse_fragment(html);
    let mut out = Output {
        text: String::new(),
        facets: Vec::new(),
        mentions,
        base: None,
    };
    out.walk(fragment.root_element());
    let end = out.text.trim_end().len();
    out.text.truncate(end);
    out.facets.retain(|f| f.end <= end);
    (out.text, out.facets)
}

/// A web page fragment (a feed entry's summary or content) as plain text with facets, trimmed at both ends.
/// Relative link addresses are resolved against `base`.
pub fn page_text(html: &str, base: Option<&Url>) -> (String, Vec<Facet>) {
    let fragment = Html::parse_fragment(html);
    let mut out = Output {
        text: String::new(),
        facets: Vec::new(),
        mentions: &[],
        base,
    };
    out.walk(fragment.root_element());
    let end = out.text.trim_end().len();
    let start = end - out.text[..end].trim_start().len();
    let text = out.text[start..end].to_owned();
    let facets = out
        .facets
        .into_iter()
        .filter(|f| f.start >= start && f.end <= end)
        .map(|f| Facet {
            start: f.start - start,
            end: f.end - start,
            kind: f.kind,
        })
        .collect();
    (text, facets)
}

/// Text that is meant to be plain but often carries HTML character references (`&nbsp;`, `&eacute;`, a
/// doubly escaped `&amp;amp;`), as feed titles do: the references are decoded, and anything that looks like
/// a tag stays literally as it is.
pub fn plain_text(text: &str) -> String {
    page_text(&text.replace('<', "&lt;"), None).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_and_links_become_text_and_facets() {
        let html = r#"<p><span class="h-card"><a href="https://m.example/@help" class="u-url mention">@<span>help</span></a></span> my order 🚲 <a href="https://t.example/x" rel="nofollow"><span class="invisible">https://</span><span class="">t.example/x</span></a></p><p>line<br>two <a href="https://m.example/tags/fail" class="mention hashtag">#<span>fail</span></a></p>"#;
        let mentions = vec![("https://m.example/@help".to_owned(), "help@m.example".to_owned())];
        let (text, facets) = status_text(html, &mentions);
        assert_eq!(text, "@help my order 🚲 https://t.example/x\n\nline\ntwo #fail");
        let slices: Vec<&str> = facets.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(
            slices,
            ["@help", "https://t.example/x", "#fail"],
            "facets cover exactly their text"
        );
        assert_eq!(
            facets[0].kind,
            FacetKind::Mention {
                handle: "help@m.example".into()
            }
        );
        assert_eq!(
            facets[1].kind,
            FacetKind::Link {
                uri: "https://t.example/x".into()
            }
        );
        assert_eq!(facets[2].kind, FacetKind::Tag { tag: "fail".into() });
    }

    #[test]
    fn hostile_markup_leaves_only_inert_text() {
        let html = r#"<p>hi<script>alert(1)</script><img src=x onerror="alert(2)"><style>p{}</style> <a href="javascript:alert(3)">click</a></p>"#;
        let (text, facets) = status_text(html, &[]);
        assert_eq!(text, "hi click", "scripts, styles and images leave no text");
        // The javascript: link is kept as a facet here; core::segments refuses to make it clickable.
        let segments = earshot_core::segments(&text, &facets);
        assert!(
            segments.iter().all(|s| s.link.is_none()),
            "no unsafe link survives: {segments:?}"
        );
    }

    #[test]
    fn page_text_is_trimmed_and_resolves_relative_links() {
        let base: Url = "https://forum.example/t/topic/12".parse().unwrap();
        let (text, facets) = page_text(
            "\n  <p>see <a href=\"/t/other/3\">this</a> &amp; <a href=\"javascript:x()\">that</a></p>\n",
            Some(&base),
        );
        assert_eq!(text, "see this & that", "white space around the text is dropped");
        assert_eq!(
            &text[facets[0].start..facets[0].end],
            "this",
            "facets move with the trimmed text"
        );
        assert_eq!(
            facets[0].kind,
            FacetKind::Link {
                uri: "https://forum.example/t/other/3".into()
            },
            "a relative address is resolved against the page"
        );
        let segments = earshot_core::segments(&text, &facets);
        assert!(
            segments.iter().filter(|s| s.link.is_some()).count() == 1,
            "only the web address is a link: {segments:?}"
        );
    }

    #[test]
    fn plain_text_decodes_references_and_keeps_angle_brackets() {
        assert_eq!(
            plain_text("Caf&eacute;&nbsp;&amp; <b>bold</b> I <3 it"),
            "Caf\u{e9}\u{a0}& <b>bold</b> I <3 it",
            "references decoded once, tags kept as text"
        );
    }

    #[test]
    fn entities_are_decoded_once() {
        let (text, _) = status_text("<p>&lt;b&gt;not bold&lt;/b&gt; &amp; more</p>", &[]);
        assert_eq!(
            text, "<b>not bold</b> & more",
            "escaped markup is text, shown literally"
        );
    }
}
