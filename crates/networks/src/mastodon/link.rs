//! The `Link` header Mastodon pages with: `<https://host/api/v1/notifications?max_id=7>; rel="next", <…>; rel="prev"`.

use url::Url;

/// Where the next (older) and previous (newer) pages are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    pub next: Option<Url>,
    pub prev: Option<Url>,
}

/// Reads a `Link` header. Unknown relations and malformed parts are ignored.
pub fn parse_link_header(value: &str) -> Links {
    let mut links = Links::default();
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let Some(target) = pieces.next().map(str::trim) else {
            continue;
        };
        let Some(target) = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
            continue;
        };
        let Ok(url) = Url::parse(target) else { continue };
        for param in pieces {
            let param = param.trim();
            let Some(rel) = param.strip_prefix("rel=") else {
                continue;
            };
            for rel in rel.trim_matches('"').split_whitespace() {
                match rel {
                    "next" => links.next = Some(url.clone()),
                    "prev" => links.prev = Some(url.clone()),
                    _ => {}
                }
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_and_prev() {
        let links = parse_link_header(
            r#"<http://localhost:3000/api/v1/notifications?max_id=19>; rel="next", <http://localhost:3000/api/v1/notifications?min_id=21>; rel="prev""#,
        );
        assert_eq!(links.next.unwrap().query(), Some("max_id=19"));
        assert_eq!(links.prev.unwrap().query(), Some("min_id=21"));
    }

    #[test]
    fn ignores_what_it_cannot_read() {
        assert_eq!(parse_link_header(""), Links::default());
        assert_eq!(
            parse_link_header("garbage; rel=next, <not a url>; rel=\"prev\""),
            Links::default()
        );
    }
}
