//! Earshot's domain: the canonical mention, the brand's handles, and the priority score with its reasons.
//!
//! Everything here is pure. Time comes in as an argument, never from the system clock, so every result
//! can be reproduced in a test.

pub mod canonical;
mod error;
mod handle;
mod keywords;
mod mention;
pub mod priority;
mod text;
pub mod triage;

pub use error::CoreError;
pub use handle::{Account, Handle, Network, Role};
pub use keywords::{keyword_list, KeywordFilter, MAX_KEYWORD_CHARS};
pub use mention::{Author, Conversation, Facet, FacetKind, ItemStatus, Mention, MentionKey, Stage};
pub use priority::{CustomerStanding, Engagement, Factor, Priority, PriorityWeights, Reason, Signals};
pub use text::{safe_link, segments, Segment};
pub use triage::{Evidence, Intent, LabelSource, Labels, Queue, Sentiment, Urgency, UrgencyCue};
