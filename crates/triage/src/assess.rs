//! The assessor the app runs on every mention: three models (spam, intent, sentiment), the urgency rules
//! and language detection, each label with the words that decided it.

use earshot_core::{Evidence, Intent, LabelSource, Labels, Sentiment};

use crate::features::{Featurizer, Term};
use crate::linear::{Fused, LinearModel, ModelSet};
use crate::urgency::UrgencyRules;
use crate::TriageError;

/// The starter model shipped with the app (see `docs/triage.md` for how it is rebuilt).
pub const STARTER: &[u8] = include_bytes!("../model/starter.model");

/// How many words of evidence each label keeps.
pub const EVIDENCE: usize = 3;

/// A head with its classes mapped to ours.
#[derive(Debug, Clone)]
struct Head<T> {
    classes: Vec<T>,
}

impl<T: Copy> Head<T> {
    fn new<'a>(
        set: &'a ModelSet,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<(Self, &'a LinearModel), TriageError> {
        let model = set
            .heads
            .get(name)
            .ok_or_else(|| TriageError::Model(format!("the model has no \u{201c}{name}\u{201d} part")))?;
        let classes = model
            .classes()
            .iter()
            .map(|c| {
                parse(c).ok_or_else(|| {
                    TriageError::Model(format!(
                        "the \u{201c}{name}\u{201d} model has an unknown class {c:?}"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((Self { classes }, model))
    }

    /// The most likely class, its probability, and its index.
    fn decide(&self, p: &[f32]) -> (T, f32, usize) {
        let (best, prob) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or((0, 0.0), |(i, p)| (i, *p));
        (self.classes[best], prob, best)
    }
}

/// Spam, intent, sentiment, urgency and language for a text.
#[derive(Debug)]
pub struct Triage {
    featurizer: Featurizer,
    urgency: UrgencyRules,
    spam: Head<bool>,
    intent: Head<Intent>,
    sentiment: Head<Sentiment>,
    /// The three models side by side, for speed: spam, intent, sentiment.
    fused: Fused,
    provenance: String,
}

impl Triage {
    /// The model shipped with the app.
    pub fn starter() -> Result<Self, TriageError> {
        Self::new(&ModelSet::from_bytes(STARTER)?)
    }

    /// An assessor from a model set with `spam` (spam, not_spam), `intent` and `sentiment` parts.
    pub fn new(set: &ModelSet) -> Result<Self, TriageError> {
        let (spam, s) = Head::new(set, "spam", |c| match c {
            "spam" => Some(true),
            "not_spam" => Some(false),
            _ => None,
        })?;
        let (intent, i) = Head::new(set, "intent", |c| c.parse().ok())?;
        let (sentiment, m) = Head::new(set, "sentiment", |c| c.parse().ok())?;
        let fused = Fused::new(&[s, i, m]);
        Ok(Self {
            featurizer: Featurizer::new(),
            urgency: UrgencyRules::new(),
            spam,
            intent,
            sentiment,
            fused,
            provenance: set.provenance.clone(),
        })
    }

    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Triage's verdict on a text, with the words behind each label.
    pub fn assess(&self, text: &str) -> Labels {
        let (x, names) = self.featurizer.features_named(text);
        let d = self.fused.decision(&x);
        let spam_class = self.spam.classes.iter().position(|c| *c).unwrap_or(1);
        let spam = self.fused.probabilities(&d, 0)[spam_class];
        let (intent, intent_confidence, intent_at) = self.intent.decide(&self.fused.probabilities(&d, 1));
        let (sentiment, sentiment_confidence, sentiment_at) =
            self.sentiment.decide(&self.fused.probabilities(&d, 2));

        // Evidence for the label each head chose (for spam: what pushed toward its verdict).
        let spam_at = if spam >= earshot_core::triage::SPAM_THRESHOLD {
            spam_class
        } else {
            1 - spam_class
        };
        let picks = [
            self.fused.top_contributions(&x, 0, spam_at, EVIDENCE),
            self.fused.top_contributions(&x, 1, intent_at, EVIDENCE),
            self.fused.top_contributions(&x, 2, sentiment_at, EVIDENCE),
        ];
        let named = |pick: &[(u32, f32)]| -> Vec<Evidence> {
            pick.iter()
                .filter_map(|(i, w)| {
                    names.term(*i).map(|t: Term| Evidence {
                        term: t.describe(),
                        weight: *w,
                    })
                })
                .collect()
        };
        Labels {
            spam,
            spam_source: LabelSource::Model,
            intent,
            intent_confidence,
            intent_source: LabelSource::Model,
            sentiment,
            sentiment_confidence,
            urgency: self.urgency.find(text),
            // Filled when the item is shown: detection costs more than all the rest together.
            language: None,
            spam_evidence: named(&picks[0]),
            intent_evidence: named(&picks[1]),
            sentiment_evidence: named(&picks[2]),
            actionable: None,
        }
    }
}

/// The text's language as an ISO 639-3 code, only when the detector is sure. Handles and links are left
/// out, as they are not words in any language.
pub fn language(text: &str) -> Option<String> {
    let words: String = text
        .split_whitespace()
        .filter(|w| !(w.starts_with('@') || w.starts_with('#') || w.contains("://") || w.starts_with("www.")))
        .take(200)
        .collect::<Vec<_>>()
        .join(" ");
    if words.chars().filter(|c| c.is_alphabetic()).count() < 12 {
        return None;
    }
    let info = whatlang::detect(&words)?;
    // whatlang's own `is_reliable` refuses most one-line posts; its confidence is a better guide here.
    (info.is_reliable() || info.confidence() >= 0.3).then(|| info.lang().code().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_named_only_when_clear() {
        assert_eq!(
            language("@acme my order still has not arrived and nobody answers the phone").as_deref(),
            Some("eng")
        );
        assert_eq!(
            language("@acme mi pedido todavía no ha llegado y nadie contesta el teléfono").as_deref(),
            Some("spa")
        );
        assert_eq!(language("@acme ok"), None);
        assert_eq!(language("https://example.com/a-very-long-link-with-words"), None);
    }
}
