//! Quality measures, as each benchmark defines them, and stratified folds for cross-validation.

use serde::Serialize;

/// Scores of one evaluation: predicted classes against true ones (and, for two classes, the score of
/// the second class, for ROC AUC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub macro_recall: f64,
    /// Only for two classes: the area under the ROC curve of the second class's probability.
    pub roc_auc: Option<f64>,
    /// Per class: precision, recall and F1.
    pub per_class: Vec<ClassScores>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Scores `predicted` against `truth`. `positive_score`, when given, is each example's probability of
/// class 1, used for ROC AUC when there are exactly two classes.
pub fn score(
    classes: &[String],
    truth: &[usize],
    predicted: &[usize],
    positive_score: Option<&[f32]>,
) -> Scores {
    let k = classes.len();
    let mut tp = vec![0usize; k];
    let mut fp = vec![0usize; k];
    let mut fn_ = vec![0usize; k];
    let mut correct = 0;
    for (&t, &p) in truth.iter().zip(predicted) {
        if t == p {
            correct += 1;
            tp[t] += 1;
        } else {
            fp[p] += 1;
            fn_[t] += 1;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let per_class: Vec<ClassScores> = (0..k)
        .map(|c| {
            let precision = ratio(tp[c], tp[c] + fp[c]);
            let recall = ratio(tp[c], tp[c] + fn_[c]);
            let f1 = if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            ClassScores {
                class: classes[c].clone(),
                precision,
                recall,
                f1,
                support: tp[c] + fn_[c],
            }
        })
        .collect();
    let present: Vec<&ClassScores> = per_class.iter().filter(|c| c.support > 0).collect();
    let mean = |f: fn(&ClassScores) -> f64| {
        if present.is_empty() {
            0.0
        } else {
            present.iter().map(|c| f(c)).sum::<f64>() / present.len() as f64
        }
    };
    Scores {
        accuracy: ratio(correct, truth.len()),
        macro_f1: mean(|c| c.f1),
        macro_recall: mean(|c| c.recall),
        roc_auc: match (k, positive_score) {
            (2, Some(s)) => roc_auc(truth, s),
            _ => None,
        },
        per_class,
    }
}

/// The probability that a random positive (class 1) scores above a random negative, ties counting half:
/// the Mann-Whitney form of the area under the ROC curve.
pub fn roc_auc(truth: &[usize], score: &[f32]) -> Option<f64> {
    let mut pairs: Vec<(f32, bool)> = score.iter().zip(truth).map(|(s, t)| (*s, *t == 1)).collect();
    let positives = pairs.iter().filter(|(_, p)| *p).count();
    let negatives = pairs.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Average ranks over ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        while j + 1 < pairs.len() && pairs[j + 1].0 == pairs[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += rank * pairs[i..=j].iter().filter(|(_, p)| *p).count() as f64;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// Assigns each example a fold in `0..folds`, keeping each class's share the same in every fold, in an
/// order fixed by `seed`. The same labels and seed give the same folds on every machine.
pub fn stratified_folds(labels: &[usize], folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    // A seeded shuffle with a fixed generator (SplitMix64), so the fold file can be rebuilt anywhere.
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..order.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order.sort_by_key(|&i| labels[i]); // stable: the shuffle survives within each class
    let mut out = vec![0; labels.len()];
    for (n, i) in order.into_iter().enumerate() {
        out[i] = n % folds;
    }
    out
}

/// Mean and sample standard deviation.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    let sd = if values.len() < 2 {
        0.0
    } else {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    (mean, sd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|i| format!("c{i}")).collect()
    }

    #[test]
    fn macro_scores_match_a_hand_worked_example() {
        // Class 0: tp 2, fp 1, fn 1 → p 2/3, r 2/3. Class 1: tp 1, fp 1, fn 1 → p 1/2, r 1/2.
        let truth = [0, 0, 0, 1, 1];
        let pred = [0, 0, 1, 1, 0];
        let s = score(&names(2), &truth, &pred, None);
        assert!((s.accuracy - 0.6).abs() < 1e-12);
        assert!((s.macro_recall - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
        assert!((s.macro_f1 - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn roc_auc_counts_ordered_pairs_and_ties() {
        assert_eq!(roc_auc(&[0, 0, 1, 1], &[0.1, 0.2, 0.8, 0.9]), Some(1.0));
        assert_eq!(roc_auc(&[0, 0, 1, 1], &[0.9, 0.8, 0.2, 0.1]), Some(0.0));
        assert_eq!(roc_auc(&[0, 1], &[0.5, 0.5]), Some(0.5));
        // Positive 0.4 beats both negatives, positive 0.35 beats 0.1 and ties 0.35: (1 + 1 + 1 + 0.5) / 4.
        assert_eq!(roc_auc(&[0, 1, 0, 1], &[0.1, 0.4, 0.35, 0.35]), Some(0.875));
        assert_eq!(roc_auc(&[1, 1], &[0.1, 0.2]), None);
    }

    #[test]
    fn folds_are_stratified_balanced_and_reproducible() {
        let labels: Vec<usize> = (0..103).map(|i| usize::from(i % 10 == 0)).collect();
        let f = stratified_folds(&labels, 10, 0);
        assert_eq!(f, stratified_folds(&labels, 10, 0));
        assert_ne!(f, stratified_folds(&labels, 10, 1));
        for fold in 0..10 {
            let members: Vec<usize> = (0..labels.len()).filter(|&i| f[i] == fold).collect();
            assert!(
                (10..=11).contains(&members.len()),
                "fold {fold} has {}",
                members.len()
            );
            let positives = members.iter().filter(|&&i| labels[i] == 1).count();
            assert!(
                (1..=2).contains(&positives),
                "fold {fold} has {positives} positives"
            );
        }
    }

    #[test]
    fn mean_and_sd() {
        let (m, sd) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((m - 5.0).abs() < 1e-12);
        assert!((sd - 2.138_089_935).abs() < 1e-6);
    }
}
