//! Customer records: the built-in CRM's contacts, reading them from CSV exports and vCards, and deciding
//! which customer wrote a post. Pure: the store keeps contacts and the engine talks to live CRMs.

pub mod contact;
pub mod csv_import;
pub mod identity;
pub mod matching;
pub mod standing;
pub mod vcard;

pub use contact::{name_key, Contact, ContactFields, ExternalId, System};
pub use csv_import::{ColumnMapping, CsvContacts, Field, Mapping, Preset};
pub use identity::Identity;
pub use matching::{decide, AuthorFacts, Candidates, Match, Overrides, Rule};
pub use standing::standing;

#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    #[error("{0}")]
    Mapping(String),
    #[error("the file is not a CSV file Earshot can read: {0}")]
    Csv(String),
}
