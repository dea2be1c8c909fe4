//! Which customer wrote this? Exact rules link an author to a contact at once; a weaker likeness is only a
//! suggestion that waits for an agent. What an agent links or unlinks wins over every rule.

use earshot_core::Network;
use serde::{Deserialize, Serialize};

use crate::contact::{name_key, Contact};
use crate::identity::{normalise_url, Identity};

/// What we know of a post's author that can tie them to a customer.
#[derive(Debug, Clone, Default)]
pub struct AuthorFacts {
    pub network: Option<Network>,
    pub handle: String,
    pub display_name: Option<String>,
    pub profile_url: Option<String>,
    /// Addresses the network has verified the author controls (Mastodon profile fields checked by rel=me).
    pub verified_links: Vec<String>,
}

impl AuthorFacts {
    fn network(&self) -> Network {
        self.network.unwrap_or(Network::Web)
    }

    /// The identities to look up exactly, each with the rule it stands for.
    pub fn keys(&self) -> Vec<(Identity, Rule)> {
        let mut keys = Vec::new();
        let network = self.network();
        if network != Network::Web {
            if let Ok(id) = Identity::parse(network, &self.handle) {
                keys.push((id, Rule::Handle));
            }
        }
        // Bluesky profile addresses carry the DID, the account's permanent ID.
        if let Some(id) = self.profile_url.as_deref().and_then(Identity::from_url) {
            let rule = if id.network == Network::Bluesky && id.key.starts_with("did:") {
                Rule::Did
            } else {
                Rule::ProfileUrl
            };
            keys.push((id, rule));
        }
        for link in &self.verified_links {
            if let Some(id) = Identity::from_url(link) {
                keys.push((id, Rule::VerifiedLink));
            }
        }
        keys
    }

    /// Domains the author has proved they control: a Bluesky handle on their own domain, or a Mastodon
    /// profile link to a site's root verified by rel=me.
    pub fn proved_domains(&self) -> Vec<(String, Rule)> {
        let mut out = Vec::new();
        if self.network() == Network::Bluesky {
            let handle = self.handle.trim_start_matches('@').to_ascii_lowercase();
            if handle.contains('.')
                && !handle.starts_with("did:")
                && !HOSTED_HANDLES.iter().any(|h| handle.ends_with(h))
            {
                out.push((handle, Rule::DomainHandle));
            }
        }
        for link in &self.verified_links {
            if let Ok(url) = url::Url::parse(link) {
                if url.path().trim_matches('/').is_empty() {
                    if let Some(host) = url.host_str() {
                        out.push((
                            host.trim_start_matches("www.").to_ascii_lowercase(),
                            Rule::VerifiedDomain,
                        ));
                    }
                }
            }
        }
        out
    }

    /// Domains that hint at where the author works, for suggestions: proved domains, their parents, and the
    /// hosts of their profile links.
    pub fn hinted_domains(&self) -> Vec<String> {
        let mut out: Vec<String> = self.proved_domains().into_iter().map(|(d, _)| d).collect();
        for link in self.verified_links.iter().chain(self.profile_url.iter()) {
            if let Some(host) = url::Url::parse(link)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
            {
                out.push(host.trim_start_matches("www.").to_ascii_lowercase());
            }
        }
        let parents: Vec<String> = out.iter().filter_map(|d| parent_domain(d)).collect();
        out.extend(parents);
        out.retain(|d| {
            !HOSTED_HANDLES.iter().any(|h| h.trim_start_matches('.') == d)
                && !SOCIAL_HOSTS.contains(&d.as_str())
        });
        out.sort();
        out.dedup();
        out
    }

    /// The display name as a lookup key.
    pub fn name_key(&self) -> Option<String> {
        self.display_name
            .as_deref()
            .map(name_key)
            .filter(|k| k.contains(' '))
    }
}

/// Handles a host gives away, which prove nothing about who the author is.
const HOSTED_HANDLES: [&str; 2] = [".bsky.social", ".bsky.app"];
/// Sites whose addresses say nothing about an employer.
const SOCIAL_HOSTS: [&str; 10] = [
    "x.com",
    "twitter.com",
    "bsky.app",
    "github.com",
    "linkedin.com",
    "instagram.com",
    "facebook.com",
    "youtube.com",
    "medium.com",
    "substack.com",
];

fn parent_domain(d: &str) -> Option<String> {
    let (_, parent) = d.split_once('.')?;
    parent.contains('.').then(|| parent.to_owned())
}

/// Why an author is linked to a contact.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An agent linked them.
    Agent,
    /// The Bluesky DID is on the contact.
    Did,
    /// The handle is on the contact.
    Handle,
    /// The author's profile address is on the contact.
    ProfileUrl,
    /// A link the network verified (rel=me) is on the contact.
    VerifiedLink,
    /// The author's Bluesky handle is the contact's email domain.
    DomainHandle,
    /// A verified link to a site's root is the contact's email domain.
    VerifiedDomain,
}

/// The outcome of matching an author.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Match {
    /// The author is this customer.
    Linked {
        contact_id: i64,
        rule: Rule,
        why: String,
        also: Vec<i64>,
    },
    /// The author may be this customer; an agent must confirm.
    Suggested { contact_id: i64, why: String },
    /// No customer.
    Unknown,
}

impl Match {
    pub fn linked_contact(&self) -> Option<i64> {
        match self {
            Match::Linked { contact_id, .. } => Some(*contact_id),
            _ => None,
        }
    }
}

/// What the agents have said about this author.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Linked by an agent, with the agent's name.
    pub linked: Option<(i64, String)>,
    /// Contacts an agent said this author is not.
    pub not: Vec<i64>,
}

/// The contacts the store found for an author's keys, domains and name.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub by_identity: Vec<(Identity, Contact)>,
    pub by_domain: Vec<(String, Contact)>,
    pub by_name: Vec<Contact>,
    /// How many contacts share each proved domain: a domain many customers share (a reseller's, say) links
    /// none of them by itself.
    pub domain_counts: Vec<(String, u64)>,
}

/// Decides. Pure: the store gathers `candidates`, and this chooses.
pub fn decide(author: &AuthorFacts, overrides: &Overrides, candidates: &Candidates) -> Match {
    if let Some((contact_id, agent)) = &overrides.linked {
        return Match::Linked {
            contact_id: *contact_id,
            rule: Rule::Agent,
            why: format!("Linked by {agent}"),
            also: vec![],
        };
    }
    let allowed = |c: &Contact| !overrides.not.contains(&c.id);
    let mut exact: Vec<(Rule, i64, String)> = Vec::new();
    for (key, rule) in author.keys() {
        for (id, contact) in &candidates.by_identity {
            if *id == key && allowed(contact) {
                exact.push((rule, contact.id, rule_reason(rule, &key.to_string())));
            }
        }
    }
    for (domain, rule) in author.proved_domains() {
        let shared = candidates
            .domain_counts
            .iter()
            .find(|(d, _)| *d == domain)
            .map_or(0, |(_, n)| *n);
        if shared != 1 {
            continue;
        }
        for (d, contact) in &candidates.by_domain {
            if *d == domain && allowed(contact) {
                exact.push((rule, contact.id, rule_reason(rule, &domain)));
            }
        }
    }
    exact.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    if let Some((rule, contact_id, why)) = exact.first().cloned() {
        let mut also: Vec<i64> = exact.iter().map(|e| e.1).filter(|id| *id != contact_id).collect();
        also.sort_unstable();
        also.dedup();
        return Match::Linked {
            contact_id,
            rule,
            why,
            also,
        };
    }
    // Suggestions: the same name, and a domain or company in common.
    let Some(author_name) = author.name_key() else {
        return Match::Unknown;
    };
    let hints = author.hinted_domains();
    let handle_key = name_key(&author.handle).replace(' ', "");
    let display_key = author.display_name.as_deref().map(name_key).unwrap_or_default();
    let mut best: Option<(i64, String)> = None;
    for contact in candidates.by_name.iter().filter(|c| allowed(c)) {
        let Some(contact_name) = contact.fields.name_key() else {
            continue;
        };
        if !display_key.starts_with(&author_name) || !author_name.starts_with(&contact_name) {
            continue;
        }
        let domains = contact.fields.domains();
        let domain = domains
            .iter()
            .find(|d| hints.iter().any(|h| h == *d || h.ends_with(&format!(".{d}"))));
        let company = contact
            .fields
            .company
            .as_deref()
            .map(name_key)
            .filter(|c| c.len() >= 3)
            .filter(|c| {
                handle_key.contains(&c.replace(' ', ""))
                    || display_key
                        .split(' ')
                        .collect::<Vec<_>>()
                        .windows(c.split(' ').count())
                        .any(|w| w.join(" ") == *c)
            });
        let why = match (domain, company) {
            (Some(d), _) => format!("Same name, and their profile points to {d}"),
            (None, Some(c)) => format!(
                "Same name, and their profile names {}",
                contact.fields.company.clone().unwrap_or(c)
            ),
            (None, None) => continue,
        };
        if best.as_ref().is_none_or(|(id, _)| contact.id < *id) {
            best = Some((contact.id, why));
        }
    }
    match best {
        Some((contact_id, why)) => Match::Suggested { contact_id, why },
        None => Match::Unknown,
    }
}

fn rule_reason(rule: Rule, what: &str) -> String {
    match rule {
        Rule::Agent => format!("Linked by {what}"),
        Rule::Did => format!("Their Bluesky ID {what} is on the contact"),
        Rule::Handle => format!("{what} is on the contact"),
        Rule::ProfileUrl => format!("Their profile {what} is on the contact"),
        Rule::VerifiedLink => format!("Their verified link {what} is on the contact"),
        Rule::DomainHandle => format!("Their Bluesky handle is {what}, the contact's email domain"),
        Rule::VerifiedDomain => format!("They verified {what}, the contact's email domain"),
    }
}

/// A profile address in key form, for the store's lookups.
pub fn url_key(raw: &str) -> Option<String> {
    url::Url::parse(raw).ok().map(|u| normalise_url(&u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactFields;

    fn contact(id: i64, f: ContactFields) -> Contact {
        Contact {
            id,
            fields: f.normalised(),
        }
    }

    fn jane() -> Contact {
        contact(
            7,
            ContactFields {
                name: Some("Jane Doe".into()),
                emails: vec!["jane@acme.example".into()],
                company: Some("Acme".into()),
                identities: vec![Identity::new(Network::X, "jane_doe")],
                ..Default::default()
            },
        )
    }

    fn x_author(handle: &str, name: &str) -> AuthorFacts {
        AuthorFacts {
            network: Some(Network::X),
            handle: handle.into(),
            display_name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_handle_on_the_contact_links_at_once() {
        let author = x_author("Jane_Doe", "JD");
        let c = Candidates {
            by_identity: vec![(Identity::new(Network::X, "jane_doe"), jane())],
            ..Default::default()
        };
        match decide(&author, &Overrides::default(), &c) {
            Match::Linked {
                contact_id: 7,
                rule: Rule::Handle,
                why,
                ..
            } => assert_eq!(why, "X @jane_doe is on the contact"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_did_outranks_a_handle_and_other_matches_are_named() {
        let kai = contact(
            3,
            ContactFields {
                name: Some("Kai".into()),
                identities: vec![Identity::new(Network::Bluesky, "did:plc:abc")],
                ..Default::default()
            },
        );
        let other = contact(
            9,
            ContactFields {
                name: Some("Kai (old)".into()),
                identities: vec![Identity::new(Network::Bluesky, "kai.bsky.social")],
                ..Default::default()
            },
        );
        let author = AuthorFacts {
            network: Some(Network::Bluesky),
            handle: "kai.bsky.social".into(),
            profile_url: Some("https://bsky.app/profile/did:plc:abc".into()),
            ..Default::default()
        };
        let c = Candidates {
            by_identity: vec![
                (Identity::new(Network::Bluesky, "kai.bsky.social"), other),
                (Identity::new(Network::Bluesky, "did:plc:abc"), kai),
            ],
            ..Default::default()
        };
        assert!(
            matches!(decide(&author, &Overrides::default(), &c), Match::Linked { contact_id: 3, rule: Rule::Did, ref also, .. } if *also == vec![9])
        );
    }

    #[test]
    fn a_domain_handle_or_verified_site_equal_to_one_contacts_email_domain_links() {
        let author = AuthorFacts {
            network: Some(Network::Bluesky),
            handle: "acme.example".into(),
            ..Default::default()
        };
        let mut c = Candidates {
            by_domain: vec![("acme.example".into(), jane())],
            domain_counts: vec![("acme.example".into(), 1)],
            ..Default::default()
        };
        assert!(matches!(
            decide(&author, &Overrides::default(), &c),
            Match::Linked {
                contact_id: 7,
                rule: Rule::DomainHandle,
                ..
            }
        ));

        let masto = AuthorFacts {
            network: Some(Network::Mastodon),
            handle: "jd@mastodon.social".into(),
            verified_links: vec!["https://acme.example/".into(), "https://github.com/jd".into()],
            ..Default::default()
        };
        assert!(matches!(
            decide(&masto, &Overrides::default(), &c),
            Match::Linked {
                rule: Rule::VerifiedDomain,
                ..
            }
        ));

        // A domain that many contacts share links nobody.
        c.domain_counts = vec![("acme.example".into(), 40)];
        assert_eq!(decide(&author, &Overrides::default(), &c), Match::Unknown);
        // A hosted handle proves nothing.
        let hosted = AuthorFacts {
            network: Some(Network::Bluesky),
            handle: "jane.bsky.social".into(),
            ..Default::default()
        };
        assert!(hosted.proved_domains().is_empty());
    }

    #[test]
    fn the_same_name_is_only_a_suggestion_and_only_with_a_domain_or_company() {
        let c = Candidates {
            by_name: vec![jane()],
            ..Default::default()
        };
        // Name alone: nothing.
        assert_eq!(
            decide(&x_author("jd123", "Jane Doe"), &Overrides::default(), &c),
            Match::Unknown
        );
        // Name and company in the display name.
        match decide(&x_author("jd123", "Jane Doe | Acme"), &Overrides::default(), &c) {
            Match::Suggested { contact_id: 7, why } => {
                assert_eq!(why, "Same name, and their profile names Acme")
            }
            other => panic!("{other:?}"),
        }
        // Name and a profile on the company's domain.
        let mut author = x_author("jd123", "Jane Doe");
        author.profile_url = Some("https://blog.acme.example/jane".into());
        assert!(matches!(
            decide(&author, &Overrides::default(), &c),
            Match::Suggested { contact_id: 7, .. }
        ));
        // A different person with a similar name: no.
        assert_eq!(
            decide(
                &x_author("jd123", "Janet Doering | Acme"),
                &Overrides::default(),
                &c
            ),
            Match::Unknown
        );
    }

    #[test]
    fn what_an_agent_says_wins_over_every_rule() {
        let author = x_author("jane_doe", "Jane Doe");
        let c = Candidates {
            by_identity: vec![(Identity::new(Network::X, "jane_doe"), jane())],
            by_name: vec![jane()],
            ..Default::default()
        };
        let unlinked = Overrides {
            linked: None,
            not: vec![7],
        };
        assert_eq!(decide(&author, &unlinked, &c), Match::Unknown);
        let linked = Overrides {
            linked: Some((42, "Ana".into())),
            not: vec![],
        };
        assert!(
            matches!(decide(&author, &linked, &c), Match::Linked { contact_id: 42, rule: Rule::Agent, ref why, .. } if why == "Linked by Ana")
        );
    }
}
