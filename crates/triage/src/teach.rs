//! Retraining on a workspace's own mentions and what its agents said about them.
//!
//! The spam and intent models are trained again by the same learner as the starter model, on:
//! - the 600 hand-written seed mentions the starter model learnt from, with their labels;
//! - the workspace's recent mentions, labelled by the starter model (so the new model keeps what the starter
//!   knows, in the words this brand's mentions actually use);
//! - every agent's label, counted [`TAUGHT_WEIGHT`] times, which wins wherever it disagrees.
//!
//! Every fifth label is first held back: a model trained without them is scored on them beside the model
//! it starts from (the starter model, in the app), and those are the figures Settings shows. The retrained
//! model is kept only if it does no worse there. Sentiment has no agent labels, so its model stays.

use crate::features::{Features, Featurizer};
use crate::linear::{LinearModel, ModelSet};
use crate::{starter, TriageError};

/// How many times an agent's label counts against one starter-labelled mention.
pub const TAUGHT_WEIGHT: usize = 10;
/// One label in this many is held back to measure the retrained model.
const HOLD_EVERY: usize = 5;

/// What agents said about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Taught {
    pub text: String,
    /// Marked spam (true) or not spam (false).
    pub spam: Option<bool>,
    /// The intent an agent gave it: complaint, question, praise or other.
    pub intent: Option<String>,
}

/// How a model does on the labels held back from training.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HeldBack {
    pub spam_labels: u32,
    pub spam_precision: Option<f64>,
    pub spam_recall: Option<f64>,
    pub intent_labels: u32,
    pub intent_accuracy: Option<f64>,
}

impl HeldBack {
    /// Not worse than `other` on any figure both have.
    fn at_least(&self, other: &HeldBack) -> bool {
        let ok = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => a + 1e-9 >= b,
            _ => true,
        };
        // Precision and recall trade against each other: their mean (F1-like) decides for spam.
        let f = |h: &HeldBack| match (h.spam_precision, h.spam_recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (None, Some(_)) | (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        ok(f(self), f(other)) && ok(self.intent_accuracy, other.intent_accuracy)
    }
}

/// The outcome of a retraining.
#[derive(Debug, Clone)]
pub struct Retrained {
    /// The model trained on everything, ready to use when `better` (else the current model stays).
    pub set: ModelSet,
    /// The current model on the held-back labels.
    pub before: HeldBack,
    /// The retrained model (without the held-back labels) on them.
    pub after: HeldBack,
    /// Whether the retrained model did no worse than the current one.
    pub better: bool,
    /// How many labels were held back.
    pub held_back: u32,
}

/// The spam model's class for spam (true) or not spam.
fn spam_class_of(spam: &LinearModel, is_spam: bool) -> Option<usize> {
    spam.classes()
        .iter()
        .position(|c| c == if is_spam { "spam" } else { "not_spam" })
}

/// The class a model gives a text.
fn predict(model: &LinearModel, x: &Features) -> usize {
    model
        .probabilities(x)
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

fn head<'a>(set: &'a ModelSet, name: &str) -> Result<&'a LinearModel, TriageError> {
    set.heads
        .get(name)
        .ok_or_else(|| TriageError::Model(format!("the model has no \u{201c}{name}\u{201d} part")))
}

/// Trains one head on the starter-labelled mentions and the taught labels (those `keep` lets through);
/// the current head when a class would have no example.
fn train_head(
    current: &LinearModel,
    name: &str,
    background: &[(Features, usize)],
    taught: &[(usize, Features, usize)],
    keep: &dyn Fn(usize) -> bool,
) -> Result<LinearModel, TriageError> {
    let mut x = Vec::with_capacity(background.len() + taught.len() * TAUGHT_WEIGHT);
    let mut y = Vec::with_capacity(x.capacity());
    for (f, l) in background {
        x.push(f.clone());
        y.push(*l);
    }
    for (_, f, l) in taught.iter().filter(|(i, _, _)| keep(*i)) {
        for _ in 0..TAUGHT_WEIGHT {
            x.push(f.clone());
            y.push(*l);
        }
    }
    let k = current.classes().len();
    if (0..k).any(|c| !y.contains(&c)) {
        return Ok(current.clone());
    }
    LinearModel::train(&x, &y, current.classes().to_vec(), starter::options(name))
}

/// Scores the spam and intent heads of `set` on the held-back labels.
fn score(
    spam: &LinearModel,
    intent: &LinearModel,
    spam_taught: &[(usize, Features, usize)],
    intent_taught: &[(usize, Features, usize)],
    held: &dyn Fn(usize) -> bool,
) -> HeldBack {
    let spam_class = spam.classes().iter().position(|c| c == "spam").unwrap_or(1);
    let (mut tp, mut fp, mut fn_, mut n) = (0u32, 0u32, 0u32, 0u32);
    for (_, f, l) in spam_taught.iter().filter(|(i, _, _)| held(*i)) {
        n += 1;
        match (predict(spam, f) == spam_class, *l == spam_class) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let (mut ok, mut m) = (0u32, 0u32);
    for (_, f, l) in intent_taught.iter().filter(|(i, _, _)| held(*i)) {
        m += 1;
        ok += u32::from(predict(intent, f) == *l);
    }
    let ratio = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
    HeldBack {
        spam_labels: n,
        spam_precision: ratio(tp, tp + fp),
        spam_recall: ratio(tp, tp + fn_),
        intent_labels: m,
        intent_accuracy: ratio(ok, m),
    }
}

/// Retrains `current`'s spam and intent models on the workspace's `background` mentions and the agents'
/// `taught` labels. `progress` hears (what, done, total).
pub fn retrain(
    current: &ModelSet,
    background: &[String],
    taught: &[Taught],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Retrained, TriageError> {
    let (spam, intent) = (head(current, "spam")?, head(current, "intent")?);
    let z = Featurizer::new();
    let total = background.len() + taught.len();
    let mut done = 0;
    let mut read = |text: &str| {
        done += 1;
        if done % 500 == 0 || done == total {
            progress("Retraining: reading this workspace's mentions", done, total);
        }
        z.features(text)
    };
    // The starter's view of the workspace's mentions.
    let mut spam_bg = Vec::with_capacity(background.len());
    let mut intent_bg = Vec::with_capacity(background.len());
    for text in background {
        let f = read(text);
        spam_bg.push((f.clone(), predict(spam, &f)));
        intent_bg.push((f.clone(), predict(intent, &f)));
    }
    // The hand-written seed mentions with their true labels: a base that does not depend on the workspace's
    // size (the starter's other training data is not shipped).
    for row in starter::parse_seed(starter::SEED, "the built-in seed mentions")? {
        let f = z.features(&row.text);
        if let Some(c) = spam_class_of(spam, row.spam) {
            spam_bg.push((f.clone(), c));
        }
        if let Some(c) = intent.classes().iter().position(|c| *c == row.intent) {
            intent_bg.push((f, c));
        }
    }
    // The agents' labels, numbered so every fifth can be held back.
    let spam_class = |s: bool| spam_class_of(spam, s);
    let (mut spam_taught, mut intent_taught) = (Vec::new(), Vec::new());
    for (i, t) in taught.iter().enumerate() {
        let f = read(&t.text);
        if let Some(c) = t.spam.and_then(spam_class) {
            spam_taught.push((i, f.clone(), c));
        }
        if let Some(c) = t
            .intent
            .as_deref()
            .and_then(|w| intent.classes().iter().position(|c| c == w))
        {
            intent_taught.push((i, f, c));
        }
    }
    if spam_taught.is_empty() && intent_taught.is_empty() {
        return Err(TriageError::Training(
            "there are no agents' labels to learn from yet: mark items spam or not spam, or change their intent"
                .into(),
        ));
    }
    let held = |i: usize| i % HOLD_EVERY == HOLD_EVERY - 1;
    let all = |_: usize| true;

    progress("Retraining: measuring on held-back labels", 0, 2);
    let spam_trial = train_head(spam, "spam", &spam_bg, &spam_taught, &|i| !held(i))?;
    let intent_trial = train_head(intent, "intent", &intent_bg, &intent_taught, &|i| !held(i))?;
    let before = score(spam, intent, &spam_taught, &intent_taught, &held);
    let after = score(&spam_trial, &intent_trial, &spam_taught, &intent_taught, &held);

    progress("Retraining: learning from every label", 1, 2);
    let mut set = current.clone();
    set.heads.insert(
        "spam".into(),
        train_head(spam, "spam", &spam_bg, &spam_taught, &all)?,
    );
    set.heads.insert(
        "intent".into(),
        train_head(intent, "intent", &intent_bg, &intent_taught, &all)?,
    );
    let base = current
        .provenance
        .split("; retrained on this workspace")
        .next()
        .unwrap_or_default();
    set.provenance = format!(
        "{base}; retrained on this workspace: {} mentions and {} agents' labels",
        background.len(),
        taught.len()
    );
    progress("Retraining: learning from every label", 2, 2);
    Ok(Retrained {
        set,
        better: after.at_least(&before),
        held_back: (0..taught.len()).filter(|i| held(*i)).count() as u32,
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::STARTER;

    /// A brand whose customers write "the pedal snapped" about a real fault the starter model has never seen
    /// called a complaint, and a spam wave about "crypto bikes".
    fn workspace() -> (Vec<String>, Vec<Taught>) {
        let background: Vec<String> = (0..200)
            .map(|i| match i % 4 {
                0 => format!("@acme love the new saddle, ride {i} was great"),
                1 => format!("@acme when does the winter range ship? asking for shop {i}"),
                2 => format!("@acme my order {i} arrived broken, I want a refund"),
                _ => format!("@acme saw your stand at the fair, day {i}"),
            })
            .collect();
        let mut taught = Vec::new();
        for i in 0..30 {
            taught.push(Taught {
                text: format!("@acme gear{i} pedal snapped off on the climb, crank arm cracked too"),
                spam: Some(false),
                intent: Some("complaint".into()),
            });
            taught.push(Taught {
                text: format!("@acme crypto bikes airdrop{i} pedal token moon join now"),
                spam: Some(true),
                intent: None,
            });
        }
        (background, taught)
    }

    #[test]
    fn agents_labels_teach_the_models_what_the_starter_did_not_know() {
        let current = ModelSet::from_bytes(STARTER).unwrap();
        let (background, taught) = workspace();
        let mut heard = Vec::new();
        let r = retrain(&current, &background, &taught, &mut |what, d, t| {
            heard.push((what.to_owned(), d, t))
        })
        .unwrap();
        assert!(r.better, "before {:?}, after {:?}", r.before, r.after);
        // The starter model let the whole spam wave through; the retrained one catches it.
        assert_eq!(r.before.spam_recall, Some(0.0));
        assert_eq!(r.held_back, 12);
        assert_eq!(r.after.spam_labels, 12);
        assert_eq!(r.after.spam_recall, Some(1.0));
        assert_eq!(r.after.intent_accuracy, Some(1.0));
        assert!(heard
            .iter()
            .any(|(w, d, t)| w.contains("reading this workspace") && d == t));
        assert!(r
            .set
            .provenance
            .contains("retrained on this workspace: 200 mentions and 60"));

        // New texts in the same words, not near-copies of any labelled one.
        let z = Featurizer::new();
        let spam = &r.set.heads["spam"];
        let intent = &r.set.heads["intent"];
        let wave = z.features("new crypto bikes airdrop, token to the moon");
        assert_eq!(spam.classes()[predict(spam, &wave)], "spam");
        let fault = z.features("the pedal snapped and the crank arm cracked on my ride");
        assert_eq!(intent.classes()[predict(intent, &fault)], "complaint");
        // Sentiment is the starter's.
        assert_eq!(r.set.heads["sentiment"], current.heads["sentiment"]);
    }

    /// Macro F1 of spam and intent on the committed holdout sample, which no model trained on.
    fn holdout(set: &ModelSet) -> (f64, f64) {
        let rows =
            starter::read_seed(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/holdout.csv"))
                .unwrap();
        let z = Featurizer::new();
        let (spam, intent) = (&set.heads["spam"], &set.heads["intent"]);
        let (mut st, mut sp, mut it, mut ip) = (vec![], vec![], vec![], vec![]);
        for r in &rows {
            let f = z.features(&r.text);
            st.push(spam_class_of(spam, r.spam).unwrap());
            sp.push(predict(spam, &f));
            if !r.spam {
                it.push(intent.classes().iter().position(|c| *c == r.intent).unwrap());
                ip.push(predict(intent, &f));
            }
        }
        (
            crate::metrics::score(spam.classes(), &st, &sp, None).macro_f1 * 100.0,
            crate::metrics::score(intent.classes(), &it, &ip, None).macro_f1 * 100.0,
        )
    }

    #[test]
    fn retraining_on_a_small_workspace_keeps_what_the_starter_knew() {
        let current = ModelSet::from_bytes(STARTER).unwrap();
        let (background, taught) = workspace();
        let r = retrain(&current, &background[..20], &taught[..10], &mut |_, _, _| {}).unwrap();
        let (spam_before, intent_before) = holdout(&current);
        let (spam_after, intent_after) = holdout(&r.set);
        println!("holdout spam {spam_before:.1} -> {spam_after:.1}, intent {intent_before:.1} -> {intent_after:.1}");
        assert!(
            spam_after >= spam_before - 5.0,
            "spam {spam_before:.1} -> {spam_after:.1}"
        );
        assert!(
            intent_after >= intent_before - 5.0,
            "intent {intent_before:.1} -> {intent_after:.1}"
        );
    }

    #[test]
    fn nothing_to_learn_from_says_so() {
        let current = ModelSet::from_bytes(STARTER).unwrap();
        let e = retrain(&current, &["hello".to_owned()], &[], &mut |_, _, _| {}).unwrap_err();
        assert!(e.to_string().contains("no agents' labels"), "{e}");
    }
}
