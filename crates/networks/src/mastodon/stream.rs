//! Mastodon's streaming API: the `user` stream over a WebSocket, which pushes each new notification the
//! moment it happens. A stream can drop at any time, so the caller catches up through the notifications
//! endpoint after every (re)connect; overlap is absorbed by the inbox's dedupe key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use earshot_core::Mention;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;

use super::client::MastodonClient;
use super::wire::mention_from_notification;
use crate::{FetchError, NetworkError, Skipped};

const NETWORK: &str = "Mastodon";

/// With no frame for this long, Earshot pings the server; with none for twice as long, the stream is dead
/// (a half-open TCP connection sends nothing and reports no error).
const QUIET: Duration = Duration::from_secs(45);

/// What the stream pushed.
#[derive(Debug)]
pub enum StreamEvent {
    /// A notification, by its ID (the notifications cursor), as a mention or why it is not one.
    Notification {
        id: String,
        entry: Result<Box<Mention>, Skipped>,
        /// The server-local ID of the status it replies to, if any.
        parent: Option<String>,
    },
    /// Another event (`update`, `delete`, `status.update`, `conversation`…), by its name. Earshot reads
    /// mentions only through notifications.
    Other(String),
}

/// An open `user` stream.
pub struct MastodonStream {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    host: String,
}

fn unreachable(reason: impl Into<String>) -> FetchError {
    FetchError::Unreachable {
        network: NETWORK,
        reason: reason.into(),
    }
}

/// The streaming server's `ws:`/`wss:` address for a server whose instance information names none: the
/// server itself, as Mastodon's default setup serves it.
fn default_streaming(base: &Url) -> Url {
    let mut url = base.clone();
    let scheme = if base.scheme() == "https" { "wss" } else { "ws" };
    // Only fails for schemes that cannot become ws/wss, which `base` never has.
    let _ = url.set_scheme(scheme);
    url
}

/// The WebSocket address of the `user` stream under a streaming server's base address.
pub fn user_stream_url(streaming: &Url) -> Url {
    let mut url = streaming
        .join("/api/v1/streaming")
        .unwrap_or_else(|_| streaming.clone());
    url.query_pairs_mut().clear().append_pair("stream", "user");
    url
}

impl MastodonClient {
    /// Where this server streams from: `configuration.urls.streaming` of `/api/v2/instance` (often another
    /// host or port than the API), or the server itself when it names none.
    pub async fn streaming_base(&self, now: DateTime<Utc>) -> Result<Url, FetchError> {
        let body = match self.get(self.endpoint("/api/v2/instance"), now).await {
            Ok((_, body)) => body,
            // Servers older than Mastodon 4.0 have no v2 instance information; they stream from themselves.
            Err(FetchError::Rejected {
                status: 404 | 410, ..
            }) => return Ok(default_streaming(self.base())),
            Err(e) => return Err(e),
        };
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| NetworkError::Malformed {
            network: NETWORK,
            reason: format!("instance: {e}"),
        })?;
        let named = value
            .pointer("/configuration/urls/streaming")
            .and_then(|s| s.as_str())
            .and_then(|s| Url::parse(s).ok())
            .filter(|u| matches!(u.scheme(), "ws" | "wss"));
        Ok(named.unwrap_or_else(|| default_streaming(self.base())))
    }

    /// Opens the `user` stream. The token goes in the `Authorization` header, never in the address.
    pub async fn open_stream(&self, streaming: &Url) -> Result<MastodonStream, FetchError> {
        let url = user_stream_url(streaming);
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|e| unreachable(format!("bad streaming address: {e}")))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", self.token()))
            .map_err(|_| unreachable("the saved token cannot be sent"))?;
        request.headers_mut().insert("Authorization", bearer);
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| match e {
                WsError::Http(response) => {
                    let status = response.status();
                    let body = response
                        .body()
                        .as_deref()
                        .map(String::from_utf8_lossy)
                        .unwrap_or_default()
                        .into_owned();
                    match status {
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => FetchError::Unauthorized {
                            network: NETWORK,
                            reason: super::client::error_text(&body, status.as_u16()),
                        },
                        StatusCode::TOO_MANY_REQUESTS => FetchError::RateLimited {
                            network: NETWORK,
                            until: Utc::now() + chrono::Duration::minutes(5),
                        },
                        s if s.is_server_error() => FetchError::Server {
                            network: NETWORK,
                            status: s.as_u16(),
                        },
                        s => FetchError::Rejected {
                            network: NETWORK,
                            status: s.as_u16(),
                            reason: super::client::error_text(&body, s.as_u16()),
                        },
                    }
                }
                other => unreachable(format!("streaming: {other}")),
            })?;
        Ok(MastodonStream {
            socket,
            host: self.host().to_owned(),
        })
    }
}

impl MastodonStream {
    /// The next event. `Ok(None)` when the server closed the stream; an error when it broke or went
    /// silent. Either way the caller reconnects and catches up.
    pub async fn next(&mut self) -> Result<Option<StreamEvent>, FetchError> {
        let mut pinged = false;
        loop {
            let frame = match tokio::time::timeout(QUIET, self.socket.next()).await {
                Ok(frame) => frame,
                Err(_) if !pinged => {
                    pinged = true;
                    self.socket
                        .send(Message::Ping(Vec::new().into()))
                        .await
                        .map_err(|e| unreachable(format!("streaming: {e}")))?;
                    continue;
                }
                Err(_) => return Err(unreachable("the stream went silent")),
            };
            pinged = false;
            let text = match frame {
                None | Some(Ok(Message::Close(_))) => return Ok(None),
                Some(Err(e)) => return Err(unreachable(format!("streaming: {e}"))),
                Some(Ok(Message::Text(text))) => text,
                // Pings are answered by the library; pongs and binary frames carry no events.
                Some(Ok(_)) => continue,
            };
            match parse_event(text.as_str(), &self.host) {
                Ok(event) => return Ok(Some(event)),
                Err(why) => {
                    tracing::warn!(%why, "skipped a streaming message Earshot could not read");
                    continue;
                }
            }
        }
    }

    /// Closes the stream politely.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

/// One WebSocket message: `{"stream": ["user"], "event": "notification", "payload": "<JSON text>"}`.
pub fn parse_event(text: &str, server_host: &str) -> Result<StreamEvent, String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        event: String,
        #[serde(default)]
        payload: Option<String>,
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| format!("not a stream message: {e}"))?;
    if envelope.event != "notification" {
        return Ok(StreamEvent::Other(envelope.event));
    }
    let payload = envelope.payload.ok_or("a notification without its payload")?;
    let value: serde_json::Value =
        serde_json::from_str(&payload).map_err(|e| format!("a notification that is not JSON: {e}"))?;
    let id = value
        .get("id")
        .and_then(|i| i.as_str())
        .ok_or("a notification without an ID")?
        .to_owned();
    let parent = super::wire::parent_id(value.get("status"));
    Ok(StreamEvent::Notification {
        id,
        entry: mention_from_notification(value, server_host).map(Box::new),
        parent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streaming_server_defaults_to_the_api_server_with_a_websocket_scheme() {
        let base: Url = "https://social.example/".parse().unwrap();
        assert_eq!(default_streaming(&base).as_str(), "wss://social.example/");
        let plain: Url = "http://127.0.0.1:3000/".parse().unwrap();
        assert_eq!(
            user_stream_url(&default_streaming(&plain)).as_str(),
            "ws://127.0.0.1:3000/api/v1/streaming?stream=user"
        );
    }

    #[test]
    fn events_other_than_notifications_are_named_and_broken_ones_are_refused() {
        let other = parse_event(r#"{"stream":["user"],"event":"delete","payload":"1"}"#, "h").unwrap();
        assert!(matches!(other, StreamEvent::Other(name) if name == "delete"));
        assert!(parse_event("not json", "h").is_err());
        assert!(parse_event(r#"{"event":"notification"}"#, "h").is_err());
        assert!(parse_event(
            r#"{"event":"notification","payload":"{\"type\":\"mention\"}"}"#,
            "h"
        )
        .is_err());
        let follow = parse_event(
            r#"{"event":"notification","payload":"{\"id\":\"7\",\"type\":\"follow\"}"}"#,
            "h",
        )
        .unwrap();
        assert!(matches!(
            follow,
            StreamEvent::Notification { id, entry: Err(Skipped::NotAMention(_)), parent: None } if id == "7"
        ));
    }
}
