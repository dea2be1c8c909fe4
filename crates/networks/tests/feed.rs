//! Listening sources: the test feeds in tests/fixtures/feeds (written after what Discourse, WordPress,
//! Google Alerts, a review site and an RSS 1.0 blog send) read into mentions, and fetched over real HTTP on
//! loopback with conditional GET and Retry-After (earshot_networks::replay::feeds).

use chrono::{DateTime, Duration, Utc};
use earshot_core::{Account, FacetKind, Mention, Network};
use earshot_networks::feed::{fetch, read, FeedPage, Fetched, Validators};
use earshot_networks::replay::feeds::{content_type, etag, fixture, serve_feeds, Route, LAST_MODIFIED};
use earshot_networks::{FetchError, Skipped};
use url::Url;

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn source() -> Account {
    Account::new("source", "forum.acme-riders.example/posts.rss").unwrap()
}

/// A fixture read as if fetched from `from`, with the Content-Type it is served with.
fn read_fixture(name: &str, from: &str) -> FeedPage {
    read(
        &fixture(name),
        Some(content_type(name)),
        &from.parse().unwrap(),
        &source(),
        now(),
    )
    .unwrap_or_else(|e| panic!("{name} must read as a feed: {e}"))
}

fn ok(page: &FeedPage, i: usize) -> &Mention {
    page.entries[i]
        .as_ref()
        .unwrap_or_else(|e| panic!("entry {} must convert: {e}", i + 1))
}

fn link_uris(m: &Mention) -> Vec<String> {
    m.facets
        .iter()
        .filter_map(|f| match &f.kind {
            FacetKind::Link { uri } => Some(uri.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn discourse_latest_posts_keep_good_entries_and_name_the_broken_one() {
    let page = read_fixture(
        "discourse-latest.rss",
        "https://forum.acme-riders.example/posts.rss",
    );
    assert_eq!(page.title.as_deref(), Some("Acme Riders Forum - Latest posts"));
    assert_eq!(page.entries.len(), 5, "every item is accounted for");
    assert!(
        page.problems.is_empty(),
        "the document itself is whole: {:?}",
        page.problems
    );

    let first = ok(&page, 0);
    assert_eq!(first.network, Network::Web);
    assert_eq!(
        first.remote_id, "forum.acme-riders.example-post-18842",
        "keyed by the GUID"
    );
    assert_eq!(first.conversation_root, first.remote_id);
    assert_eq!(
        first.url.as_deref(),
        Some("https://forum.acme-riders.example/t/battery-wont-charge-after-firmware-update/4121/3"),
        "the relative link is resolved against the channel's link"
    );
    assert_eq!(
        first.text,
        "Battery won't charge after firmware update\n\n\
         My Acme Volt 3 stopped charging & the LED blinks red\u{2026} Anyone?\n\nRead full topic",
        "title, then the description as plain text: CDATA, &#39;, &amp; and &hellip; decoded, tags gone"
    );
    assert_eq!(
        link_uris(first),
        ["https://forum.acme-riders.example/t/battery-wont-charge-after-firmware-update/4121/3"],
        "the link inside the description is resolved too"
    );
    assert_eq!(first.author.handle.as_str(), "mika_r@forum.acme-riders.example");
    assert_eq!(first.author.display_name.as_deref(), Some("mika_r"));
    assert_eq!(first.created_at, at("2026-11-28T10:42:11Z"));
    assert_eq!(
        first.mentions,
        [source()],
        "the item belongs to the source that found it"
    );

    assert_eq!(
        page.entries[3],
        Err(Skipped::Malformed("entry 4 has no link or id".into())),
        "the broken entry is named by its position and reason"
    );
    let undated = ok(&page, 4);
    assert_eq!(
        undated.created_at,
        now(),
        "an entry with no date is dated when it was fetched"
    );
    assert_eq!(
        undated.author.handle.as_str(),
        "pat-oneill@forum.acme-riders.example"
    );
    assert_eq!(undated.author.display_name.as_deref(), Some("Pat O'Neill"));
    assert!(
        undated.text.ends_with("rear rack? \u{1F6B2}\n\nRead full topic"),
        "{}",
        undated.text
    );
}

#[test]
fn a_discourse_search_feed_keys_the_same_post_the_same_way() {
    let latest = read_fixture(
        "discourse-latest.rss",
        "https://forum.acme-riders.example/posts.rss",
    );
    let search = read_fixture(
        "discourse-search.rss",
        "https://forum.acme-riders.example/search.rss?q=acme",
    );
    assert_eq!(
        search.title.as_deref(),
        Some("Acme Riders Forum - Search results for \"acme\"")
    );
    assert_eq!(
        ok(&search, 0).key(),
        ok(&latest, 0).key(),
        "one post, one dedupe key"
    );
    assert_eq!(ok(&search, 1).created_at, at("2026-11-25T17:05:40Z"));
}

#[test]
fn wordpress_comments_prefer_the_full_content_and_decode_html_entities() {
    let page = read_fixture(
        "wordpress-comments.rss",
        "https://pedalnotes.example/comments/feed/",
    );
    assert_eq!(page.title.as_deref(), Some("Comments for Pedal Notes"));
    let jo = ok(&page, 0);
    assert_eq!(
        jo.text,
        "Comment on Acme Volt 3 review: six months in by Jo Baker\n\n\
         Mine did the same \u{2013} Acme replaced the controller under warranty. Took three weeks though.",
        "content:encoded, with &#8211; decoded"
    );
    assert_eq!(jo.remote_id, "https://pedalnotes.example/?p=812#comment-2231");
    assert_eq!(
        jo.url.as_deref(),
        Some("https://pedalnotes.example/2026/11/acme-volt-3-review/#comment-2231")
    );
    assert_eq!(jo.author.handle.as_str(), "jo-baker@pedalnotes.example");

    let rene = ok(&page, 1);
    assert_eq!(
        rene.url.as_deref(),
        Some("https://pedalnotes.example/2026/11/acme-volt-3-review/#comment-2240"),
        "a relative link resolves against the channel link, not the feed's own address"
    );
    assert!(
        rene.text
            .starts_with("Comment on Acme Volt 3 review: six months in by Ren\u{e9} D.\n\n"),
        "&eacute; in a title (not an XML entity) is decoded: {}",
        rene.text
    );
    assert!(
        rene.text
            .ends_with("Caf\u{e9} stop test: the range test matched mine."),
        "the script's text is gone: {}",
        rene.text
    );
    assert_eq!(
        link_uris(rene),
        ["https://pedalnotes.example/2026/10/acme-range-test/"]
    );
    assert_eq!(rene.author.display_name.as_deref(), Some("Ren\u{e9} D."));
    assert_eq!(rene.author.handle.as_str(), "ren\u{e9}-d.@pedalnotes.example");

    assert!(
        ok(&page, 2)
            .text
            .starts_with("Comment on Tools & tips for winter by Sam"),
        "a doubly escaped &amp;amp; shows as one &: {}",
        ok(&page, 2).text
    );
}

#[test]
fn google_alerts_entries_point_at_the_page_not_the_redirect() {
    let page = read_fixture(
        "google-alerts.atom",
        "https://www.google.com/alerts/feeds/06451826117253748917/8312249937741220345",
    );
    assert_eq!(page.title.as_deref(), Some("Google Alert - acme bikes"));
    let recall = ok(&page, 0);
    assert_eq!(
        recall.remote_id,
        "tag:google.com,2013:googlealerts/feed:13209382919294847751"
    );
    assert_eq!(
        recall.url.as_deref(),
        Some("https://news.example.com/2026/11/28/acme-bikes-recall"),
        "the google.com/url redirect is unwrapped"
    );
    assert_eq!(
        recall.text,
        "Acme Bikes recalls 2,000 e-bike batteries over fire risk\n\n\
         The UK importer of Acme Bikes said on Friday that 2,000 batteries sold since March & April may overheat ...",
        "the HTML title and content are plain text"
    );
    assert_eq!(
        recall.author.handle.as_str(),
        "news.example.com",
        "an entry with an empty author is the site's"
    );
    assert_eq!(recall.author.display_name, None);
    assert_eq!(recall.created_at, at("2026-11-28T09:31:12Z"));
    let review = ok(&page, 1);
    assert!(
        review.text.starts_with("Acme Volt 3 review: a commuter's e-bike"),
        "&amp;#39; decodes to an apostrophe: {}",
        review.text
    );
    assert_eq!(
        review.author.handle.as_str(),
        "cycling-weekly.example",
        "www. is dropped"
    );
}

#[test]
fn an_atom_review_feed_resolves_links_against_xml_base() {
    let page = read_fixture("review-site.atom", "https://reviews.example/feeds/acme.atom");
    assert_eq!(page.title.as_deref(), Some("Reviews of Acme Bikes"));
    let chioma = ok(&page, 0);
    assert_eq!(
        chioma.url.as_deref(),
        Some("https://reviews.example/companies/acme-bikes/reviews/88121"),
        "the alternate link, not the replies link, resolved against the feed's xml:base"
    );
    assert_eq!(chioma.remote_id, "urn:review:88121");
    assert_eq!(
        chioma.text,
        "Two stars: great bike, slow support\n\nThe Acme bike is great. Support took nine days to answer an email.",
        "XHTML content beats the summary"
    );
    assert_eq!(chioma.created_at, at("2026-11-27T15:20:00Z"), "published, in UTC");
    assert_eq!(
        chioma.author.profile_url.as_deref(),
        Some("https://reviews.example/users/chioma-a")
    );
    assert_eq!(chioma.author.handle.as_str(), "chioma-a.@reviews.example");

    let jorg = ok(&page, 1);
    assert_eq!(
        jorg.url.as_deref(),
        Some("https://reviews.example/de/bewertungen/88090"),
        "an entry's own xml:base wins"
    );
    assert_eq!(
        jorg.created_at,
        at("2026-11-26T10:00:00Z"),
        "updated, when there is no published"
    );
    assert_eq!(
        jorg.text,
        "F\u{fc}nf Sterne f\u{fc}r den Acme Service\n\nSchnelle Antwort & neuer Akku nach zwei Tagen."
    );
}

#[test]
fn an_rss_1_feed_reads_with_its_dates_and_relative_links() {
    let page = read_fixture("velo-blog.rdf", "https://velo-tagebuch.example/index.rdf");
    assert_eq!(page.title.as_deref(), Some("Velo-Tagebuch"));
    assert_eq!(page.entries.len(), 2);
    let test = ok(&page, 0);
    assert_eq!(
        test.remote_id, "https://velo-tagebuch.example/2026/11/acme-volt-3-test.html",
        "no GUID in RSS 1.0: keyed by the link"
    );
    assert_eq!(
        test.text,
        "Acme Volt 3 im Test: \u{dc}berraschend gut\n\n\
         Ein Wochenende mit dem Acme Volt 3 \u{2014} 140 km, zwei Akkus, null Pannen.",
        "&#220; and an escaped &mdash; decoded"
    );
    assert_eq!(test.created_at, at("2026-11-26T07:30:00Z"), "dc:date in UTC");
    assert_eq!(
        test.author.handle.as_str(),
        "j\u{f6}rg-wei\u{df}@velo-tagebuch.example"
    );
    let tyres = ok(&page, 1);
    assert_eq!(
        tyres.url.as_deref(),
        Some("https://velo-tagebuch.example/2026/11/winterreifen.html"),
        "relative to the channel link"
    );
    assert_eq!(tyres.created_at, now(), "no date: the fetch time");
}

#[test]
fn a_wrong_encoding_label_does_not_garble_the_text() {
    let mislabelled = read_fixture("mislabelled-encoding.rss", "https://velotaf.example/feed/");
    let avis = ok(&mislabelled, 0);
    assert_eq!(
        avis.text,
        "Avis : le v\u{e9}lo Acme Volt 3, 4,5 \u{20ac} par jour de trajet\n\n\
         Tr\u{e8}s bon v\u{e9}lo, mais le support d\u{2019}Acme r\u{e9}pond lentement.",
        "UTF-8 bytes declared ISO-8859-1 are read as the UTF-8 they are"
    );
    assert_eq!(avis.author.display_name.as_deref(), Some("\u{c9}lodie Marchand"));
    assert_eq!(avis.created_at, at("2026-11-26T06:45:00Z"));

    let latin1 = read_fixture("latin1.rss", "https://forum-velo.example/rss");
    assert_eq!(latin1.title.as_deref(), Some("Forum V\u{e9}lo Qu\u{e9}bec"));
    let brake = ok(&latin1, 0);
    assert_eq!(
        brake.text,
        "Probl\u{e8}me de frein sur mon Acme\n\n\
         Le frein arri\u{e8}re grince d\u{e8}s qu'il pleut. D\u{e9}\u{e7}ue du service apr\u{e8}s-vente.",
        "Latin-1 bytes labelled only in the Content-Type header"
    );
    assert_eq!(brake.author.handle.as_str(), "ga\u{eb}lle@forum-velo.example");
}

#[test]
fn a_truncated_feed_keeps_the_complete_entries_and_says_so() {
    let page = read_fixture("truncated.rss", "https://trailtalk.example/feed/");
    assert_eq!(page.entries.len(), 2, "the two entries before the cut");
    assert_eq!(ok(&page, 1).title_line(), "First ride: Acme Ridge 140");
    assert_eq!(page.problems.len(), 1, "{:?}", page.problems);
    assert!(
        page.problems[0].contains("after its first 2 complete entries"),
        "the problem says what was kept: {}",
        page.problems[0]
    );
}

#[test]
fn a_web_page_is_not_a_feed() {
    let err = read(
        &fixture("not-a-feed.html"),
        Some("text/html"),
        &"https://forum.acme-riders.example/".parse().unwrap(),
        &source(),
        now(),
    )
    .expect_err("an HTML page is refused");
    assert!(matches!(err, FetchError::NotAFeed { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("it is not an RSS or Atom feed") && message.contains("feed's address"),
        "the message says what is wrong and what to do: {message}"
    );
}

/// The first line of a mention's text: its title.
trait TitleLine {
    fn title_line(&self) -> &str;
}

impl TitleLine for Mention {
    fn title_line(&self) -> &str {
        self.text.lines().next().unwrap_or_default()
    }
}

fn page(fetched: Fetched) -> FeedPage {
    match fetched {
        Fetched::Feed(page) => page,
        Fetched::NotModified => panic!("expected a feed, got 304"),
    }
}

#[tokio::test]
async fn a_conditional_get_of_an_unchanged_feed_fetches_nothing() {
    let server = serve_feeds();
    let http = earshot_networks::http_client();
    let url = server.url("/discourse-latest.rss");
    let first = page(
        fetch(&http, &url, &Validators::default(), &source(), now())
            .await
            .unwrap(),
    );
    let tag = etag(&fixture("discourse-latest.rss"));
    assert_eq!(
        first.validators,
        Validators {
            etag: Some(tag.clone()),
            last_modified: Some(LAST_MODIFIED.into())
        },
        "the server's validators are kept for next time"
    );
    assert_eq!(first.entries.len(), 5);
    assert_eq!(
        ok(&first, 0).url.as_deref(),
        Some("https://forum.acme-riders.example/t/battery-wont-charge-after-firmware-update/4121/3"),
        "served from loopback, links still resolve against the channel link"
    );

    let second = fetch(&http, &url, &first.validators, &source(), now())
        .await
        .unwrap();
    assert!(
        matches!(second, Fetched::NotModified),
        "an unchanged feed is a 304: {second:?}"
    );
    let seen = server.requests_to("/discourse-latest.rss");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].if_none_match, None, "the first fetch is unconditional");
    assert_eq!(
        seen[1].if_none_match.as_deref(),
        Some(tag.as_str()),
        "If-None-Match carries the ETag"
    );
    assert_eq!(seen[1].if_modified_since.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(seen[1].status, 304, "and the server answered 304");

    // Only a Last-Modified: If-Modified-Since alone is enough.
    let dated = Validators {
        etag: None,
        last_modified: Some(LAST_MODIFIED.into()),
    };
    let third = fetch(&http, &url, &dated, &source(), now()).await.unwrap();
    assert!(matches!(third, Fetched::NotModified), "{third:?}");

    // The feed changes: the old ETag no longer matches and the new entries arrive.
    server.serve_fixture("/discourse-latest.rss", "discourse-search.rss");
    let changed = page(
        fetch(&http, &url, &first.validators, &source(), now())
            .await
            .unwrap(),
    );
    assert_eq!(changed.entries.len(), 2, "the new document is read");
    assert_eq!(
        changed.validators.etag,
        Some(etag(&fixture("discourse-search.rss")))
    );
}

#[tokio::test]
async fn retry_after_is_honoured_for_429_and_503() {
    let server = serve_feeds();
    let http = earshot_networks::http_client();
    server.set(
        "/slow",
        Route::Status {
            code: 429,
            retry_after: Some("120".into()),
        },
    );
    server.set(
        "/busy",
        Route::Status {
            code: 503,
            retry_after: Some("Sat, 28 Nov 2026 13:30:00 GMT".into()),
        },
    );
    server.set(
        "/down",
        Route::Status {
            code: 503,
            retry_after: None,
        },
    );
    let (none, me) = (Validators::default(), source());
    let get = |path: &str| {
        let url = server.url(path);
        let (http, none, me) = (&http, &none, &me);
        async move { fetch(http, &url, none, me, now()).await }
    };
    match get("/slow").await {
        Err(FetchError::RateLimited { until, .. }) => {
            assert_eq!(until, now() + Duration::seconds(120), "Retry-After in seconds")
        }
        other => panic!("429 must be a rate limit: {other:?}"),
    }
    match get("/busy").await {
        Err(FetchError::RateLimited { until, .. }) => {
            assert_eq!(until, at("2026-11-28T13:30:00Z"), "Retry-After as an HTTP date")
        }
        other => panic!("503 with Retry-After must be a rate limit: {other:?}"),
    }
    assert!(
        matches!(get("/down").await, Err(FetchError::Server { status: 503, .. })),
        "503 without Retry-After is a server failure, tried again later"
    );
    match get("/nowhere").await {
        Err(e @ FetchError::Rejected { status: 404, .. }) => {
            assert!(e.to_string().contains("check the address"), "{e}")
        }
        other => panic!("404 must be refused for good: {other:?}"),
    }
}

#[tokio::test]
async fn a_feed_cut_off_in_transit_is_read_whole_next_time() {
    let server = serve_feeds();
    let http = earshot_networks::http_client();
    let url: Url = server.url("/truncated.rss");
    let cut = page(
        fetch(&http, &url, &Validators::default(), &source(), now())
            .await
            .unwrap(),
    );
    assert_eq!(cut.entries.len(), 2);
    assert_eq!(
        cut.validators,
        Validators::default(),
        "no validators are kept, so the next fetch is not answered 304 with the rest still missing"
    );

    let latin1 = page(
        fetch(
            &http,
            &server.url("/latin1.rss"),
            &Validators::default(),
            &source(),
            now(),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        ok(&latin1, 0).title_line(),
        "Probl\u{e8}me de frein sur mon Acme",
        "the charset in the Content-Type header is used"
    );
}
