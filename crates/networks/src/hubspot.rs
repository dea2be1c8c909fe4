//! HubSpot CRM v3: contacts found by the search endpoint (by email, by the Twitter-handle property, or by
//! when they last changed), paged with `after` cursors, and their owners' names. A private app's access
//! token authorises every request.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::{FetchError, HttpClient, NetworkError};

const NETWORK: &str = "HubSpot";
pub const API: &str = "https://api.hubapi.com";
/// HubSpot's largest search page.
pub const PAGE: u32 = 100;
/// The most results one search query serves, however it is paged.
pub const SEARCH_CAP: usize = 10_000;

/// The contact properties Earshot reads.
pub const PROPERTIES: [&str; 12] = [
    "firstname",
    "lastname",
    "email",
    "hs_additional_emails",
    "phone",
    "mobilephone",
    "company",
    "hubspot_owner_id",
    "lifecyclestage",
    "twitterhandle",
    "total_revenue",
    "lastmodifieddate",
];

#[derive(Clone)]
pub struct HubSpot {
    http: HttpClient,
    base: String,
    token: String,
}

impl std::fmt::Debug for HubSpot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("HubSpot").field("base", &self.base).finish()
    }
}

/// A contact as the API returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contact {
    pub id: String,
    #[serde(default)]
    pub properties: HashMap<String, Option<String>>,
    #[serde(rename = "updatedAt")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Contact {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)?
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Owner {
    pub id: String,
    #[serde(rename = "firstName")]
    pub first_name: Option<String>,
    #[serde(rename = "lastName")]
    pub last_name: Option<String>,
    pub email: Option<String>,
}

impl Owner {
    /// "Maya Lindqvist", else the owner's email, else their ID.
    pub fn name(&self) -> String {
        let full = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !full.trim().is_empty() {
            full.trim().to_owned()
        } else {
            self.email.clone().unwrap_or_else(|| self.id.clone())
        }
    }
}

/// One page of search results and the cursor for the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub total: u64,
    pub results: Vec<Contact>,
    pub next: Option<String>,
}

/// A search filter: property, operator (`EQ`, `GTE`…) and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filter {
    #[serde(rename = "propertyName")]
    pub property: String,
    pub operator: String,
    pub value: String,
}

impl Filter {
    pub fn eq(property: &str, value: &str) -> Filter {
        Filter {
            property: property.into(),
            operator: "EQ".into(),
            value: value.into(),
        }
    }
}

#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    results: Vec<Contact>,
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    next: Option<Next>,
}

#[derive(Deserialize)]
struct Next {
    after: String,
}

/// HubSpot's error body: `{"status":"error","message":"…","category":"…"}`.
#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

impl HubSpot {
    /// `base` is HubSpot's API address ([`API`]); tests point it at a local server.
    pub fn new(http: HttpClient, base: &str, token: &str) -> HubSpot {
        HubSpot {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder, what: &str) -> Result<String, FetchError> {
        let response =
            request
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|e| FetchError::Unreachable {
                    network: NETWORK,
                    reason: e.without_url().to_string(),
                })?;
        let status = response.status();
        tracing::debug!(target: crate::HTTP_LOG, network = NETWORK, what, status = status.as_u16(), "request");
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok());
        let body = response.text().await.map_err(|e| FetchError::Unreachable {
            network: NETWORK,
            reason: e.without_url().to_string(),
        })?;
        let message = || {
            serde_json::from_str::<ErrorBody>(&body)
                .ok()
                .and_then(|b| b.message)
                .unwrap_or_else(|| format!("HTTP {}", status.as_u16()))
        };
        match status {
            s if s.is_success() => Ok(body),
            StatusCode::UNAUTHORIZED => Err(FetchError::Unauthorized {
                network: NETWORK,
                reason: message(),
            }),
            StatusCode::TOO_MANY_REQUESTS => Err(FetchError::RateLimited {
                network: NETWORK,
                // HubSpot's limits are per ten seconds (and per day); without a Retry-After, wait ten seconds.
                until: Utc::now() + chrono::Duration::seconds(retry_after.unwrap_or(10).clamp(1, 86_400)),
            }),
            s if s.is_server_error() => Err(FetchError::Server {
                network: NETWORK,
                status: s.as_u16(),
            }),
            s => Err(FetchError::Rejected {
                network: NETWORK,
                status: s.as_u16(),
                reason: message(),
            }),
        }
    }

    /// One page of contacts matching every filter, oldest change first, with Earshot's properties.
    pub async fn search(&self, filters: &[Filter], after: Option<&str>) -> Result<Page, FetchError> {
        let mut body = serde_json::json!({
            "filterGroups": [{"filters": filters}],
            "properties": PROPERTIES,
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
            "limit": PAGE,
        });
        if let Some(after) = after {
            body["after"] = serde_json::Value::String(after.to_owned());
        }
        let text = self
            .send(
                self.http
                    .post(format!("{}/crm/v3/objects/contacts/search", self.base))
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_string()),
                "contacts/search",
            )
            .await?;
        let answer: SearchAnswer = serde_json::from_str(&text).map_err(|e| {
            FetchError::Malformed(NetworkError::Malformed {
                network: NETWORK,
                reason: e.to_string(),
            })
        })?;
        Ok(Page {
            total: answer.total,
            results: answer.results,
            next: answer.paging.and_then(|p| p.next).map(|n| n.after),
        })
    }

    /// The owner with this ID, or `None` if HubSpot has no such owner (any more).
    pub async fn owner(&self, id: &str) -> Result<Option<Owner>, FetchError> {
        let url = format!("{}/crm/v3/owners/{}", self.base, urlencode(id));
        match self.send(self.http.get(url), "owners").await {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: e.to_string(),
                })
            }),
            Err(FetchError::Rejected { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn urlencode(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_answer_reads_with_its_cursor() {
        let answer: SearchAnswer = serde_json::from_str(
            r#"{"total":2,"results":[{"id":"51","properties":{"email":"jane@example.com","firstname":"Jane","lastname":null,
                "hs_object_id":"51"},"createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-02-01T10:00:00.123Z","archived":false}],
                "paging":{"next":{"after":"1","link":"https://api.hubapi.com/crm/v3/objects/contacts/search?after=1"}}}"#,
        )
        .unwrap();
        assert_eq!(answer.total, 2);
        let c = &answer.results[0];
        assert_eq!(
            (c.get("email"), c.get("lastname")),
            (Some("jane@example.com"), None)
        );
        assert_eq!(answer.paging.unwrap().next.unwrap().after, "1");
    }

    #[test]
    fn an_owner_is_named_by_name_then_email() {
        let o = Owner {
            id: "7".into(),
            first_name: Some("Maya".into()),
            last_name: None,
            email: Some("m@x.example".into()),
        };
        assert_eq!(o.name(), "Maya");
        let o = Owner {
            id: "7".into(),
            first_name: None,
            last_name: None,
            email: None,
        };
        assert_eq!(o.name(), "7");
    }
}
