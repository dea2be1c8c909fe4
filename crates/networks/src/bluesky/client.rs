//! One signed-in Bluesky account: its notifications, keyword searches, author profiles, and the records it
//! writes (replies, reposts, likes).

use std::fmt::Debug;
use std::sync::Arc;

use atrium_api::agent::atp_agent::store::MemorySessionStore;
use atrium_api::agent::atp_agent::{AtpSession, CredentialSession};
use atrium_api::agent::Configure;
use atrium_api::client::AtpServiceClient;
use atrium_api::com::atproto::repo::strong_ref;
use atrium_api::types::string::{AtIdentifier, Datetime, Did, Nsid, RecordKey};
use atrium_api::types::{TryIntoUnknown, Union};
use atrium_xrpc::{HttpClient, OutputDataOrBytes, XrpcClient, XrpcRequest};
use chrono::{DateTime, Utc};
use earshot_core::Mention;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::convert::{self, ProfileFacts};
use super::transport::Transport;
use crate::{FetchError, NetworkError, Skipped};

const NETWORK: &str = "Bluesky";

type Session = CredentialSession<MemorySessionStore, Transport>;

/// The signed-in session as the keyring keeps it: access and refresh tokens. Opaque to everyone else, and
/// never printed (its `Debug` hides the tokens).
#[derive(Clone)]
pub struct SavedSession(AtpSession);

impl Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SavedSession({})", self.0.did.as_str())
    }
}

impl SavedSession {
    /// The account's permanent identifier (`did:plc:…`).
    pub fn did(&self) -> &str {
        self.0.did.as_str()
    }

    /// The account's current handle (`brand.bsky.social`).
    pub fn handle(&self) -> &str {
        self.0.handle.as_str()
    }

    /// For the keyring only.
    pub fn to_secret(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    pub fn from_secret(secret: &str) -> Option<Self> {
        serde_json::from_str(secret).ok().map(Self)
    }
}

/// Lets atrium's generated client and our raw-JSON calls share one session (and so one token refresh).
#[derive(Clone)]
struct Shared(Arc<Session>);

impl HttpClient for Shared {
    async fn send_http(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Box<dyn std::error::Error + Send + Sync + 'static>> {
        self.0.send_http(request).await
    }
}

impl XrpcClient for Shared {
    fn base_uri(&self) -> String {
        self.0.base_uri()
    }

    async fn send_xrpc<P, I, O, E>(
        &self,
        request: &XrpcRequest<P, I>,
    ) -> Result<OutputDataOrBytes<O>, atrium_xrpc::Error<E>>
    where
        P: Serialize + Send + Sync,
        I: Serialize + Send + Sync,
        O: DeserializeOwned + Send + Sync,
        E: DeserializeOwned + Send + Sync + Debug,
    {
        self.0.send_xrpc(request).await
    }
}

/// A page of entries, each read on its own: a malformed one is reported and the rest are kept.
#[derive(Debug)]
pub struct Page {
    /// Each entry with its `indexedAt` time (the order the server sorts by), if it had a readable one.
    pub entries: Vec<PageEntry>,
    /// Ask with this for the next, older page.
    pub older: Option<String>,
}

#[derive(Debug)]
pub struct PageEntry {
    pub indexed_at: Option<DateTime<Utc>>,
    /// The mention and its author's DID (for the profile lookup), or why there is none.
    pub mention: Result<(Mention, String), Skipped>,
}

/// A post Earshot wrote, by its address (`at://…`) and content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub uri: String,
    pub cid: String,
}

/// What to answer: the thread's root and the post replied to, each as (uri, cid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTarget {
    pub root: Written,
    pub parent: Written,
}

#[derive(Deserialize)]
struct RawPage {
    cursor: Option<String>,
    #[serde(default)]
    notifications: Vec<serde_json::Value>,
    #[serde(default)]
    posts: Vec<serde_json::Value>,
    #[serde(default)]
    records: Vec<serde_json::Value>,
}

fn indexed_at(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    v.get("indexedAt")?
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// A signed-in view of one Bluesky account, on its PDS (`https://bsky.social` or a self-hosted one).
pub struct BlueskyClient {
    session: Arc<Session>,
    api: AtpServiceClient<Shared>,
    transport: Transport,
}

impl BlueskyClient {
    pub fn new(http: reqwest::Client, service: &Url) -> Self {
        let transport = Transport::new(http, service);
        let session = Arc::new(CredentialSession::new(
            transport.clone(),
            MemorySessionStore::default(),
        ));
        let api = AtpServiceClient::new(Shared(Arc::clone(&session)));
        Self {
            session,
            api,
            transport,
        }
    }

    /// Answers for the AppView (feeds, notifications, profiles, search) come through the PDS, which
    /// forwards them to `appview_did` when asked to. Without this, the PDS's own default is used.
    pub fn use_appview(&self, appview_did: &str) -> Result<(), NetworkError> {
        let did = Did::new(appview_did.to_owned()).map_err(|e| NetworkError::Malformed {
            network: NETWORK,
            reason: format!("'{appview_did}' is not a DID: {e}"),
        })?;
        self.session.configure_proxy_header(did, "bsky_appview");
        Ok(())
    }

    fn error<E: Debug>(&self, e: atrium_xrpc::Error<E>, now: DateTime<Utc>) -> FetchError {
        classify(e, self.transport.rate_limit().and_then(|r| r.reset), now)
    }

    /// Signs in with a handle (or email) and an app password.
    pub async fn login(
        &self,
        identifier: &str,
        app_password: &str,
        now: DateTime<Utc>,
    ) -> Result<SavedSession, FetchError> {
        let session = self
            .session
            .login(identifier, app_password)
            .await
            .map_err(|e| self.error(e, now))?;
        Ok(SavedSession(session))
    }

    /// Carries on with a saved session (the server checks it, refreshing the access token if needed).
    pub async fn resume(&self, saved: &SavedSession, now: DateTime<Utc>) -> Result<(), FetchError> {
        self.session
            .resume_session(saved.0.clone())
            .await
            .map_err(|e| self.error(e, now))
    }

    /// The session now: tokens may have been refreshed since it was saved, so save it again.
    pub async fn saved_session(&self) -> Option<SavedSession> {
        self.session.get_session().await.map(SavedSession)
    }

    /// The budget the server reported on its last answer.
    pub fn rate_limit(&self) -> Option<crate::RateLimit> {
        self.transport.rate_limit()
    }

    async fn query<P: Serialize + Send + Sync>(
        &self,
        nsid: &str,
        params: P,
        now: DateTime<Utc>,
    ) -> Result<RawPage, FetchError> {
        let request = XrpcRequest::<P, ()> {
            method: http::Method::GET,
            nsid: nsid.into(),
            parameters: Some(params),
            input: None,
            encoding: None,
        };
        match self
            .session
            .send_xrpc::<_, _, serde_json::Value, serde_json::Value>(&request)
            .await
        {
            Ok(OutputDataOrBytes::Data(value)) => serde_json::from_value(value).map_err(|e| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: format!("{nsid}: {e}"),
                })
            }),
            Ok(OutputDataOrBytes::Bytes(_)) => Err(FetchError::Malformed(NetworkError::Malformed {
                network: NETWORK,
                reason: format!("{nsid} did not answer with JSON"),
            })),
            Err(e) => Err(self.error(e, now)),
        }
    }

    /// One page of the account's notifications, newest first, as mentions of `me` where they are mentions,
    /// replies or quotes.
    pub async fn notifications(
        &self,
        me: &str,
        older: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Page, FetchError> {
        #[derive(Serialize)]
        struct Params<'a> {
            limit: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        let raw = self
            .query(
                "app.bsky.notification.listNotifications",
                Params {
                    limit: 100,
                    cursor: older,
                },
                now,
            )
            .await?;
        let entries = raw
            .notifications
            .into_iter()
            .map(|n| PageEntry {
                indexed_at: indexed_at(&n),
                mention: convert::mention_from_notification(n, me),
            })
            .collect();
        Ok(Page {
            entries,
            older: raw.cursor,
        })
    }

    /// The newest notifications as (reason, author handle, the post it is about): every kind, not only
    /// mentions. The post is the liked or reposted one, or the one replied to. For diagnostics and for
    /// tests that check what an action did.
    pub async fn notification_reasons(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String, Option<String>)>, FetchError> {
        #[derive(Serialize)]
        struct Params {
            limit: u8,
        }
        let raw = self
            .query(
                "app.bsky.notification.listNotifications",
                Params { limit: 100 },
                now,
            )
            .await?;
        Ok(raw
            .notifications
            .iter()
            .filter_map(|n| {
                let subject = n
                    .get("reasonSubject")
                    .or_else(|| n.pointer("/record/reply/parent/uri"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                Some((
                    n.get("reason")?.as_str()?.to_owned(),
                    n.get("author")?.get("handle")?.as_str()?.to_owned(),
                    subject,
                ))
            })
            .collect())
    }

    /// The URIs and contents of the newest records (up to 100) in this account's own repository under `collection`,
    /// read from the PDS itself, which knows at once (the AppView learns a moment later).
    pub async fn own_records(
        &self,
        collection: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, serde_json::Value)>, FetchError> {
        #[derive(Serialize)]
        struct Params<'a> {
            repo: String,
            collection: &'a str,
            limit: u8,
        }
        let repo = self
            .saved_session()
            .await
            .map(|s| s.did().to_owned())
            .ok_or_else(|| FetchError::Unauthorized {
                network: NETWORK,
                reason: "not signed in".into(),
            })?;
        let raw = self
            .query(
                "com.atproto.repo.listRecords",
                Params {
                    repo,
                    collection,
                    limit: 100,
                },
                now,
            )
            .await?;
        Ok(raw
            .records
            .iter()
            .filter_map(|r| Some((r.get("uri")?.as_str()?.to_owned(), r.get("value")?.clone())))
            .collect())
    }

    /// One page of the newest posts matching `query`, as mentions for `me`.
    pub async fn search(
        &self,
        me: &str,
        query: &str,
        since: Option<DateTime<Utc>>,
        older: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Page, FetchError> {
        #[derive(Serialize)]
        struct Params<'a> {
            q: &'a str,
            sort: &'static str,
            limit: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            since: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        let params = Params {
            q: query,
            sort: "latest",
            limit: 100,
            since: since.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            cursor: older,
        };
        let raw = self.query("app.bsky.feed.searchPosts", params, now).await?;
        let entries = raw
            .posts
            .into_iter()
            .map(|p| PageEntry {
                indexed_at: indexed_at(&p),
                mention: convert::mention_from_post_view(p, me),
            })
            .collect();
        Ok(Page {
            entries,
            older: raw.cursor,
        })
    }

    /// Followers, age and verification of up to 25 authors per request.
    pub async fn profiles(
        &self,
        dids: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<ProfileFacts>, FetchError> {
        let mut out = Vec::with_capacity(dids.len());
        for chunk in dids.chunks(25) {
            let actors = chunk
                .iter()
                .filter_map(|d| d.parse::<AtIdentifier>().ok())
                .collect::<Vec<_>>();
            if actors.is_empty() {
                continue;
            }
            let answer = self
                .api
                .service
                .app
                .bsky
                .actor
                .get_profiles(atrium_api::app::bsky::actor::get_profiles::ParametersData { actors }.into())
                .await
                .map_err(|e| self.error(e, now))?;
            out.extend(answer.data.profiles.iter().map(convert::profile_facts));
        }
        Ok(out)
    }

    /// The content hash of each post, which replies, reposts and likes must name.
    pub async fn refs(&self, uris: &[String], now: DateTime<Utc>) -> Result<Vec<Written>, FetchError> {
        let answer = self
            .api
            .service
            .app
            .bsky
            .feed
            .get_posts(atrium_api::app::bsky::feed::get_posts::ParametersData { uris: uris.to_vec() }.into())
            .await
            .map_err(|e| self.error(e, now))?;
        Ok(answer
            .data
            .posts
            .iter()
            .map(|p| Written {
                uri: p.uri.clone(),
                cid: p.cid.as_ref().to_string(),
            })
            .collect())
    }

    /// Writes a record under the client-chosen key `rkey`. Writing the same key twice fails instead of
    /// creating a second record, which is what makes a retry after a crash safe.
    async fn create(
        &self,
        collection: &str,
        rkey: &str,
        record: impl Serialize,
        now: DateTime<Utc>,
    ) -> Result<Written, FetchError> {
        let malformed = |reason: String| {
            FetchError::Malformed(NetworkError::Malformed {
                network: NETWORK,
                reason,
            })
        };
        let repo = self
            .saved_session()
            .await
            .ok_or_else(|| FetchError::Unauthorized {
                network: NETWORK,
                reason: "not signed in".into(),
            })?
            .did()
            .parse::<AtIdentifier>()
            .map_err(|e| malformed(format!("our own DID: {e}")))?;
        let input = atrium_api::com::atproto::repo::create_record::InputData {
            collection: Nsid::new(collection.to_owned()).map_err(|e| malformed(e.to_owned()))?,
            record: record.try_into_unknown().map_err(|e| malformed(e.to_string()))?,
            repo,
            rkey: Some(RecordKey::new(rkey.to_owned()).map_err(|e| malformed(e.to_owned()))?),
            swap_commit: None,
            validate: None,
        };
        let out = self
            .api
            .service
            .com
            .atproto
            .repo
            .create_record(input.into())
            .await
            .map_err(|e| self.error(e, now))?;
        Ok(Written {
            uri: out.data.uri.clone(),
            cid: out.data.cid.as_ref().to_string(),
        })
    }

    /// The record already written under `rkey`, if any: how a retry learns that its first try landed.
    pub async fn existing(
        &self,
        collection: &str,
        rkey: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Written>, FetchError> {
        let Some(saved) = self.saved_session().await else {
            return Ok(None);
        };
        let params = atrium_api::com::atproto::repo::get_record::ParametersData {
            cid: None,
            collection: Nsid::new(collection.to_owned()).map_err(|e| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: e.to_owned(),
                })
            })?,
            repo: saved.did().parse::<AtIdentifier>().map_err(|e| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: e.to_string(),
                })
            })?,
            rkey: RecordKey::new(rkey.to_owned()).map_err(|e| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: e.to_owned(),
                })
            })?,
        };
        match self.api.service.com.atproto.repo.get_record(params.into()).await {
            Ok(out) => Ok(Some(Written {
                uri: out.data.uri.clone(),
                cid: out
                    .data
                    .cid
                    .as_ref()
                    .map(|c| c.as_ref().to_string())
                    .unwrap_or_default(),
            })),
            Err(e) => match self.error(e, now) {
                FetchError::Rejected {
                    status: 400 | 404, ..
                } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Links and mentions in `text` as facets. A handle that does not resolve stays plain text.
    async fn facets(
        &self,
        text: &str,
        now: DateTime<Utc>,
    ) -> Vec<atrium_api::app::bsky::richtext::facet::Main> {
        use atrium_api::app::bsky::richtext::facet;
        let mut out = Vec::new();
        for span in super::richtext::spans(text) {
            let (start, end, feature) = match span {
                super::richtext::Span::Link { start, end, uri } => (
                    start,
                    end,
                    facet::MainFeaturesItem::Link(Box::new(facet::LinkData { uri }.into())),
                ),
                super::richtext::Span::Mention { start, end, handle } => {
                    let Ok(handle) = atrium_api::types::string::Handle::new(handle) else {
                        continue;
                    };
                    let params =
                        atrium_api::com::atproto::identity::resolve_handle::ParametersData { handle };
                    match self
                        .api
                        .service
                        .com
                        .atproto
                        .identity
                        .resolve_handle(params.into())
                        .await
                    {
                        Ok(found) => (
                            start,
                            end,
                            facet::MainFeaturesItem::Mention(Box::new(
                                facet::MentionData {
                                    did: found.data.did.clone(),
                                }
                                .into(),
                            )),
                        ),
                        Err(e) => {
                            let e = self.error(e, now);
                            tracing::info!(error = %e, "a handle in a reply did not resolve; it stays plain text");
                            continue;
                        }
                    }
                }
            };
            out.push(
                facet::MainData {
                    features: vec![Union::Refs(feature)],
                    index: facet::ByteSliceData {
                        byte_end: end,
                        byte_start: start,
                    }
                    .into(),
                }
                .into(),
            );
        }
        out
    }

    /// Posts `text` (with links and mentions as facets), as a reply when `reply` is given.
    pub async fn post(
        &self,
        text: &str,
        reply: Option<&ReplyTarget>,
        rkey: &str,
        now: DateTime<Utc>,
    ) -> Result<Written, FetchError> {
        let strong = |w: &Written| -> Result<strong_ref::Main, FetchError> {
            Ok(strong_ref::MainData {
                cid: w.cid.parse().map_err(|_| {
                    FetchError::Malformed(NetworkError::Malformed {
                        network: NETWORK,
                        reason: format!("'{}' is not a content hash", w.cid),
                    })
                })?,
                uri: w.uri.clone(),
            }
            .into())
        };
        let reply = match reply {
            Some(r) => Some(
                atrium_api::app::bsky::feed::post::ReplyRefData {
                    parent: strong(&r.parent)?,
                    root: strong(&r.root)?,
                }
                .into(),
            ),
            None => None,
        };
        let facets = self.facets(text, now).await;
        let record = atrium_api::app::bsky::feed::post::RecordData {
            created_at: Datetime::new(now.fixed_offset()),
            embed: None,
            entities: None,
            facets: (!facets.is_empty()).then_some(facets),
            labels: None,
            langs: None,
            reply,
            tags: None,
            text: text.to_owned(),
        };
        let record: atrium_api::app::bsky::feed::post::Record = record.into();
        self.create("app.bsky.feed.post", rkey, record, now).await
    }

    /// Reposts (`app.bsky.feed.repost`) or likes (`app.bsky.feed.like`) the post `subject`.
    pub async fn react(
        &self,
        collection: &str,
        subject: &Written,
        rkey: &str,
        now: DateTime<Utc>,
    ) -> Result<Written, FetchError> {
        let subject: strong_ref::Main = strong_ref::MainData {
            cid: subject.cid.parse().map_err(|_| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: format!("'{}' is not a content hash", subject.cid),
                })
            })?,
            uri: subject.uri.clone(),
        }
        .into();
        let record = serde_json::json!({
            "$type": collection,
            "createdAt": Datetime::new(now.fixed_offset()),
            "subject": subject,
        });
        self.create(collection, rkey, record, now).await
    }
}

/// Sorts an XRPC failure into what the person should know: sign in again, wait, or the server said no.
fn classify<E: Debug>(
    e: atrium_xrpc::Error<E>,
    reset: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> FetchError {
    use atrium_xrpc::error::XrpcErrorKind;
    match e {
        atrium_xrpc::Error::Authentication(_) => FetchError::Unauthorized {
            network: NETWORK,
            reason: "the server asked for authentication".into(),
        },
        atrium_xrpc::Error::XrpcResponse(x) => {
            let status = x.status.as_u16();
            let (name, message) = match &x.error {
                Some(XrpcErrorKind::Undefined(body)) => (body.error.clone(), body.message.clone()),
                Some(XrpcErrorKind::Custom(custom)) => (Some(format!("{custom:?}")), None),
                None => (None, None),
            };
            let reason = match (&name, &message) {
                (Some(n), Some(m)) => format!("{n}: {m}"),
                (Some(n), None) => n.clone(),
                (None, Some(m)) => m.clone(),
                (None, None) => format!("HTTP {status}"),
            };
            let auth = matches!(
                name.as_deref(),
                Some(
                    "ExpiredToken"
                        | "InvalidToken"
                        | "AuthenticationRequired"
                        | "AuthFactorTokenRequired"
                        | "AccountTakedown"
                        | "AccountDeactivated"
                )
            );
            match status {
                401 => FetchError::Unauthorized {
                    network: NETWORK,
                    reason,
                },
                _ if auth => FetchError::Unauthorized {
                    network: NETWORK,
                    reason,
                },
                429 => FetchError::RateLimited {
                    network: NETWORK,
                    until: reset
                        .filter(|r| *r > now)
                        .unwrap_or(now + chrono::Duration::minutes(5)),
                },
                s if s >= 500 => FetchError::Server {
                    network: NETWORK,
                    status: s,
                },
                s => FetchError::Rejected {
                    network: NETWORK,
                    status: s,
                    reason,
                },
            }
        }
        atrium_xrpc::Error::HttpClient(e) => FetchError::Unreachable {
            network: NETWORK,
            reason: e.to_string(),
        },
        atrium_xrpc::Error::SerdeJson(e) => FetchError::Malformed(NetworkError::Malformed {
            network: NETWORK,
            reason: e.to_string(),
        }),
        other => FetchError::Malformed(NetworkError::Malformed {
            network: NETWORK,
            reason: format!("{other:?}"),
        }),
    }
}

/// A record key for a new record: a TID (timestamp and clock ID), which Bluesky's own apps use too.
/// Chosen by Earshot before the first try, so every retry writes the same key.
pub fn new_record_key(now: DateTime<Utc>, clock_id: u16) -> String {
    let clkid = atrium_api::types::LimitedU32::<1023>::try_from(u32::from(clock_id % 1023))
        .unwrap_or(atrium_api::types::LimitedU32::MIN);
    atrium_api::types::string::Tid::from_datetime(clkid, now)
        .as_str()
        .to_owned()
}
