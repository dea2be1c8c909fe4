//! Reading the recorded Mastodon traffic (VCR cassettes from Mastodon.py, MIT) in ../shared/data/mastodon.
//! Missing data fails the test loudly; it is never skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Cassette {
    pub interactions: Vec<Interaction>,
}

#[derive(Deserialize)]
pub struct Interaction {
    pub request: Request,
    pub response: Response,
}

#[derive(Deserialize)]
pub struct Request {
    pub method: String,
    pub uri: String,
}

#[derive(Deserialize)]
pub struct Response {
    pub status: Status,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    pub body: Body,
}

#[derive(Deserialize)]
pub struct Status {
    pub code: u16,
}

#[derive(Deserialize)]
pub struct Body {
    pub string: String,
}

pub fn cassettes_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/mastodon/cassettes");
    // Under CI the data must be there; anywhere else a missing copy fails just as loudly.
    assert!(
        dir.is_dir(),
        "the recorded Mastodon traffic is missing at {}: these tests need ../shared/data beside the project",
        dir.display()
    );
    dir
}

pub fn load(name: &str) -> Cassette {
    let path = cassettes_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// The first recorded response to a request whose method is `method` and whose path and query contain `uri_part`.
pub fn response<'c>(cassette: &'c Cassette, method: &str, uri_part: &str) -> &'c Response {
    &cassette
        .interactions
        .iter()
        .find(|i| i.request.method == method && i.request.uri.contains(uri_part))
        .unwrap_or_else(|| panic!("the cassette has no {method} {uri_part}"))
        .response
}
