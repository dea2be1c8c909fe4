//! A linear classifier over [`Features`]: trained by LIBLINEAR (logistic regression), then kept as plain
//! weights so that scoring is a sparse dot product and every contribution can be shown.

use std::collections::BTreeMap;

use liblinear::util::TrainingInput;
use liblinear::{Builder, LibLinearModel, SolverType};
use serde::{Deserialize, Serialize};

use crate::features::{Features, HASHED, WIDTH};
use crate::TriageError;

/// How a model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    /// Inverse regularisation strength: higher fits the training labels more closely.
    pub c: f64,
    /// Weigh each class by the inverse of its frequency, so a rare class is not drowned out.
    pub balanced: bool,
    /// NB-LR (Wang and Manning, 2012): read words by presence, not count, and scale each by how much more
    /// often it appears in one class than in the rest (naive Bayes' log-count ratio) before the regression
    /// learns, one class against the rest. Strong on short, opinionated texts.
    pub nb: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 4.0,
            balanced: true,
            nb: false,
        }
    }
}

impl TrainOptions {
    /// NB-LR with the regularisation it was measured best at (`docs/triage.md`).
    pub fn nb() -> Self {
        Self {
            c: 0.1,
            balanced: true,
            nb: true,
        }
    }
}

/// The additive smoothing of NB-LR's word counts.
const NB_ALPHA: f64 = 1.0;

/// A trained classifier: one weight vector and bias per class.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    classes: Vec<String>,
    /// Row-major: feature `i`'s weights for every class are at `i * k .. (i + 1) * k`.
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// Reads words by presence (1 when present), not by their weighted count: see [`TrainOptions::nb`].
    binary: bool,
}

/// The stored form: only the rows that are not all zero.
#[derive(Serialize, Deserialize)]
struct Stored {
    classes: Vec<String>,
    bias: Vec<f32>,
    binary: bool,
    rows: Vec<(u32, Vec<f32>)>,
}

/// A feature's value as a model reads it: a word, pair or letter run counts 1 when present if the model
/// is binary; the dense cues always keep their value.
#[inline]
fn read(binary: bool, i: u32, v: f32) -> f32 {
    if binary && i < HASHED {
        1.0
    } else {
        v
    }
}

impl Serialize for LinearModel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let k = self.classes.len();
        let rows = self
            .weights
            .chunks(k)
            .enumerate()
            .filter(|(_, w)| w.iter().any(|v| *v != 0.0))
            .map(|(i, w)| (i as u32, w.to_vec()))
            .collect();
        Stored {
            classes: self.classes.clone(),
            bias: self.bias.clone(),
            binary: self.binary,
            rows,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for LinearModel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let stored = Stored::deserialize(d)?;
        let k = stored.classes.len();
        if k < 2 || stored.bias.len() != k {
            return Err(D::Error::custom(
                "a model needs two or more classes, each with a bias",
            ));
        }
        let mut weights = vec![0.0; WIDTH as usize * k];
        for (i, row) in stored.rows {
            if i >= WIDTH || row.len() != k {
                return Err(D::Error::custom(format!(
                    "feature {i} is out of range or has the wrong width"
                )));
            }
            weights[i as usize * k..(i as usize + 1) * k].copy_from_slice(&row);
        }
        Ok(Self {
            classes: stored.classes,
            weights,
            bias: stored.bias,
            binary: stored.binary,
        })
    }
}

/// L2-regularised logistic regression by LIBLINEAR over `x` (0-based feature indices), with `labels` in
/// `0..k`: the weights (row-major, `k` a row, [`WIDTH`] rows) and each class's bias.
fn liblinear_lr(
    x: Vec<Vec<(u32, f64)>>,
    labels: &[usize],
    k: usize,
    class_weights: Option<&[f64]>,
    c: f64,
) -> Result<(Vec<f32>, Vec<f32>), TriageError> {
    let x: Vec<Vec<(u32, f64)>> = x
        .into_iter()
        .map(|row| row.into_iter().map(|(i, v)| (i + 1, v)).collect())
        .collect();
    let y: Vec<f64> = labels.iter().map(|l| *l as f64).collect();
    liblinear::toggle_liblinear_stdout_output(false);
    let mut builder = Builder::new();
    builder
        .problem()
        .input_data(
            TrainingInput::from_sparse_features(y, x).map_err(|e| TriageError::Training(e.to_string()))?,
        )
        .bias(1.0);
    let params = builder.parameters();
    params
        .solver_type(SolverType::L2R_LR)
        .stopping_criterion(0.01)
        .constraints_violation_cost(c);
    if let Some(w) = class_weights {
        params
            .cost_penalty_labels((0..k as i32).collect())
            .cost_penalty_weights(w.to_vec());
    }
    let model = builder
        .build_model()
        .map_err(|e| TriageError::Training(e.to_string()))?;

    // LIBLINEAR numbers its classes in the order it met them; ours are by index.
    let order: Vec<usize> = model.labels().iter().map(|l| *l as usize).collect();
    let nr_feature = model.num_features() as u32;
    let mut weights = vec![0.0f32; WIDTH as usize * k];
    let mut bias = vec![0.0f32; k];
    for (li, &class) in order.iter().enumerate() {
        for i in 0..nr_feature.min(WIDTH) {
            weights[i as usize * k + class] = model.feature_coefficient(i as i32 + 1, li as i32) as f32;
        }
        bias[class] = model.label_bias(li as i32) as f32;
    }
    Ok((weights, bias))
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl LinearModel {
    /// Trains on labelled examples. `labels[i]` indexes `classes`; every class needs at least one example.
    pub fn train(
        examples: &[Features],
        labels: &[usize],
        classes: Vec<String>,
        options: TrainOptions,
    ) -> Result<Self, TriageError> {
        let k = classes.len();
        if k < 2 {
            return Err(TriageError::Training("a model needs two or more classes".into()));
        }
        if examples.len() != labels.len() {
            return Err(TriageError::Training("every example needs a label".into()));
        }
        let mut counts = vec![0usize; k];
        for &l in labels {
            *counts.get_mut(l).ok_or_else(|| {
                TriageError::Training(format!("label {l} is not one of the {k} classes"))
            })? += 1;
        }
        if let Some(missing) = counts.iter().position(|c| *c == 0) {
            return Err(TriageError::Training(format!(
                "the class \u{201c}{}\u{201d} has no examples",
                classes[missing]
            )));
        }
        if options.nb {
            return Self::train_nb(examples, labels, classes, &counts, options);
        }
        let x: Vec<Vec<(u32, f64)>> = examples
            .iter()
            .map(|f| f.values.iter().map(|(i, v)| (*i, f64::from(*v))).collect())
            .collect();
        let class_weights: Vec<f64> = {
            let n = labels.len() as f64;
            counts.iter().map(|c| n / (k as f64 * *c as f64)).collect()
        };
        let (weights, bias) = liblinear_lr(
            x,
            labels,
            k,
            options.balanced.then_some(&class_weights),
            options.c,
        )?;
        Ok(Self {
            classes,
            weights,
            bias,
            binary: false,
        })
    }

    /// NB-LR, one class against the rest: each class gets its own scaled copy of the words, and the scale is
    /// folded into its weights afterwards, so scoring costs the same as plain logistic regression.
    fn train_nb(
        examples: &[Features],
        labels: &[usize],
        classes: Vec<String>,
        counts: &[usize],
        options: TrainOptions,
    ) -> Result<Self, TriageError> {
        let k = classes.len();
        let n = labels.len();
        let binary: Vec<Vec<(u32, f64)>> = examples
            .iter()
            .map(|f| {
                f.values
                    .iter()
                    .map(|(i, v)| (*i, f64::from(read(true, *i, *v))))
                    .collect()
            })
            .collect();
        // How many texts of each class hold each hashed feature.
        let mut present = vec![0u32; HASHED as usize * k];
        for (x, &y) in binary.iter().zip(labels) {
            for &(i, _) in x.iter().take_while(|(i, _)| *i < HASHED) {
                present[i as usize * k + y] += 1;
            }
        }
        let mut weights = vec![0.0f32; WIDTH as usize * k];
        let mut bias = vec![0.0f32; k];
        for class in 0..k {
            // Log-count ratios over the features seen at all, with add-alpha smoothing.
            let (mut inside, mut outside) = (0.0f64, 0.0f64);
            let mut ratio = vec![0.0f64; HASHED as usize];
            for i in 0..HASHED as usize {
                let row = &present[i * k..(i + 1) * k];
                let total: u32 = row.iter().sum();
                if total == 0 {
                    continue;
                }
                inside += NB_ALPHA + f64::from(row[class]);
                outside += NB_ALPHA + f64::from(total - row[class]);
            }
            for (i, r) in ratio.iter_mut().enumerate() {
                let row = &present[i * k..(i + 1) * k];
                let total: u32 = row.iter().sum();
                if total > 0 {
                    let p = (NB_ALPHA + f64::from(row[class])) / inside;
                    let q = (NB_ALPHA + f64::from(total - row[class])) / outside;
                    *r = (p / q).ln();
                }
            }
            let scaled: Vec<Vec<(u32, f64)>> = binary
                .iter()
                .map(|x| {
                    x.iter()
                        .map(|&(i, v)| (i, if i < HASHED { v * ratio[i as usize] } else { v }))
                        .filter(|(_, v)| *v != 0.0)
                        .collect()
                })
                .collect();
            let ys: Vec<usize> = labels.iter().map(|&l| usize::from(l == class)).collect();
            let ones = counts[class];
            let class_weights = [
                n as f64 / (2.0 * (n - ones) as f64),
                n as f64 / (2.0 * ones as f64),
            ];
            let (w, b) = liblinear_lr(
                scaled,
                &ys,
                2,
                options.balanced.then_some(&class_weights[..]),
                options.c,
            )?;
            for i in 0..WIDTH as usize {
                let scale = if i < HASHED as usize { ratio[i] as f32 } else { 1.0 };
                weights[i * k + class] = w[i * 2 + 1] * scale;
            }
            bias[class] = b[1];
        }
        Ok(Self {
            classes,
            weights,
            bias,
            binary: true,
        })
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The raw decision value for each class.
    pub fn decision(&self, x: &Features) -> Vec<f32> {
        let k = self.classes.len();
        let mut out = self.bias.clone();
        for &(i, v) in &x.values {
            let v = read(self.binary, i, v);
            let row = &self.weights[i as usize * k..(i as usize + 1) * k];
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
        out
    }

    /// Each class's probability, as LIBLINEAR gives it for one-vs-rest logistic regression.
    pub fn probabilities(&self, x: &Features) -> Vec<f32> {
        let mut p: Vec<f32> = self.decision(x).into_iter().map(sigmoid).collect();
        let sum: f32 = p.iter().sum();
        if sum > 0.0 {
            for v in &mut p {
                *v /= sum;
            }
        }
        p
    }

    /// How much each feature of `x` pushed `class` up (positive) or down, largest effect first.
    pub fn contributions(&self, x: &Features, class: usize) -> Vec<(u32, f32)> {
        let k = self.classes.len();
        let mut out: Vec<(u32, f32)> = x
            .values
            .iter()
            .map(|&(i, v)| (i, self.weights[i as usize * k + class] * read(self.binary, i, v)))
            .filter(|(_, c)| *c != 0.0)
            .collect();
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        out
    }
}

/// Several models over the same features, their weights side by side, so that one pass over a text's
/// features reads each weight row once (scoring is bound by memory reads, not arithmetic).
#[derive(Debug, Clone)]
pub struct Fused {
    /// Where each model's classes start in a row.
    offsets: Vec<usize>,
    /// Whether each model reads words by presence.
    binary: Vec<bool>,
    stride: usize,
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl Fused {
    pub fn new(models: &[&LinearModel]) -> Self {
        let mut offsets = Vec::with_capacity(models.len());
        let mut stride = 0;
        for m in models {
            offsets.push(stride);
            stride += m.classes.len();
        }
        let mut weights = vec![0.0f32; WIDTH as usize * stride];
        let mut bias = Vec::with_capacity(stride);
        for (m, off) in models.iter().zip(&offsets) {
            let k = m.classes.len();
            for i in 0..WIDTH as usize {
                weights[i * stride + off..i * stride + off + k]
                    .copy_from_slice(&m.weights[i * k..(i + 1) * k]);
            }
            bias.extend_from_slice(&m.bias);
        }
        Self {
            offsets,
            binary: models.iter().map(|m| m.binary).collect(),
            stride,
            weights,
            bias,
        }
    }

    /// Where model `m`'s classes end in a row.
    fn end(&self, m: usize) -> usize {
        self.offsets.get(m + 1).copied().unwrap_or(self.stride)
    }

    /// Every model's decision values, side by side.
    pub fn decision(&self, x: &Features) -> Vec<f32> {
        let mut out = self.bias.clone();
        for &(i, v) in &x.values {
            let row = &self.weights[i as usize * self.stride..(i as usize + 1) * self.stride];
            for (m, &binary) in self.binary.iter().enumerate() {
                let span = self.offsets[m]..self.end(m);
                let v = read(binary, i, v);
                for (o, w) in out[span.clone()].iter_mut().zip(&row[span]) {
                    *o += w * v;
                }
            }
        }
        out
    }

    /// Model `m`'s class probabilities from the side-by-side decision values.
    pub fn probabilities(&self, decision: &[f32], m: usize) -> Vec<f32> {
        let mut p: Vec<f32> = decision[self.offsets[m]..self.end(m)]
            .iter()
            .map(|d| sigmoid(*d))
            .collect();
        let sum: f32 = p.iter().sum();
        if sum > 0.0 {
            for v in &mut p {
                *v /= sum;
            }
        }
        p
    }

    /// The `n` features that pushed model `m`'s `class` up the most, largest first, in one pass.
    pub fn top_contributions(&self, x: &Features, m: usize, class: usize, n: usize) -> Vec<(u32, f32)> {
        let col = self.offsets[m] + class;
        let mut top: Vec<(u32, f32)> = Vec::with_capacity(n + 1);
        for &(i, v) in &x.values {
            let c = self.weights[i as usize * self.stride + col] * read(self.binary[m], i, v);
            if c <= 0.0 || (top.len() == n && top.last().is_some_and(|(_, least)| c <= *least)) {
                continue;
            }
            let at = top.partition_point(|(_, t)| *t >= c);
            top.insert(at, (i, c));
            top.truncate(n);
        }
        top
    }
}

/// A set of named models, one per question ("spam", "intent", "sentiment"), stored as one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelSet {
    /// What trained it, for the record: the command, the data and their licences.
    pub provenance: String,
    pub heads: BTreeMap<String, LinearModel>,
}

/// The first bytes of every model file, and the format's version.
const MAGIC: &[u8; 8] = b"EARSHOT2";

impl ModelSet {
    pub fn to_bytes(&self) -> Result<Vec<u8>, TriageError> {
        let mut out = MAGIC.to_vec();
        out.extend(postcard::to_stdvec(self).map_err(|e| TriageError::Model(e.to_string()))?);
        Ok(out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TriageError> {
        if bytes.starts_with(b"EARSHOT1") {
            return Err(TriageError::Model(
                "this model file was made by an older Earshot; train it again with `earshot triage train`"
                    .into(),
            ));
        }
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| {
            TriageError::Model("this is not an Earshot model file (or it is from a newer version)".into())
        })?;
        postcard::from_bytes(body).map_err(|e| TriageError::Model(format!("the model file is damaged: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Featurizer;

    fn toy() -> (Vec<Features>, Vec<usize>) {
        let z = Featurizer::new();
        let texts = [
            ("win a free prize now call", 1),
            ("free entry claim your prize", 1),
            ("urgent you won cash claim now", 1),
            ("are we still on for lunch", 0),
            ("see you at the station later", 0),
            ("thanks for dinner last night", 0),
        ];
        (
            texts.iter().map(|(t, _)| z.features(t)).collect(),
            texts.iter().map(|(_, l)| *l).collect(),
        )
    }

    #[test]
    fn learns_a_separable_toy_problem_and_explains_it() {
        let (x, y) = toy();
        let m =
            LinearModel::train(&x, &y, vec!["ham".into(), "spam".into()], TrainOptions::default()).unwrap();
        let z = Featurizer::new();
        let p = m.probabilities(&z.features("claim your free prize"));
        assert!(p[1] > 0.5, "spam-like text should lean spam: {p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        let (f, terms) = z.explained("claim your free prize");
        let top = m.contributions(&f, 1);
        assert!(top[0].1 > 0.0);
        assert!(terms.contains_key(&top[0].0));
    }

    /// A model of three made-up classes over the toy texts.
    fn three_classes(x: &[Features]) -> LinearModel {
        let y3: Vec<usize> = (0..x.len()).map(|i| i % 3).collect();
        LinearModel::train(
            x,
            &y3,
            vec!["a".into(), "b".into(), "c".into()],
            TrainOptions::default(),
        )
        .unwrap()
    }

    /// Fused models give every model's probabilities and top evidence exactly as each alone.
    fn assert_fused_agrees(models: &[&LinearModel], text: &str) {
        let fused = Fused::new(models);
        let f = Featurizer::new().features(text);
        let d = fused.decision(&f);
        assert_eq!(d.len(), models.iter().map(|m| m.classes().len()).sum::<usize>());
        for (m, model) in models.iter().enumerate() {
            for (got, want) in fused.probabilities(&d, m).iter().zip(model.probabilities(&f)) {
                assert!((got - want).abs() < 1e-6);
            }
            for class in 0..model.classes().len() {
                let mut alone: Vec<(u32, f32)> = model
                    .contributions(&f, class)
                    .into_iter()
                    .filter(|(_, c)| *c > 0.0)
                    .collect();
                alone.sort_by(|x, y| y.1.total_cmp(&x.1));
                alone.truncate(3);
                assert_eq!(fused.top_contributions(&f, m, class, 3), alone);
            }
        }
    }

    #[test]
    fn fused_models_score_exactly_as_each_alone() {
        let (x, y) = toy();
        let a =
            LinearModel::train(&x, &y, vec!["ham".into(), "spam".into()], TrainOptions::default()).unwrap();
        assert_fused_agrees(&[&a, &three_classes(&x)], "claim your free prize at the station");
    }

    #[test]
    fn nb_lr_learns_reads_words_by_presence_and_fuses_with_plain_models() {
        let (x, y) = toy();
        let nb = LinearModel::train(&x, &y, vec!["ham".into(), "spam".into()], TrainOptions::nb()).unwrap();
        let z = Featurizer::new();
        let p = nb.probabilities(&z.features("claim your free prize"));
        assert!(p[1] > 0.5, "spam-like text should lean spam: {p:?}");
        // Presence, not count: a word's weighted count does not matter, a cue's value does.
        let prize = z.features("prize").values[0].0;
        let at = |v: f32, cue: f32| {
            nb.decision(&Features {
                values: vec![(prize, v), (crate::features::Cue::VaderCompound.index(), cue)],
            })
        };
        assert_eq!(at(0.2, 1.0), at(0.9, 1.0));
        assert_ne!(at(0.2, 1.0), at(0.2, 0.5));
        // A word only ever seen in spam pushes toward spam, one only seen in ham away from it.
        let push = |text: &str| {
            let f = z.features(text);
            nb.contributions(&f, 1).iter().map(|(_, c)| c).sum::<f32>()
        };
        assert!(push("prize") > 0.0 && push("dinner") < 0.0);

        assert_fused_agrees(
            &[&three_classes(&x), &nb],
            "claim claim your free prize at the station",
        );

        let set = ModelSet {
            provenance: "test".into(),
            heads: [("sentiment".to_owned(), nb.clone())].into(),
        };
        assert_eq!(
            ModelSet::from_bytes(&set.to_bytes().unwrap()).unwrap().heads["sentiment"],
            nb
        );
    }

    #[test]
    fn a_model_file_from_before_nb_lr_asks_to_be_trained_again() {
        let e = ModelSet::from_bytes(b"EARSHOT1\x00\x01").unwrap_err();
        assert!(e.to_string().contains("made by an older Earshot"), "{e}");
    }

    #[test]
    fn refuses_a_class_without_examples() {
        let (x, y) = toy();
        let e = LinearModel::train(
            &x,
            &y,
            vec!["a".into(), "b".into(), "c".into()],
            TrainOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("\u{201c}c\u{201d} has no examples"), "{e}");
    }

    #[test]
    fn a_model_set_survives_its_file_and_refuses_garbage() {
        let (x, y) = toy();
        let m =
            LinearModel::train(&x, &y, vec!["ham".into(), "spam".into()], TrainOptions::default()).unwrap();
        let set = ModelSet {
            provenance: "test".into(),
            heads: [("spam".to_owned(), m)].into(),
        };
        let bytes = set.to_bytes().unwrap();
        assert_eq!(ModelSet::from_bytes(&bytes).unwrap(), set);
        assert!(ModelSet::from_bytes(b"nonsense").is_err());
        assert!(ModelSet::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    }
}
