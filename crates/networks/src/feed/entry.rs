//! One feed entry (as feed-rs reads it) into a canonical mention, or the reason it cannot be one.

use chrono::{DateTime, Utc};
use earshot_core::canonical::MAX_TEXT_BYTES;
use earshot_core::{safe_link, Account, Author, Facet, Mention, Network};
use feed_rs::model::{Entry, Feed, Person, Text};
use url::Url;

use crate::html::{page_text, plain_text};
use crate::Skipped;

/// What every entry of one feed shares.
pub(super) struct FeedContext<'a> {
    /// Where relative addresses are resolved when no xml:base did: the feed's own page (its channel
    /// link), else the address the feed was fetched from.
    pub base: &'a Url,
    /// The listening source the mentions belong to.
    pub source: &'a Account,
    /// Used for an entry that gives no date at all.
    pub fetched_at: DateTime<Utc>,
    /// The feed's own authors, for entries that name none (Atom lets an entry inherit them).
    pub authors: &'a [Person],
}

/// The page a feed says it belongs to (its `<link>`, resolved against the feed's address), used as the
/// base for relative entry links.
pub(super) fn feed_page(feed: &Feed, fetched_from: &Url) -> Url {
    feed.links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| resolve(&l.href, fetched_from))
        .unwrap_or_else(|| fetched_from.clone())
}

/// An address as absolute `http(s)`, resolving a relative one against `base`.
fn resolve(href: &str, base: &Url) -> Option<Url> {
    let href = href.trim();
    let url = match Url::parse(href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => base.join(href).ok()?,
        Err(_) => return None,
    };
    matches!(url.scheme(), "http" | "https")
        .then_some(url)
        .filter(|u| u.host_str().is_some())
}

/// Google Alerts links go through a Google redirect; the page itself is in its `url` parameter.
fn unwrap_redirect(url: Url) -> Url {
    let is_google = matches!(url.host_str(), Some("www.google.com" | "google.com"));
    if !is_google || url.path() != "/url" {
        return url;
    }
    url.query_pairs()
        .find(|(k, _)| k == "url" || k == "q")
        .and_then(|(_, v)| safe_link(&v))
        .and_then(|v| Url::parse(&v).ok())
        .unwrap_or(url)
}

fn is_html(text: &Text) -> bool {
    text.content_type.to_string().contains("html")
}

/// The entry's page: its main link (not a comments feed, an enclosure or its own edit address).
fn entry_page(entry: &Entry, base: &Url) -> Option<Url> {
    let main = entry
        .links
        .iter()
        .filter(|l| l.target.is_none())
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"));
    let url = match main {
        Some(link) => resolve(&link.href, base),
        // An RSS guid is the page's address unless it says otherwise; a permalink-only entry is common.
        None => safe_link(&entry.id).and_then(|u| Url::parse(&u).ok()),
    };
    url.map(unwrap_redirect)
}

/// A name made safe as part of a handle: letters, digits, `.`, `_` and `-`, with spaces as `-`.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-").chars().take(64).collect()
}

/// The author as the site names them: `name@site` so two people of the same name on different sites stay
/// apart, or the site itself when the entry names nobody (a news page found by Google Alerts).
fn author(entry: &Entry, context: &FeedContext<'_>, page: &Url) -> Result<Author, String> {
    let named = |people: &[Person]| -> Option<(String, Option<String>)> {
        people.iter().find_map(|p| {
            let name = p
                .name
                .as_deref()
                .map(plain_text)
                .filter(|n| !slug(n).is_empty())?;
            Some((name, p.uri.as_deref().and_then(safe_link)))
        })
    };
    let host = page.host_str().unwrap_or_default().trim_start_matches("www.");
    let found = named(&entry.authors).or_else(|| named(context.authors));
    let (handle, display_name, profile_url) = match found {
        Some((name, uri)) => (format!("{}@{host}", slug(&name)), Some(name), uri),
        None => (host.to_owned(), None, None),
    };
    Ok(Author {
        network: Network::Web,
        handle: Account::new("author", &handle).map_err(|e| e.to_string())?,
        display_name,
        followers: 0,
        verified: false,
        bot: false,
        labels: Vec::new(),
        created_at: None,
        profile_url,
        verified_links: Vec::new(),
    })
}

/// The title, then the content (or the summary when there is no content), as plain text with link facets.
fn text(entry: &Entry, page: &Url) -> (String, Vec<Facet>) {
    let title = entry
        .title
        .as_ref()
        .map(|t| {
            let text = if is_html(t) {
                page_text(&t.content, Some(page)).0
            } else {
                plain_text(&t.content)
            };
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .unwrap_or_default();
    let body = entry
        .content
        .as_ref()
        .and_then(|c| {
            let html = c.content_type.to_string().contains("html");
            c.body
                .as_deref()
                .filter(|b| !b.trim().is_empty())
                .map(|b| (b, html))
        })
        .or_else(|| entry.summary.as_ref().map(|s| (s.content.as_str(), is_html(s))));
    let (body, facets) = match body {
        Some((body, true)) => page_text(body, Some(page)),
        Some((body, false)) => (plain_text(body), Vec::new()),
        None => (String::new(), Vec::new()),
    };
    let (mut text, mut facets) = match (title.is_empty(), body.is_empty()) {
        (_, true) => (title, Vec::new()),
        (true, false) => (body, facets),
        (false, false) => {
            let shift = title.len() + 2;
            let facets = facets
                .into_iter()
                .map(|f| Facet {
                    start: f.start + shift,
                    end: f.end + shift,
                    kind: f.kind,
                })
                .collect();
            (format!("{title}\n\n{body}"), facets)
        }
    };
    if text.len() > MAX_TEXT_BYTES {
        // A whole blog post is more than an inbox needs; the agent opens the page to read it all.
        let mut cut = MAX_TEXT_BYTES - '…'.len_utf8();
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
        facets.retain(|f| f.end <= cut);
    }
    (text, facets)
}

/// Converts entry number `position` (from 1, in document order).
pub(super) fn mention(entry: &Entry, position: usize, context: &FeedContext<'_>) -> Result<Mention, Skipped> {
    let skip = |why: &str| Skipped::Malformed(format!("entry {position} {why}"));
    let page = entry_page(entry, context.base);
    let id = entry.id.trim();
    let remote_id = match (id.is_empty(), &page) {
        (false, _) => id.to_owned(),
        (true, Some(page)) => page.to_string(),
        (true, None) => return Err(skip("has no link or id")),
    };
    let Some(page) = page else {
        return Err(skip("has no web address to open"));
    };
    let (text, facets) = text(entry, &page);
    if text.is_empty() {
        return Err(skip("has no title or text"));
    }
    let author =
        author(entry, context, &page).map_err(|why| skip(&format!("has an unusable author: {why}")))?;
    // A date in the future (a wrong time zone, usually) would make the item wait less than nothing.
    let created_at = entry
        .published
        .or(entry.updated)
        .map_or(context.fetched_at, |t| t.min(context.fetched_at));
    Ok(Mention {
        network: Network::Web,
        remote_id: remote_id.clone(),
        url: Some(page.to_string()),
        author,
        text,
        facets,
        created_at,
        mentions: vec![context.source.clone()],
        reply_to: None,
        quote_of: None,
        conversation_root: remote_id,
        engagement: None,
    })
}
