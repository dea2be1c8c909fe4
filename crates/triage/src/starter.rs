//! Builds the starter model, only from data whose licence lets us ship a model trained on it:
//!
//! - our own hand-written brand mentions (`crates/triage/seed/mentions.csv`, MIT, this project);
//! - the SMS Spam Collection (CC BY 4.0; Almeida, Gómez Hidalgo and Yamakami, 2011), for spam;
//! - Bitext's customer-support utterances (CDLA-Sharing-1.0), for complaints and questions;
//! - VADER's rated tweets (MIT; Hutto and Gilbert, 2014), for sentiment and everyday chatter.
//!
//! TweetEval and the airline tweets are never used here: their terms allow evaluation only.
//! The same inputs give the same model, byte for byte.

use std::path::Path;

use crate::data::{self, Labelled};
use crate::features::{Features, Featurizer};
use crate::linear::{LinearModel, ModelSet, TrainOptions};
use crate::{featurize_all, TriageError};

/// How many times each hand-written mention counts: they are few, and the closest to real brand mentions.
const SEED_REPEAT: usize = 10;

/// One row of the seed file.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedRow {
    pub text: String,
    pub spam: bool,
    pub intent: String,
    pub sentiment: String,
    pub urgent: bool,
}

/// The hand-written seed mentions, built in: retraining in a workspace starts from them too.
pub const SEED: &str = include_str!("../seed/mentions.csv");

/// Reads the seed file (`text,spam,intent,sentiment,urgent`).
pub fn read_seed(path: &Path) -> Result<Vec<SeedRow>, TriageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| TriageError::Data(format!("cannot read {}: {e}", path.display())))?;
    parse_seed(&text, &path.display().to_string())
}

/// Reads seed rows from CSV text; `origin` names it in errors.
pub fn parse_seed(text: &str, origin: &str) -> Result<Vec<SeedRow>, TriageError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (n, row) in reader.records().enumerate() {
        let r = row.map_err(|e| TriageError::Data(format!("{origin}: {e}")))?;
        let field = |i: usize| r.get(i).unwrap_or_default().trim().to_owned();
        let line = n + 2;
        let bad = |what: &str| TriageError::Data(format!("{origin} line {line}: {what}"));
        let spam = match field(1).as_str() {
            "spam" => true,
            "not_spam" => false,
            _ => return Err(bad("spam must be spam or not_spam")),
        };
        let intent = field(2);
        if intent.parse::<earshot_core::Intent>().is_err() {
            return Err(bad("intent must be complaint, question, praise or other"));
        }
        let sentiment = field(3);
        if sentiment.parse::<earshot_core::Sentiment>().is_err() {
            return Err(bad("sentiment must be negative, neutral or positive"));
        }
        out.push(SeedRow {
            text: field(0),
            spam,
            intent,
            sentiment,
            urgent: field(4) == "yes",
        });
    }
    Ok(out)
}

/// Every `step`-th example, so a large set does not drown the rest; deterministic.
fn every(set: &Labelled, step: usize) -> impl Iterator<Item = (&String, &str)> {
    set.texts
        .iter()
        .zip(&set.labels)
        .step_by(step.max(1))
        .map(|(t, l)| (t, set.classes[*l].as_str()))
}

/// The training sets for the three parts, as (text, class) pairs.
pub fn training_sets(data_dir: &Path, seed: &[SeedRow]) -> Result<[Labelled; 3], TriageError> {
    let sms = data::sms_spam(data_dir)?;
    let bitext = data::bitext(data_dir)?;
    let vader = data::vader_tweets(data_dir)?;

    let mut spam = Vec::new();
    let mut intent = Vec::new();
    let mut sentiment = Vec::new();
    for _ in 0..SEED_REPEAT {
        for r in seed {
            spam.push((
                r.text.clone(),
                if r.spam { "spam" } else { "not_spam" }.to_owned(),
            ));
            intent.push((r.text.clone(), r.intent.clone()));
            sentiment.push((r.text.clone(), r.sentiment.clone()));
        }
    }
    for (t, l) in every(&sms, 1) {
        spam.push((
            t.clone(),
            if l == "spam" { "spam" } else { "not_spam" }.to_owned(),
        ));
    }
    for (t, _) in every(&sms, 4).filter(|(_, l)| *l == "ham") {
        intent.push((t.clone(), "other".to_owned()));
    }
    for (t, l) in every(&bitext, 3) {
        spam.push((t.clone(), "not_spam".to_owned()));
        let class = match l {
            "complaint" => "complaint",
            "review" => continue, // "I want to leave a review": neither praise nor a question
            _ => "question",
        };
        intent.push((t.clone(), class.to_owned()));
    }
    for (t, l) in every(&vader, 1) {
        spam.push((t.clone(), "not_spam".to_owned()));
        sentiment.push((t.clone(), l.to_owned()));
        if l == "neutral" {
            intent.push((t.clone(), "other".to_owned()));
        }
    }
    Ok([
        Labelled::from_pairs(spam),
        Labelled::from_pairs(intent),
        Labelled::from_pairs(sentiment),
    ])
}

/// How the app's model for each question learns: plain logistic regression for spam and intent, NB-LR
/// for sentiment, where it measured best (`docs/triage.md`).
pub fn options(head: &str) -> TrainOptions {
    match head {
        "sentiment" => TrainOptions::nb(),
        _ => TrainOptions::default(),
    }
}

/// Trains the starter model. `progress` hears (part, done, total).
pub fn build(
    data_dir: &Path,
    seed_path: &Path,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<ModelSet, TriageError> {
    let seed = read_seed(seed_path)?;
    let sets = training_sets(data_dir, &seed)?;
    let z = Featurizer::new();
    let mut set = ModelSet {
        provenance: format!(
            "Earshot starter model: {} hand-written brand mentions (MIT), the SMS Spam Collection (CC BY 4.0), \
             Bitext customer support (CDLA-Sharing-1.0) and VADER's rated tweets (MIT); logistic regression \
             (C={}) for spam and intent, NB-LR (C={}) for sentiment",
            seed.len(),
            options("spam").c,
            options("sentiment").c,
        ),
        heads: Default::default(),
    };
    for (name, data) in ["spam", "intent", "sentiment"].into_iter().zip(sets) {
        let x: Vec<Features> = featurize_all(&z, &data.texts, &mut |d, t| progress(name, d, t));
        set.heads.insert(
            name.to_owned(),
            LinearModel::train(&x, &data.labels, data.classes.clone(), options(name))?,
        );
    }
    Ok(set)
}
