//! A person's account on a network, normalised so that every way of writing it compares equal:
//! `@Jane`, `jane` and `https://x.com/jane` are one X identity; `https://mastodon.social/@Jane` and
//! `jane@mastodon.social` are one Mastodon identity; a Bluesky handle or its DID.

use std::fmt;

use earshot_core::Network;
use serde::{Deserialize, Serialize};
use url::Url;

/// One account of a contact's, as a lookup key. `key` is already normalised (see [`Identity::parse`]).
/// A web address that names no account we know (a blog, a LinkedIn page) is a [`Network::Web`] identity
/// keyed by its normalised URL.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    pub network: Network,
    pub key: String,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.network {
            Network::Web => f.write_str(&self.key),
            Network::Bluesky if self.key.starts_with("did:") => write!(f, "Bluesky {}", self.key),
            n => write!(f, "{} @{}", n.label(), self.key),
        }
    }
}

/// Why a handle or address could not be read as an account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not {expected}")]
pub struct IdentityError {
    pub value: String,
    pub expected: &'static str,
}

const X_HOSTS: [&str; 4] = ["x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"];
/// X paths that are pages, not accounts.
const X_RESERVED: [&str; 12] = [
    "home",
    "i",
    "intent",
    "search",
    "explore",
    "settings",
    "messages",
    "notifications",
    "share",
    "hashtag",
    "login",
    "signup",
];

impl Identity {
    pub fn new(network: Network, key: impl Into<String>) -> Self {
        Self {
            network,
            key: key.into(),
        }
    }

    /// Reads a handle written for `network`: `@jane`, `jane`, `jane@server` (Mastodon), `did:plc:…`
    /// (Bluesky), or a profile address on any network (in which case the address decides the network).
    pub fn parse(network: Network, raw: &str) -> Result<Identity, IdentityError> {
        let raw = raw.trim();
        if raw.starts_with("http://") || raw.starts_with("https://") {
            return Identity::from_url(raw).ok_or_else(|| IdentityError {
                value: raw.to_owned(),
                expected: "a profile address",
            });
        }
        if raw.contains("://") {
            return Err(IdentityError {
                value: raw.to_owned(),
                expected: "a handle or an http(s) address",
            });
        }
        let bare = raw.trim_start_matches('@').trim();
        let invalid = |expected| IdentityError {
            value: raw.to_owned(),
            expected,
        };
        let expected = match network {
            Network::X => "an X username (up to 15 letters, digits or _)",
            Network::Bluesky => "a Bluesky handle such as jane.bsky.social, or a DID",
            Network::Mastodon => "a Mastodon address such as jane@mastodon.social",
            Network::Web => "a web address",
        };
        if bare.is_empty() || bare.chars().any(|c| c.is_whitespace() || c.is_control()) || bare.len() > 320 {
            return Err(invalid(expected));
        }
        match network {
            Network::X => {
                let name = bare.to_ascii_lowercase();
                if name.len() <= 15 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    Ok(Identity::new(Network::X, name))
                } else {
                    Err(invalid("an X username (up to 15 letters, digits or _)"))
                }
            }
            Network::Bluesky => {
                if bare.starts_with("did:") {
                    // DIDs are case-sensitive in their method-specific part; did:plc and did:web are
                    // lower case in practice, and Bluesky compares them exactly.
                    Ok(Identity::new(Network::Bluesky, bare.to_owned()))
                } else if bare.contains('.') && !bare.contains('@') && !bare.contains('/') {
                    Ok(Identity::new(Network::Bluesky, bare.to_ascii_lowercase()))
                } else {
                    Err(invalid("a Bluesky handle such as jane.bsky.social, or a DID"))
                }
            }
            Network::Mastodon => match bare.split_once('@') {
                Some((user, server)) if !user.is_empty() && server.contains('.') && !server.contains('@') => {
                    Ok(Identity::new(
                        Network::Mastodon,
                        format!("{}@{}", user, server).to_lowercase(),
                    ))
                }
                _ => Err(invalid("a Mastodon address such as jane@mastodon.social")),
            },
            Network::Web => Err(invalid("a web address")),
        }
    }

    /// The account a profile address names, if it is one we recognise; otherwise the address itself as a
    /// web identity. `None` only for something that is not an http(s) address.
    pub fn from_url(raw: &str) -> Option<Identity> {
        let url = Url::parse(raw.trim()).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str()?.trim_start_matches("www.").to_ascii_lowercase();
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        if X_HOSTS.contains(&host.as_str()) {
            if let Some(first) = segments.first() {
                if !X_RESERVED.contains(&first.to_ascii_lowercase().as_str()) {
                    if let Ok(id) = Identity::parse(Network::X, first) {
                        return Some(id);
                    }
                }
            }
        }
        if host == "bsky.app" && segments.first() == Some(&"profile") {
            if let Some(who) = segments.get(1) {
                if let Ok(id) = Identity::parse(Network::Bluesky, who) {
                    return Some(id);
                }
            }
        }
        // Mastodon (and other fediverse servers): https://server/@user, or https://server/users/user.
        let mastodon_user = match segments.as_slice() {
            [user] if user.starts_with('@') && user.len() > 1 => Some(&user[1..]),
            ["users", user] => Some(*user),
            _ => None,
        };
        if let Some(user) = mastodon_user {
            // https://server/@user@other.server is a remote account shown on `server`.
            let acct = if user.contains('@') {
                user.to_owned()
            } else {
                format!("{user}@{host}")
            };
            if let Ok(id) = Identity::parse(Network::Mastodon, &acct) {
                return Some(id);
            }
        }
        Some(Identity::new(Network::Web, normalise_url(&url)))
    }
}

/// An address in the form used as a key: no scheme, no `www.`, lower-case host, no trailing slash, no query
/// or fragment. `https://www.Example.com/Jane/` → `example.com/Jane`.
pub fn normalise_url(url: &Url) -> String {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let path = url.path().trim_end_matches('/');
    format!("{host}{path}")
}

/// The domain of an email address, lower case, if it is one a company owns: free mail providers say
/// nothing about who someone works for.
pub fn company_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if !domain.contains('.') || FREE_MAIL.contains(&domain.as_str()) {
        return None;
    }
    Some(domain)
}

/// Mail providers anyone can sign up to. A shared domain here is not a link between two people.
const FREE_MAIL: [&str; 24] = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "fastmail.com",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn id(network: Network, key: &str) -> Identity {
        Identity::new(network, key)
    }

    #[test]
    fn every_way_of_writing_an_x_account_is_one_identity() {
        for raw in [
            "@Jane_Doe",
            "jane_doe",
            " JANE_DOE ",
            "https://x.com/jane_doe",
            "https://twitter.com/Jane_Doe/",
        ] {
            assert_eq!(
                Identity::parse(Network::X, raw).unwrap(),
                id(Network::X, "jane_doe"),
                "{raw}"
            );
        }
        assert!(Identity::parse(Network::X, "this_name_is_far_too_long").is_err());
        assert!(Identity::parse(Network::X, "jane doe").is_err());
        // A page on X is not an account.
        assert_eq!(
            Identity::from_url("https://x.com/home").unwrap().network,
            Network::Web
        );
    }

    #[test]
    fn mastodon_accounts_are_user_at_server_whatever_the_form() {
        for raw in [
            "@Jane@Mastodon.Social",
            "jane@mastodon.social",
            "https://mastodon.social/@jane",
            "https://mastodon.social/users/jane",
        ] {
            assert_eq!(
                Identity::parse(Network::Mastodon, raw).unwrap(),
                id(Network::Mastodon, "jane@mastodon.social"),
                "{raw}"
            );
        }
        // A remote account shown on another server keeps its own server.
        assert_eq!(
            Identity::from_url("https://mastodon.social/@jane@hachyderm.io").unwrap(),
            id(Network::Mastodon, "jane@hachyderm.io")
        );
        assert!(Identity::parse(Network::Mastodon, "jane").is_err());
    }

    #[test]
    fn bluesky_handles_and_dids() {
        assert_eq!(
            Identity::parse(Network::Bluesky, "@Jane.bsky.social").unwrap(),
            id(Network::Bluesky, "jane.bsky.social")
        );
        assert_eq!(
            Identity::parse(Network::Bluesky, "did:plc:ewvi7nxzyoun6zhxrhs64oiz").unwrap(),
            id(Network::Bluesky, "did:plc:ewvi7nxzyoun6zhxrhs64oiz")
        );
        assert_eq!(
            Identity::from_url("https://bsky.app/profile/jane.example.com").unwrap(),
            id(Network::Bluesky, "jane.example.com")
        );
        assert!(Identity::parse(Network::Bluesky, "jane").is_err());
    }

    #[test]
    fn other_addresses_are_web_identities_in_one_form() {
        assert_eq!(
            Identity::from_url("https://www.LinkedIn.com/in/jane-doe/?trk=x#top").unwrap(),
            id(Network::Web, "linkedin.com/in/jane-doe")
        );
        assert_eq!(Identity::from_url("javascript:alert(1)"), None);
        assert!(Identity::parse(Network::X, "ftp://x.com/jane").is_err());
    }

    #[test]
    fn free_mail_is_not_a_company_domain() {
        assert_eq!(company_domain("Jane@Acme.Example"), Some("acme.example".into()));
        assert_eq!(company_domain("jane@gmail.com"), None);
        assert_eq!(company_domain("not an email"), None);
    }
}
