//! A customer record, as the built-in CRM keeps it.

use serde::{Deserialize, Serialize};

use crate::identity::{company_domain, Identity};

/// A CRM a record came from, for its ID there.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    Hubspot,
    Salesforce,
    /// A vCard's UID, from a file or a CardDAV address book.
    Vcard,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            System::Hubspot => "hubspot",
            System::Salesforce => "salesforce",
            System::Vcard => "vcard",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            System::Hubspot => "HubSpot",
            System::Salesforce => "Salesforce",
            System::Vcard => "vCard",
        }
    }

    pub fn parse(s: &str) -> Option<System> {
        match s {
            "hubspot" => Some(System::Hubspot),
            "salesforce" => Some(System::Salesforce),
            "vcard" => Some(System::Vcard),
            _ => None,
        }
    }
}

/// A contact's ID in another CRM.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalId {
    pub system: System,
    pub id: String,
}

/// Everything a contact says about a person. Every field is optional or may be empty: a record can be as
/// thin as one email address. Lists keep their order and hold no duplicates.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactFields {
    pub name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company: Option<String>,
    /// The plan or tier, as the CRM names it: "Enterprise", "Pro", "Free".
    pub tier: Option<String>,
    /// Where the person is in the CRM's funnel: "customer", "lead", "subscriber"…
    pub lifecycle: Option<String>,
    /// What the customer has paid over their lifetime, in the workspace's currency.
    pub lifetime_value: Option<f64>,
    /// The account owner: the person at the company who looks after this customer.
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub identities: Vec<Identity>,
    pub external_ids: Vec<ExternalId>,
}

impl ContactFields {
    /// Whether the record names anyone a person or the matcher could recognise: a name, an email or an
    /// account. An ID in another CRM alone is not enough.
    pub fn identifies_someone(&self) -> bool {
        self.name.is_some() || !self.emails.is_empty() || !self.identities.is_empty()
    }

    /// Tidies every field: trims text, drops empty values, lower-cases emails, removes duplicates.
    pub fn normalised(mut self) -> Self {
        fn text(v: Option<String>) -> Option<String> {
            v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
        }
        fn list(v: Vec<String>, lower: bool) -> Vec<String> {
            let mut out: Vec<String> = Vec::with_capacity(v.len());
            for s in v {
                let s = s.trim();
                let s = if lower { s.to_lowercase() } else { s.to_owned() };
                if !s.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&s)) {
                    out.push(s);
                }
            }
            out
        }
        self.name = text(self.name);
        self.company = text(self.company);
        self.tier = text(self.tier);
        self.lifecycle = text(self.lifecycle).map(|s| s.to_lowercase());
        self.owner = text(self.owner);
        self.notes = text(self.notes);
        self.emails = list(self.emails, true);
        self.phones = list(self.phones, false);
        self.tags = list(self.tags, false);
        self.lifetime_value = self.lifetime_value.filter(|v| v.is_finite() && *v >= 0.0);
        dedup(&mut self.identities);
        dedup(&mut self.external_ids);
        self
    }

    /// `other` laid over `self`: a value `other` has replaces this one; lists are joined. This is how an
    /// import updates a record it already has, and how two contacts merge.
    pub fn merged_with(mut self, other: ContactFields) -> ContactFields {
        fn over<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
        over(&mut self.name, other.name);
        over(&mut self.company, other.company);
        over(&mut self.tier, other.tier);
        over(&mut self.lifecycle, other.lifecycle);
        over(&mut self.lifetime_value, other.lifetime_value);
        over(&mut self.owner, other.owner);
        self.notes = match (self.notes.take(), other.notes) {
            (Some(a), Some(b)) if a.contains(&b) => Some(a),
            (Some(a), Some(b)) if b.contains(&a) => Some(b),
            (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
            (a, b) => b.or(a),
        };
        self.emails.extend(other.emails);
        self.phones.extend(other.phones);
        self.tags.extend(other.tags);
        self.identities.extend(other.identities);
        self.external_ids.extend(other.external_ids);
        self.normalised()
    }

    /// The company domains of the contact's emails (not free mail).
    pub fn domains(&self) -> Vec<String> {
        let mut out: Vec<String> = self.emails.iter().filter_map(|e| company_domain(e)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The name as a lookup key: see [`name_key`].
    pub fn name_key(&self) -> Option<String> {
        self.name.as_deref().map(name_key).filter(|k| !k.is_empty())
    }
}

fn dedup<T: PartialEq>(v: &mut Vec<T>) {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    *v = out;
}

/// A name reduced for comparison: letters and digits only, without accents, lower case, words in order.
/// "Zoë  Ångström-Lee" → "zoe angstrom lee".
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A stored contact.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    #[serde(flatten)]
    pub fields: ContactFields,
}

impl Contact {
    /// The name a person reads: the name, else the first email, else the first account.
    pub fn title(&self) -> String {
        self.fields
            .name
            .clone()
            .or_else(|| self.fields.emails.first().cloned())
            .or_else(|| self.fields.identities.first().map(|i| i.to_string()))
            .unwrap_or_else(|| format!("Contact {}", self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_core::Network;

    #[test]
    fn names_compare_without_accents_case_or_punctuation() {
        assert_eq!(name_key("Zoë  Ångström-Lee"), "zoe angstrom lee");
        assert_eq!(name_key("JOSÉ NÚÑEZ"), name_key("jose nunez"));
        assert_eq!(name_key("  "), "");
    }

    #[test]
    fn normalising_trims_lowercases_emails_and_drops_duplicates() {
        let f = ContactFields {
            name: Some("  Jane ".into()),
            emails: vec!["Jane@Acme.Example".into(), "jane@acme.example".into(), " ".into()],
            lifecycle: Some("Customer".into()),
            lifetime_value: Some(f64::NAN),
            identities: vec![
                Identity::new(Network::X, "jane"),
                Identity::new(Network::X, "jane"),
            ],
            ..Default::default()
        }
        .normalised();
        assert_eq!(f.name.as_deref(), Some("Jane"));
        assert_eq!(f.emails, vec!["jane@acme.example"]);
        assert_eq!(f.lifecycle.as_deref(), Some("customer"));
        assert_eq!(f.lifetime_value, None);
        assert_eq!(f.identities.len(), 1);
    }

    #[test]
    fn merging_lays_new_values_over_old_and_joins_lists() {
        let old = ContactFields {
            name: Some("Jane".into()),
            tier: Some("Pro".into()),
            emails: vec!["jane@acme.example".into()],
            notes: Some("Prefers email.".into()),
            ..Default::default()
        };
        let new = ContactFields {
            tier: Some("Enterprise".into()),
            emails: vec!["jane@personal.example".into(), "JANE@acme.example".into()],
            notes: Some("Renewal in March.".into()),
            ..Default::default()
        };
        let merged = old.merged_with(new.normalised());
        assert_eq!(merged.name.as_deref(), Some("Jane"));
        assert_eq!(merged.tier.as_deref(), Some("Enterprise"));
        assert_eq!(merged.emails, vec!["jane@acme.example", "jane@personal.example"]);
        assert_eq!(
            merged.notes.as_deref(),
            Some("Prefers email.\n\nRenewal in March.")
        );
        assert_eq!(merged.domains(), vec!["acme.example", "personal.example"]);
    }

    #[test]
    fn a_record_with_nothing_to_go_on_identifies_nobody() {
        assert!(!ContactFields {
            company: Some("Acme".into()),
            ..Default::default()
        }
        .identifies_someone());
        let only_an_id = ContactFields {
            external_ids: vec![ExternalId {
                system: System::Hubspot,
                id: "1".into(),
            }],
            ..Default::default()
        };
        assert!(!only_an_id.identifies_someone());
        assert!(ContactFields {
            emails: vec!["a@b.example".into()],
            ..Default::default()
        }
        .identifies_someone());
    }
}
