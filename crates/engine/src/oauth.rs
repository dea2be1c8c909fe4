//! Signing in to Mastodon in the system browser: OAuth 2 authorization code with PKCE, returned to a
//! loopback address that Earshot listens on for this one sign-in (RFC 8252, "OAuth 2.0 for Native Apps").
//!
//! The browser does the signing in, so Earshot never sees the password. The code that comes back is
//! useless without the PKCE verifier, which never leaves this process, and a `state` value ties the
//! answer to this request. The token goes straight to the keyring through `connect_mastodon`.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use earshot_core::Role;
use earshot_networks::mastodon::oauth;
use earshot_networks::FetchError;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use url::Url;

use crate::accounts::{server_url, AccountView};
use crate::{Engine, EngineError};

/// How long Earshot waits for the person to approve in the browser.
pub(crate) const APPROVAL_TIME: Duration = Duration::from_secs(5 * 60);
/// The most of a browser's request Earshot reads: the request line is all it needs.
const MAX_REQUEST: usize = 16 * 1024;

pub(crate) const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Earshot</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Earshot is connected</h1>\
<p>You can close this tab and go back to Earshot.</p>";
pub(crate) const FAILED_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Earshot</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Earshot could not finish connecting</h1>\
<p>Go back to Earshot to see why and try again.</p>";
const REFUSED_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Earshot</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Earshot was not connected</h1>\
<p>The server did not give Earshot access. Go back to Earshot to try again.</p>";

pub(crate) fn random_text(bytes: usize) -> Result<String, EngineError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| EngineError::Invalid(format!("The system could not make a random value: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// The PKCE S256 challenge of a verifier.
pub(crate) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What came back to the loopback address.
#[derive(Debug, PartialEq, Eq)]
enum Callback {
    Code(String),
    Refused(String),
    /// Not our answer (another path, a missing or wrong `state`): ignored.
    Unrelated,
}

/// Reads the request line's target (`/callback?code=...&state=...`) and sorts it out.
fn read_callback(target: &str, state: &str) -> Callback {
    let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Callback::Unrelated;
    };
    if url.path() != "/callback" {
        return Callback::Unrelated;
    }
    let get = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if get("state").as_deref() != Some(state) {
        return Callback::Unrelated;
    }
    if let Some(error) = get("error") {
        let said = get("error_description").unwrap_or(error);
        return Callback::Refused(said);
    }
    match get("code") {
        Some(code) if !code.is_empty() => Callback::Code(code),
        _ => Callback::Unrelated,
    }
}

pub(crate) async fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Answers browser requests on the loopback address until one carries this sign-in's answer. The browser's
/// connection is kept, to tell it how connecting ended.
pub(crate) async fn wait_for_code(
    listener: &TcpListener,
    state: &str,
) -> Result<(String, TcpStream), EngineError> {
    loop {
        let mut stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file handles, say: wait a moment rather than spin.
                tracing::warn!(error = %e, "the sign-in listener could not accept a connection");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST {
            match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
        let head = String::from_utf8_lossy(&head);
        let target = head
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("GET "))
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_default();
        match read_callback(target, state) {
            Callback::Code(code) => return Ok((code, stream)),
            Callback::Refused(said) => {
                respond(&mut stream, "200 OK", REFUSED_PAGE).await;
                return Err(EngineError::Invalid(format!(
                    "The server did not give Earshot access ({said}). Connect again to retry."
                )));
            }
            Callback::Unrelated => respond(&mut stream, "404 Not Found", "").await,
        }
    }
}

fn sign_in_error(base: &Url, e: FetchError) -> EngineError {
    match e {
        FetchError::Unreachable { reason, .. } => EngineError::Invalid(format!(
            "{base} could not be reached ({reason}). Check the server address and your connection."
        )),
        FetchError::Rejected { reason, .. } => EngineError::Invalid(format!(
            "{base} refused the sign-in ({reason}). Connect again to retry."
        )),
        other => EngineError::Invalid(format!("{base} could not sign in: {other}")),
    }
}

impl Engine {
    /// Connects a Mastodon account through the browser. `open` is given the address to approve Earshot at
    /// (the app opens the system browser; the CLI also prints it). Ends when the person approves or
    /// refuses, after five minutes, or when `cancel` turns true.
    pub async fn sign_in_mastodon(
        &self,
        server: &str,
        role: Role,
        open: &(dyn Fn(&Url) + Send + Sync),
        mut cancel: watch::Receiver<bool>,
    ) -> Result<AccountView, EngineError> {
        let base = server_url(server)?;
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| {
            EngineError::Invalid(format!("Earshot could not listen for the browser's answer: {e}"))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| {
                EngineError::Invalid(format!("Earshot could not listen for the browser's answer: {e}"))
            })?
            .port();
        let redirect = format!("http://127.0.0.1:{port}/callback");
        let endpoints = oauth::discover(&self.http, &base)
            .await
            .map_err(|e| sign_in_error(&base, e))?;
        let app = oauth::register_app(&self.http, &endpoints, &redirect)
            .await
            .map_err(|e| sign_in_error(&base, e))?;
        let verifier = random_text(48)?;
        let state = random_text(24)?;
        let address = oauth::authorize_url(&endpoints, &app, &redirect, &state, &challenge(&verifier));
        open(&address);
        let (code, mut browser) = tokio::select! {
            code = wait_for_code(&listener, &state) => code?,
            _ = tokio::time::sleep(APPROVAL_TIME) => {
                return Err(EngineError::Invalid(
                    "Nobody approved Earshot in the browser within 5 minutes. Connect again to retry.".into(),
                ));
            }
            _ = cancel.wait_for(|c| *c) => {
                return Err(EngineError::Invalid("Connecting was cancelled.".into()));
            }
        };
        drop(listener);
        let connected =
            match oauth::exchange_code(&self.http, &endpoints, &app, &code, &redirect, &verifier).await {
                Ok(token) => self.connect_mastodon(base.as_str(), &token, role).await,
                Err(e) => Err(sign_in_error(&base, e)),
            };
        // Only now does the browser tab say how it ended, so "connected" is true when it says so.
        let page = if connected.is_ok() { DONE_PAGE } else { FAILED_PAGE };
        respond(&mut browser, "200 OK", page).await;
        connected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn only_this_sign_ins_answer_is_taken() {
        assert_eq!(
            read_callback("/callback?code=abc&state=s1", "s1"),
            Callback::Code("abc".into())
        );
        assert_eq!(
            read_callback("/callback?code=abc&state=other", "s1"),
            Callback::Unrelated
        );
        assert_eq!(read_callback("/callback?code=abc", "s1"), Callback::Unrelated);
        assert_eq!(read_callback("/favicon.ico", "s1"), Callback::Unrelated);
        assert_eq!(read_callback("/callback?state=s1", "s1"), Callback::Unrelated);
        assert_eq!(
            read_callback("/callback?error=access_denied&state=s1", "s1"),
            Callback::Refused("access_denied".into())
        );
        assert_eq!(read_callback("garbage", "s1"), Callback::Unrelated);
    }
}
