use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A social network Earshot can listen on.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    Bluesky,
    Mastodon,
    X,
    // Pages on the open web (forums, blogs, review sites), read through their RSS or Atom feeds.
    Web,
}

impl Network {
    pub const ALL: [Network; 4] = [Network::Bluesky, Network::Mastodon, Network::X, Network::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::X => "x",
            Network::Web => "web",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::X => "X",
            Network::Web => "Web",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Network {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bluesky" | "bsky" => Ok(Network::Bluesky),
            "mastodon" => Ok(Network::Mastodon),
            "x" | "twitter" => Ok(Network::X),
            "web" | "rss" | "feed" => Ok(Network::Web),
            other => Err(CoreError::invalid(
                "network",
                format!("'{other}' is not a network Earshot knows; use bluesky, mastodon, x or web"),
            )),
        }
    }
}

/// What a handle is for. Support staff work support handles; marketers work marketing handles.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Support,
    Marketing,
    Other,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Marketing => "marketing",
            Role::Other => "other",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "support" => Ok(Role::Support),
            "marketing" => Ok(Role::Marketing),
            "other" => Ok(Role::Other),
            other => Err(CoreError::invalid(
                "role",
                format!("'{other}' is not a role; use support, marketing or other"),
            )),
        }
    }
}

/// An account name on a network, checked once where it enters: no leading `@`, no spaces, lower case
/// (every network here compares handles case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Account(String);

impl Account {
    pub fn new(field: &'static str, raw: &str) -> Result<Self, CoreError> {
        let trimmed = raw.trim().trim_start_matches('@');
        if trimmed.is_empty() {
            return Err(CoreError::Missing { field });
        }
        if trimmed.len() > 320 {
            return Err(CoreError::invalid(field, "longer than 320 characters"));
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CoreError::invalid(field, format!("'{trimmed}' contains spaces")));
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of the brand's own accounts on a network, with the role it plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    pub network: Network,
    pub account: Account,
    pub role: Role,
    pub display_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_normalised_once_where_they_enter() {
        let a = Account::new("account", " @Acme-Support.bsky.social ").unwrap();
        assert_eq!(
            a.as_str(),
            "acme-support.bsky.social",
            "leading @, spaces and case must not matter"
        );
        assert!(
            Account::new("account", "  ").is_err(),
            "an empty account must be refused"
        );
        assert!(
            Account::new("account", "two words").is_err(),
            "an account with a space must be refused"
        );
    }

    #[test]
    fn networks_and_roles_parse_with_helpful_errors() {
        assert_eq!("Twitter".parse::<Network>().unwrap(), Network::X);
        for feed in ["web", "RSS", " feed "] {
            assert_eq!(
                feed.parse::<Network>().unwrap(),
                Network::Web,
                "'{feed}' names the open web"
            );
        }
        let err = "myspace".parse::<Network>().unwrap_err().to_string();
        assert!(
            err.contains("bluesky, mastodon, x or web"),
            "the error must say what is accepted: {err}"
        );
        assert_eq!("Marketing".parse::<Role>().unwrap(), Role::Marketing);
    }

    #[test]
    fn every_network_reads_back_from_its_own_name() {
        for network in Network::ALL {
            assert_eq!(
                network.as_str().parse::<Network>().unwrap(),
                network,
                "the stored name of {network:?} must parse back to it"
            );
        }
        assert_eq!(Network::Web.label(), "Web");
    }
}
