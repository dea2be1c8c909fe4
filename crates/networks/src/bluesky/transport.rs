//! atrium's XRPC calls, carried by Earshot's one reqwest client. Also keeps the last rate-limit headers the
//! server sent, so the sync can slow down before the limit and show the reset time.

use std::sync::{Arc, Mutex, PoisonError};

use atrium_xrpc::{HttpClient, XrpcClient};
use chrono::{DateTime, Utc};

use crate::RateLimit;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base: String,
    last_rate_limit: Arc<Mutex<Option<RateLimit>>>,
}

impl Transport {
    pub(crate) fn new(http: reqwest::Client, base: &url::Url) -> Self {
        Self {
            http,
            base: base.as_str().trim_end_matches('/').to_owned(),
            last_rate_limit: Arc::default(),
        }
    }

    pub(crate) fn rate_limit(&self) -> Option<RateLimit> {
        self.last_rate_limit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn header_u32(headers: &http::HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Bluesky's PDS sends `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (Unix seconds).
pub(crate) fn rate_limit(headers: &http::HeaderMap) -> Option<RateLimit> {
    let limit = header_u32(headers, "ratelimit-limit");
    let remaining = header_u32(headers, "ratelimit-remaining");
    let reset = headers
        .get("ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
    (limit.is_some() || remaining.is_some() || reset.is_some()).then_some(RateLimit {
        limit,
        remaining,
        reset,
    })
}

impl HttpClient for Transport {
    async fn send_http(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, BoxError> {
        let (parts, body) = request.into_parts();
        let (method, path) = (parts.method.clone(), parts.uri.path().to_owned());
        let response = self
            .http
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| Box::new(e.without_url()) as BoxError)?;
        // One event per request (never its query, body or headers): for debugging and for counting.
        tracing::debug!(target: crate::HTTP_LOG, network = "Bluesky", %method, %path,
            status = response.status().as_u16(), "request");
        if let Some(limit) = rate_limit(response.headers()) {
            *self
                .last_rate_limit
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(limit);
        }
        let mut builder = http::Response::builder().status(response.status());
        if let Some(headers) = builder.headers_mut() {
            headers.extend(response.headers().clone());
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Box::new(e.without_url()) as BoxError)?;
        Ok(builder.body(bytes.to_vec())?)
    }
}

impl XrpcClient for Transport {
    fn base_uri(&self) -> String {
        self.base.clone()
    }
}
