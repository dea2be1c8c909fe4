//! What triage says about a mention: spam or not, what the author wants, how they feel, whether it is
//! urgent, and the language. The models live in `earshot-triage`; these are the labels everyone shares.

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// What the author wants from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Complaint,
    Question,
    Praise,
    Other,
}

impl Intent {
    pub const ALL: [Intent; 4] = [Intent::Complaint, Intent::Question, Intent::Praise, Intent::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Complaint => "complaint",
            Intent::Question => "question",
            Intent::Praise => "praise",
            Intent::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Intent::Complaint => "Complaint",
            Intent::Question => "Question",
            Intent::Praise => "Praise",
            Intent::Other => "Other",
        }
    }
}

impl std::str::FromStr for Intent {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL.into_iter().find(|i| i.as_str() == s).ok_or_else(|| {
            CoreError::invalid(
                "intent",
                format!("{s:?} is not complaint, question, praise or other"),
            )
        })
    }
}

/// How the author feels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    Negative,
    Neutral,
    Positive,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive];

    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Positive => "positive",
        }
    }
}

impl std::str::FromStr for Sentiment {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sentiment::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| {
                CoreError::invalid("sentiment", format!("{s:?} is not negative, neutral or positive"))
            })
    }
}

/// Why a mention is urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UrgencyCue {
    /// The service is down or cannot be used.
    Outage,
    /// Money: refunds, charges, chargebacks.
    Money,
    /// The customer is leaving.
    Cancellation,
    /// Lawyers, lawsuits, regulators.
    Legal,
    /// Injury, fire, illness, danger.
    Safety,
    /// Hacked accounts, fraud, stolen data.
    Security,
}

impl UrgencyCue {
    pub fn label(self) -> &'static str {
        match self {
            UrgencyCue::Outage => "outage",
            UrgencyCue::Money => "money",
            UrgencyCue::Cancellation => "cancellation",
            UrgencyCue::Legal => "legal threat",
            UrgencyCue::Safety => "safety",
            UrgencyCue::Security => "security",
        }
    }
}

/// An urgency cue and the words that raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Urgency {
    pub cue: UrgencyCue,
    pub phrase: String,
}

/// A word or cue that moved a label, and by how much (in the model's log-odds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Evidence {
    pub term: String,
    pub weight: f32,
}

/// Who decided a label: the model, or an agent (whose word always wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    #[default]
    Model,
    /// Like an earlier mention an agent labelled.
    Similar,
    Agent,
}

/// Triage's verdict on one mention, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Labels {
    /// The probability that the mention is spam, 0 to 1.
    pub spam: f32,
    pub spam_source: LabelSource,
    pub intent: Intent,
    pub intent_confidence: f32,
    pub intent_source: LabelSource,
    pub sentiment: Sentiment,
    pub sentiment_confidence: f32,
    pub urgency: Option<Urgency>,
    /// ISO 639-3 code ("eng", "spa"), when the text says clearly enough.
    pub language: Option<String>,
    /// The words that most pushed each label: spam, then intent, then sentiment.
    pub spam_evidence: Vec<Evidence>,
    pub intent_evidence: Vec<Evidence>,
    pub sentiment_evidence: Vec<Evidence>,
    /// An agent's word on whether the item needs a person (replied or escalated: yes; closed without a
    /// reply: no). Wins over the intent.
    #[serde(default)]
    pub actionable: Option<bool>,
}

/// Where an item is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// Needs a person.
    Actionable,
    Spam,
    /// Neither: chatter, news, passing tags. Kept, searchable, not pushed at anyone.
    Other,
}

impl Queue {
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Actionable => "actionable",
            Queue::Spam => "spam",
            Queue::Other => "other",
        }
    }
}

impl std::str::FromStr for Queue {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Queue::Actionable, Queue::Spam, Queue::Other]
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| CoreError::invalid("queue", format!("{s:?} is not actionable, spam or other")))
    }
}

/// At or above this probability, a mention goes to Spam.
pub const SPAM_THRESHOLD: f32 = 0.5;

impl Labels {
    pub fn is_spam(&self) -> bool {
        self.spam >= SPAM_THRESHOLD
    }

    /// Needs a person: not spam, and a complaint, a question, praise worth answering, or urgent.
    pub fn is_actionable(&self) -> bool {
        !self.is_spam()
            && self
                .actionable
                .unwrap_or(self.intent != Intent::Other || self.urgency.is_some())
    }

    pub fn queue(&self) -> Queue {
        if self.is_spam() {
            Queue::Spam
        } else if self.is_actionable() {
            Queue::Actionable
        } else {
            Queue::Other
        }
    }
}
