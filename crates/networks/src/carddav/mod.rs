//! CardDAV address books (RFC 6352): discovery, change tracking by sync-collection (RFC 6578) or, where a
//! server lacks it, by ctag and ETags, and fetching cards in batches (addressbook-multiget).

mod multistatus;

use reqwest::{Method, StatusCode};
use url::Url;

use crate::{FetchError, HttpClient, NetworkError};
use multistatus::{Multistatus, CALENDARSERVER, CARDDAV, DAV};

const NETWORK: &str = "CardDAV";
/// Cards fetched per addressbook-multiget request.
pub const MULTIGET_BATCH: usize = 100;

/// A CardDAV server and the account to read it as.
#[derive(Clone)]
pub struct CardDav {
    http: HttpClient,
    base: Url,
    user: String,
    password: String,
}

impl std::fmt::Debug for CardDav {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("CardDav")
            .field("base", &self.base.as_str())
            .field("user", &self.user)
            .finish()
    }
}

/// An address book the account can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBook {
    /// The collection's full address.
    pub url: String,
    pub name: Option<String>,
    /// The Calendar Server ctag: changes whenever anything in the book does.
    pub ctag: Option<String>,
    /// Present when the server supports sync-collection.
    pub sync_token: Option<String>,
}

/// What changed in a book since a sync token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    Delta {
        /// Cards added or changed, as (address, ETag).
        changed: Vec<(String, String)>,
        /// Cards removed, by address.
        removed: Vec<String>,
        token: String,
    },
    /// The server no longer knows the token: read the whole book again.
    TokenExpired,
    /// The server does not do sync-collection: compare ETags instead.
    Unsupported,
}

/// One card and its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub url: String,
    pub etag: String,
    pub text: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn malformed(reason: impl Into<String>) -> FetchError {
    FetchError::Malformed(NetworkError::Malformed {
        network: NETWORK,
        reason: reason.into(),
    })
}

impl CardDav {
    /// `base` is the server's address (`https://dav.example.com/`) or an address book's.
    pub fn new(http: HttpClient, base: &str, user: &str, password: &str) -> Result<CardDav, FetchError> {
        let base = Url::parse(base.trim()).map_err(|e| FetchError::Rejected {
            network: NETWORK,
            status: 0,
            reason: format!("'{base}' is not a server address ({e})"),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(FetchError::Rejected {
                network: NETWORK,
                status: 0,
                reason: "the server address must start with https:// (or http:// on this computer)".into(),
            });
        }
        Ok(CardDav {
            http,
            base,
            user: user.to_owned(),
            password: password.to_owned(),
        })
    }

    fn resolve(&self, href: &str) -> Result<Url, FetchError> {
        self.base
            .join(href)
            .map_err(|e| malformed(format!("the server named '{href}' ({e})")))
    }

    async fn request(
        &self,
        method: &str,
        url: &Url,
        depth: Option<&str>,
        body: String,
    ) -> Result<(StatusCode, String), FetchError> {
        let method = Method::from_bytes(method.as_bytes()).map_err(|e| malformed(e.to_string()))?;
        let mut request = self
            .http
            .request(method, url.clone())
            .basic_auth(&self.user, Some(&self.password))
            .header(reqwest::header::CONTENT_TYPE, "application/xml; charset=utf-8")
            .body(body);
        if let Some(depth) = depth {
            request = request.header("Depth", depth);
        }
        let response = request.send().await.map_err(|e| FetchError::Unreachable {
            network: NETWORK,
            reason: e.without_url().to_string(),
        })?;
        let status = response.status();
        tracing::debug!(target: crate::HTTP_LOG, network = NETWORK, host = url.host_str().unwrap_or_default(),
            path = url.path(), status = status.as_u16(), "request");
        let retry = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok());
        let text = response.text().await.map_err(|e| FetchError::Unreachable {
            network: NETWORK,
            reason: e.without_url().to_string(),
        })?;
        match status {
            StatusCode::UNAUTHORIZED => Err(FetchError::Unauthorized {
                network: NETWORK,
                reason: "the user name or password was refused".into(),
            }),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE if retry.is_some() => {
                Err(FetchError::RateLimited {
                    network: NETWORK,
                    until: chrono::Utc::now() + chrono::Duration::seconds(retry.unwrap_or(60).clamp(1, 3600)),
                })
            }
            s if s.is_server_error() => Err(FetchError::Server {
                network: NETWORK,
                status: s.as_u16(),
            }),
            s => Ok((s, text)),
        }
    }

    async fn multistatus(
        &self,
        method: &str,
        url: &Url,
        depth: &str,
        body: String,
    ) -> Result<Multistatus, FetchError> {
        let (status, text) = self.request(method, url, Some(depth), body).await?;
        if status != StatusCode::MULTI_STATUS {
            return Err(FetchError::Rejected {
                network: NETWORK,
                status: status.as_u16(),
                reason: format!(
                    "{method} {} answered {}, not a WebDAV multi-status",
                    url.path(),
                    status.as_u16()
                ),
            });
        }
        multistatus::parse(&text)
            .map_err(|e| malformed(format!("the {method} answer is not readable XML: {e}")))
    }

    /// Every address book the account can read: the principal from `current-user-principal` (at the given
    /// address, then at `/.well-known/carddav`), its `addressbook-home-set`, then the home's collections.
    /// An address that is itself an address book is returned as is.
    pub async fn discover(&self) -> Result<Vec<AddressBook>, FetchError> {
        let probe = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/">
  <d:prop><d:current-user-principal/><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/></d:prop>
</d:propfind>"#;
        let mut principal = None;
        for start in [self.base.clone(), self.resolve("/.well-known/carddav")?] {
            let found = match self.multistatus("PROPFIND", &start, "0", probe.into()).await {
                Ok(ms) => ms,
                Err(FetchError::Rejected { .. }) => continue,
                Err(e) => return Err(e),
            };
            if let Some(r) = found.responses.first() {
                if let Some(book) = self.as_book(r)? {
                    return Ok(vec![book]);
                }
                principal = r
                    .prop(DAV, "current-user-principal")
                    .and_then(|p| p.hrefs.first().cloned());
                if principal.is_some() {
                    break;
                }
            }
        }
        let principal = principal.ok_or_else(|| FetchError::Rejected {
            network: NETWORK,
            status: 0,
            reason:
                "the server did not say where this account's address books are (no current-user-principal)"
                    .into(),
        })?;
        let home_query = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav"><d:prop><cr:addressbook-home-set/></d:prop></d:propfind>"#;
        let ms = self
            .multistatus("PROPFIND", &self.resolve(&principal)?, "0", home_query.into())
            .await?;
        let home = ms
            .responses
            .first()
            .and_then(|r| r.prop(CARDDAV, "addressbook-home-set"))
            .and_then(|p| p.hrefs.first().cloned())
            .ok_or_else(|| malformed("the account has no addressbook-home-set"))?;
        let ms = self
            .multistatus("PROPFIND", &self.resolve(&home)?, "1", probe.into())
            .await?;
        let mut books = Vec::new();
        for r in &ms.responses {
            if let Some(book) = self.as_book(r)? {
                books.push(book);
            }
        }
        Ok(books)
    }

    fn as_book(&self, r: &multistatus::Response) -> Result<Option<AddressBook>, FetchError> {
        let is_book = r.prop(DAV, "resourcetype").is_some_and(|p| {
            p.children
                .iter()
                .any(|(ns, name)| ns == CARDDAV && name == "addressbook")
        });
        if !is_book {
            return Ok(None);
        }
        let text = |ns: &str, name: &str| r.prop(ns, name).map(|p| p.text.clone()).filter(|t| !t.is_empty());
        Ok(Some(AddressBook {
            url: self.resolve(&r.href)?.to_string(),
            name: text(DAV, "displayname"),
            ctag: text(CALENDARSERVER, "getctag"),
            sync_token: text(DAV, "sync-token"),
        }))
    }

    /// The book's ctag now (cheap: one property of one collection).
    pub async fn ctag(&self, book: &str) -> Result<Option<String>, FetchError> {
        let body = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>"#;
        let ms = self
            .multistatus("PROPFIND", &self.resolve(book)?, "0", body.into())
            .await?;
        Ok(ms
            .responses
            .first()
            .and_then(|r| r.prop(CALENDARSERVER, "getctag"))
            .map(|p| p.text.clone()))
    }

    /// What changed since `token` (all cards when `token` is `None`), by RFC 6578's sync-collection.
    pub async fn changes(&self, book: &str, token: Option<&str>) -> Result<Changes, FetchError> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#,
            escape(token.unwrap_or(""))
        );
        let url = self.resolve(book)?;
        // RFC 6578 §3.3: the sync-collection report is sent with Depth 0 (the level is in the body).
        let (status, text) = self.request("REPORT", &url, Some("0"), body).await?;
        match status {
            StatusCode::MULTI_STATUS => {}
            // RFC 6578 §3.2: an invalid token fails the DAV:valid-sync-token precondition (403 or 409).
            StatusCode::FORBIDDEN | StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED
                if token.is_some() =>
            {
                return Ok(Changes::TokenExpired)
            }
            StatusCode::FORBIDDEN
            | StatusCode::NOT_IMPLEMENTED
            | StatusCode::BAD_REQUEST
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::UNSUPPORTED_MEDIA_TYPE => return Ok(Changes::Unsupported),
            s => {
                return Err(FetchError::Rejected {
                    network: NETWORK,
                    status: s.as_u16(),
                    reason: format!("the address book answered {} to a sync request", s.as_u16()),
                })
            }
        }
        let ms = multistatus::parse(&text)
            .map_err(|e| malformed(format!("the sync answer is not readable XML: {e}")))?;
        let token = ms
            .sync_token
            .clone()
            .ok_or_else(|| malformed("the sync answer has no new sync token"))?;
        let book_url = url.to_string();
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        for r in ms.responses {
            let card = self.resolve(&r.href)?.to_string();
            if card == book_url {
                continue; // the collection itself
            }
            if r.status == Some(404) {
                removed.push(card);
            } else if let Some(etag) = r.prop(DAV, "getetag") {
                changed.push((card, etag.text.clone()));
            }
        }
        Ok(Changes::Delta {
            changed,
            removed,
            token,
        })
    }

    /// Every card in the book with its ETag: the fallback for servers without sync-collection.
    pub async fn etags(&self, book: &str) -> Result<Vec<(String, String)>, FetchError> {
        let body = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>"#;
        let url = self.resolve(book)?;
        let ms = self.multistatus("PROPFIND", &url, "1", body.into()).await?;
        let book_url = url.to_string();
        let mut out = Vec::new();
        for r in ms.responses {
            let card = self.resolve(&r.href)?.to_string();
            if card != book_url {
                if let Some(etag) = r.prop(DAV, "getetag") {
                    out.push((card, etag.text.clone()));
                }
            }
        }
        Ok(out)
    }

    /// The cards at `urls`, fetched in one addressbook-multiget. A card the server no longer has is left
    /// out.
    pub async fn cards(&self, book: &str, urls: &[String]) -> Result<Vec<Card>, FetchError> {
        if urls.is_empty() {
            return Ok(Vec::new());
        }
        let mut hrefs = String::new();
        for u in urls {
            let path = self.resolve(u)?.path().to_owned();
            hrefs.push_str(&format!("<d:href>{}</d:href>", escape(&path)));
        }
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-multiget xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><cr:address-data/></d:prop>{hrefs}</cr:addressbook-multiget>"#
        );
        let ms = self
            .multistatus("REPORT", &self.resolve(book)?, "1", body)
            .await?;
        let mut out = Vec::new();
        for r in ms.responses {
            let (Some(etag), Some(data)) = (r.prop(DAV, "getetag"), r.prop(CARDDAV, "address-data")) else {
                continue;
            };
            out.push(Card {
                url: self.resolve(&r.href)?.to_string(),
                etag: etag.text.clone(),
                text: data.text.clone(),
            });
        }
        Ok(out)
    }
}
