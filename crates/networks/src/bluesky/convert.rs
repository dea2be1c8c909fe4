//! Bluesky's notifications and post views into canonical mentions.
//!
//! Each entry is read on its own, with atrium's generated types, so one malformed entry is skipped and the
//! rest of the page is kept.

use atrium_api::app::bsky::actor::defs::{ProfileView, ProfileViewBasic, ProfileViewDetailed};
use atrium_api::app::bsky::feed::defs::PostView;
use atrium_api::app::bsky::feed::post::{self, RecordEmbedRefs};
use atrium_api::app::bsky::notification::list_notifications::Notification;
use atrium_api::app::bsky::richtext::facet::MainFeaturesItem;
use atrium_api::types::Union;
use chrono::{DateTime, Utc};
use earshot_core::canonical::{RawAuthor, RawMention};
use earshot_core::{Engagement, Facet, FacetKind, Mention};

use crate::Skipped;

/// Notification reasons that are mentions of us, in the inbox's sense.
pub const MENTION_REASONS: [&str; 3] = ["mention", "reply", "quote"];

/// What Earshot knows of an author beyond what a post carries: followers need a profile lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFacts {
    pub did: String,
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: u64,
    pub created_at: Option<DateTime<Utc>>,
    pub verified: bool,
    /// Moderation labels on the account, as the AppView reports them.
    pub labels: Vec<String>,
}

/// The public web address of a profile or post. Bluesky's own app is where people open them.
const WEB: &str = "https://bsky.app";

fn utc(t: &atrium_api::types::string::Datetime) -> DateTime<Utc> {
    t.as_ref().with_timezone(&Utc)
}

fn record_key(uri: &str) -> Option<&str> {
    // at://did:plc:xyz/app.bsky.feed.post/3kabc -> 3kabc
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.splitn(3, '/');
    let (_, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    (collection == "app.bsky.feed.post" && !rkey.is_empty()).then_some(rkey)
}

/// Who wrote a post, from any of the profile shapes Bluesky sends.
struct Who<'a> {
    did: &'a str,
    handle: &'a str,
    display_name: Option<&'a str>,
    created_at: Option<DateTime<Utc>>,
    verified: bool,
    labels: Vec<String>,
}

/// The labels in force: a label with `neg` set takes one back.
fn label_values(labels: Option<&Vec<atrium_api::com::atproto::label::defs::Label>>) -> Vec<String> {
    let all = labels.map(Vec::as_slice).unwrap_or_default();
    let taken_back: Vec<&str> = all
        .iter()
        .filter(|l| l.neg == Some(true))
        .map(|l| l.val.as_str())
        .collect();
    all.iter()
        .filter(|l| l.neg != Some(true) && !taken_back.contains(&l.val.as_str()))
        .map(|l| l.val.clone())
        .collect()
}

fn verified(v: Option<&atrium_api::app::bsky::actor::defs::VerificationState>) -> bool {
    v.is_some_and(|v| v.verified_status == "valid")
}

impl<'a> From<&'a ProfileView> for Who<'a> {
    fn from(p: &'a ProfileView) -> Self {
        Who {
            did: p.did.as_str(),
            handle: p.handle.as_str(),
            display_name: p.display_name.as_deref(),
            created_at: p.created_at.as_ref().map(utc),
            verified: verified(p.verification.as_ref()),
            labels: label_values(p.labels.as_ref()),
        }
    }
}

impl<'a> From<&'a ProfileViewBasic> for Who<'a> {
    fn from(p: &'a ProfileViewBasic) -> Self {
        Who {
            did: p.did.as_str(),
            handle: p.handle.as_str(),
            display_name: p.display_name.as_deref(),
            created_at: p.created_at.as_ref().map(utc),
            verified: verified(p.verification.as_ref()),
            labels: label_values(p.labels.as_ref()),
        }
    }
}

/// A profile lookup's answer as Earshot keeps it.
pub fn profile_facts(p: &ProfileViewDetailed) -> ProfileFacts {
    ProfileFacts {
        did: p.did.as_str().to_owned(),
        handle: p.handle.as_str().to_owned(),
        display_name: p.display_name.clone().filter(|n| !n.trim().is_empty()),
        followers: p.followers_count.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        created_at: p.created_at.as_ref().map(utc),
        verified: verified(p.verification.as_ref()),
        labels: label_values(p.labels.as_ref()),
    }
}

fn facets(record: &post::RecordData) -> (Vec<Facet>, Vec<String>) {
    let mut out = Vec::new();
    let mut mentioned = Vec::new();
    for facet in record.facets.iter().flatten() {
        let (start, end) = (facet.index.byte_start, facet.index.byte_end);
        for feature in &facet.features {
            let kind = match feature {
                Union::Refs(MainFeaturesItem::Link(l)) => FacetKind::Link { uri: l.uri.clone() },
                Union::Refs(MainFeaturesItem::Mention(m)) => {
                    mentioned.push(m.did.as_str().to_owned());
                    // The facet's text is the handle as written ("@brand.bsky.social").
                    let handle = record
                        .text
                        .get(start..end)
                        .map(|t| t.trim_start_matches('@').to_owned())
                        .unwrap_or_else(|| m.did.as_str().to_owned());
                    FacetKind::Mention { handle }
                }
                Union::Refs(MainFeaturesItem::Tag(t)) => FacetKind::Tag { tag: t.tag.clone() },
                Union::Unknown(_) => continue,
            };
            out.push(Facet { start, end, kind });
        }
    }
    (out, mentioned)
}

fn quoted(record: &post::RecordData) -> Option<String> {
    match record.embed.as_ref()? {
        Union::Refs(RecordEmbedRefs::AppBskyEmbedRecordMain(r)) => Some(r.record.uri.clone()),
        Union::Refs(RecordEmbedRefs::AppBskyEmbedRecordWithMediaMain(r)) => Some(r.record.record.uri.clone()),
        _ => None,
    }
}

/// The post at `uri`, written by `who`, as a canonical mention addressed to `recipients` (our handles).
///
/// The record is read from the JSON as sent, not through atrium's `TryFromUnknown`, which panics on a
/// record that does not fit (atrium-api 0.26).
fn mention(
    uri: &str,
    who: Who<'_>,
    record: serde_json::Value,
    recipients: &[String],
    engagement: Option<Engagement>,
) -> Result<Mention, Skipped> {
    let record: post::Record =
        serde_json::from_value(record).map_err(|e| Skipped::Malformed(format!("post {uri}: {e}")))?;
    let (facets, _dids) = facets(&record);
    let rkey = record_key(uri).ok_or_else(|| Skipped::Malformed(format!("'{uri}' is not a post URI")))?;
    let raw = RawMention {
        network: Some("bluesky".into()),
        remote_id: Some(uri.to_owned()),
        url: Some(format!("{WEB}/profile/{}/post/{rkey}", who.did)),
        author: Some(RawAuthor {
            handle: Some(who.handle.to_owned()),
            display_name: who
                .display_name
                .map(str::to_owned)
                .filter(|n| !n.trim().is_empty()),
            followers: 0,
            verified: who.verified,
            bot: false,
            labels: who.labels,
            created_at: who.created_at,
            profile_url: Some(format!("{WEB}/profile/{}", who.did)),
            verified_links: Vec::new(),
        }),
        text: Some(record.text.clone()),
        facets,
        created_at: Some(utc(&record.created_at)),
        mentions: recipients.to_vec(),
        reply_to: record.reply.as_ref().map(|r| r.parent.uri.clone()),
        quote_of: quoted(&record),
        conversation_root: record.reply.as_ref().map(|r| r.root.uri.clone()),
        engagement,
    };
    raw.validate()
        .map_err(|e| Skipped::Malformed(format!("post {uri}: {e}")))
}

/// One notification (as JSON) into a mention of `me` (our handle), if it is one. Also returns the author's
/// DID, for the profile lookup that fills in followers.
pub fn mention_from_notification(
    mut value: serde_json::Value,
    me: &str,
) -> Result<(Mention, String), Skipped> {
    let record = take_record(&mut value);
    let n: Notification =
        serde_json::from_value(value).map_err(|e| Skipped::Malformed(format!("a notification: {e}")))?;
    if !MENTION_REASONS.contains(&n.reason.as_str()) {
        return Err(Skipped::NotAMention(n.reason.clone()));
    }
    let did = n.author.did.as_str().to_owned();
    // A notification carries no counts; the post view of a search does.
    let m = mention(&n.uri, Who::from(&n.author), record, &[me.to_owned()], None)?;
    Ok((m, did))
}

/// Takes the post record out of a notification or post view, leaving `null` (which atrium reads as an
/// empty record) so the rest can be read with atrium's types.
fn take_record(value: &mut serde_json::Value) -> serde_json::Value {
    match value.get_mut("record") {
        Some(record) => record.take(),
        None => serde_json::Value::Null,
    }
}

/// One search result (a post view, as JSON) into a mention for `me`, the handle whose keywords found it.
pub fn mention_from_post_view(mut value: serde_json::Value, me: &str) -> Result<(Mention, String), Skipped> {
    let record = take_record(&mut value);
    let p: PostView =
        serde_json::from_value(value).map_err(|e| Skipped::Malformed(format!("a search result: {e}")))?;
    let did = p.author.did.as_str().to_owned();
    let engagement = Engagement {
        replies: p.reply_count.map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        reposts: p.repost_count.map_or(0, |n| u64::try_from(n).unwrap_or(0))
            + p.quote_count.map_or(0, |n| u64::try_from(n).unwrap_or(0)),
    };
    let m = mention(
        &p.uri,
        Who::from(&p.author),
        record,
        &[me.to_owned()],
        Some(engagement),
    )?;
    Ok((m, did))
}

/// Fills in what only a profile lookup knows.
pub fn enrich(mention: &mut Mention, facts: &ProfileFacts) {
    mention.author.followers = facts.followers;
    mention.author.verified |= facts.verified;
    for label in &facts.labels {
        if !mention.author.labels.contains(label) {
            mention.author.labels.push(label.clone());
        }
    }
    if mention.author.created_at.is_none() {
        mention.author.created_at = facts.created_at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notification(reason: &str, record: serde_json::Value) -> serde_json::Value {
        json!({
            "uri": "at://did:plc:alice/app.bsky.feed.post/3kabc",
            "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm",
            "author": {
                "did": "did:plc:alice", "handle": "alice.test", "displayName": "Alice Rider",
                "createdAt": "2024-01-02T03:04:05.000Z"
            },
            "reason": reason,
            "record": record,
            "isRead": false,
            "indexedAt": "2026-11-28T10:00:01.000Z"
        })
    }

    fn post(text: &str) -> serde_json::Value {
        json!({"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-28T10:00:00.000Z"})
    }

    #[test]
    fn the_authors_labels_in_force_reach_the_mention() {
        let mut n = notification("mention", post("@support.earshot.test hi"));
        let label = |val: &str, neg: bool| {
            json!({"src": "did:plc:labeler", "uri": "did:plc:alice", "val": val, "neg": neg,
                   "cts": "2026-11-01T00:00:00.000Z"})
        };
        n["author"]["labels"] = json!([
            label("spam", false),
            label("impersonation", false),
            label("impersonation", true)
        ]);
        let (m, _) = mention_from_notification(n, "support.earshot.test").unwrap();
        assert_eq!(
            m.author.labels,
            vec!["spam".to_owned()],
            "a negated label is taken back"
        );
    }

    #[test]
    fn a_mention_becomes_a_canonical_mention_addressed_to_us() {
        let mut record = post("@support.earshot.test my order never arrived https://example.com/x");
        record["facets"] = json!([
            {"index": {"byteStart": 0, "byteEnd": 21},
             "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:brand"}]},
            {"index": {"byteStart": 49, "byteEnd": 70},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/x"}]}
        ]);
        let (m, did) =
            mention_from_notification(notification("mention", record), "support.earshot.test").unwrap();
        assert_eq!(did, "did:plc:alice");
        assert_eq!(m.remote_id, "at://did:plc:alice/app.bsky.feed.post/3kabc");
        assert_eq!(
            m.url.as_deref(),
            Some("https://bsky.app/profile/did:plc:alice/post/3kabc")
        );
        assert_eq!(m.author.handle.as_str(), "alice.test");
        assert_eq!(m.author.display_name.as_deref(), Some("Alice Rider"));
        assert_eq!(m.mentions[0].as_str(), "support.earshot.test");
        assert_eq!(m.conversation_root, m.remote_id);
        assert_eq!(
            m.facets[0].kind,
            FacetKind::Mention {
                handle: "support.earshot.test".into()
            }
        );
        assert_eq!(
            m.facets[1].kind,
            FacetKind::Link {
                uri: "https://example.com/x".into()
            }
        );
    }

    #[test]
    fn a_reply_keeps_its_thread_and_a_quote_its_post() {
        let mut record = post("still waiting");
        let strong = |uri: &str| json!({"uri": uri, "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"});
        record["reply"] = json!({
            "root": strong("at://did:plc:brand/app.bsky.feed.post/root"),
            "parent": strong("at://did:plc:brand/app.bsky.feed.post/parent")
        });
        let (m, _) = mention_from_notification(notification("reply", record), "me.test").unwrap();
        assert_eq!(
            m.reply_to.as_deref(),
            Some("at://did:plc:brand/app.bsky.feed.post/parent")
        );
        assert_eq!(m.conversation_root, "at://did:plc:brand/app.bsky.feed.post/root");

        let mut record = post("look at this");
        record["embed"] = json!({"$type": "app.bsky.embed.record", "record": strong("at://did:plc:brand/app.bsky.feed.post/q")});
        let (m, _) = mention_from_notification(notification("quote", record), "me.test").unwrap();
        assert_eq!(
            m.quote_of.as_deref(),
            Some("at://did:plc:brand/app.bsky.feed.post/q")
        );
    }

    #[test]
    fn likes_and_follows_are_not_mentions_and_broken_entries_say_why() {
        assert_eq!(
            mention_from_notification(notification("like", post("x")), "me.test").unwrap_err(),
            Skipped::NotAMention("like".into())
        );
        let missing_text = json!({"$type": "app.bsky.feed.post", "createdAt": "2026-11-28T10:00:00Z"});
        assert!(matches!(
            mention_from_notification(notification("mention", missing_text), "me.test"),
            Err(Skipped::Malformed(_))
        ));
        assert!(matches!(
            mention_from_notification(json!({"reason": "mention"}), "me.test"),
            Err(Skipped::Malformed(_))
        ));
    }

    #[test]
    fn a_hostile_link_facet_is_kept_as_data_and_never_becomes_a_link() {
        let mut record = post("click me");
        record["facets"] = json!([{"index": {"byteStart": 0, "byteEnd": 5},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}]}]);
        let (m, _) = mention_from_notification(notification("mention", record), "me.test").unwrap();
        let segments = earshot_core::segments(&m.text, &m.facets);
        assert!(segments.iter().all(|s| s.link.is_none()), "{segments:?}");
    }
}
