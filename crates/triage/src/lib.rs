//! On-device triage: is a mention spam, what does its author want, how do they feel, is it urgent, and in
//! which language. Pure: no database, no network, no window.
//!
//! The models are linear (logistic regression, trained by LIBLINEAR) over hashed words, word pairs and
//! letter runs, plus VADER's sentiment scores. They are small, fast, and explain themselves: every label
//! comes with the words that pushed it there.

pub mod assess;
pub mod data;
pub mod features;
pub mod linear;
pub mod memory;
pub mod metrics;
pub mod starter;
pub mod teach;
pub mod urgency;

pub use assess::Triage;

use features::{Features, Featurizer};
use linear::{LinearModel, TrainOptions};
use metrics::Scores;

#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error("cannot train: {0}")]
    Training(String),
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Data(String),
}

/// Reads every text into features, reporting progress as (done, total).
pub fn featurize_all(
    z: &Featurizer,
    texts: &[String],
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Features> {
    let mut out = Vec::with_capacity(texts.len());
    for (i, t) in texts.iter().enumerate() {
        out.push(z.features(t));
        if (i + 1) % 1000 == 0 || i + 1 == texts.len() {
            progress(i + 1, texts.len());
        }
    }
    out
}

/// Predicted classes, and the probability of class 1 (for ROC AUC with two classes).
pub fn predict_all(model: &LinearModel, x: &[Features]) -> (Vec<usize>, Vec<f32>) {
    x.iter()
        .map(|f| {
            let p = model.probabilities(f);
            let best = p
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            (best, p.get(1).copied().unwrap_or(0.0))
        })
        .unzip()
}

/// Cross-validates: for each fold, trains on the others and scores on it.
pub fn cross_validate(
    x: &[Features],
    labels: &[usize],
    classes: &[String],
    folds: &[usize],
    options: TrainOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Scores>, TriageError> {
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let mut out = Vec::with_capacity(k);
    for fold in 0..k {
        let (train, test): (Vec<usize>, Vec<usize>) = (0..x.len()).partition(|&i| folds[i] != fold);
        let model = LinearModel::train(
            &train.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(),
            &train.iter().map(|&i| labels[i]).collect::<Vec<_>>(),
            classes.to_vec(),
            options,
        )?;
        let test_x: Vec<Features> = test.iter().map(|&i| x[i].clone()).collect();
        let truth: Vec<usize> = test.iter().map(|&i| labels[i]).collect();
        let (pred, p1) = predict_all(&model, &test_x);
        out.push(metrics::score(classes, &truth, &pred, Some(&p1)));
        progress(fold + 1, k);
    }
    Ok(out)
}
