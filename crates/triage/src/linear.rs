//! A linear classifier over [`Features`]: trained by LIBLINEAR (logistic regression), then kept as plain
//! weights so that scoring is a sparse dot product and every contribution can be shown.

use std::collections::BTreeMap;

use liblinear::util::TrainingInput;
use liblinear::{Builder, LibLinearModel, SolverType};
use serde::{Deserialize, Serialize};

use crate::features::{Features, WIDTH};
use crate::TriageError;

/// How a model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    /// Inverse regularisation strength: higher fits the training labels more closely.
    pub c: f64,
    /// Weigh each class by the inverse of its frequency, so a rare class is not drowned out.
    pub balanced: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 4.0,
            balanced: true,
        }
    }
}

/// A trained classifier: one weight vector and bias per class.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    classes: Vec<String>,
    /// Row-major: feature `i`'s weights for every class are at `i * k .. (i + 1) * k`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// The stored form: only the rows that are not all zero.
#[derive(Serialize, Deserialize)]
struct Stored {
    classes: Vec<String>,
    bias: Vec<f32>,
    rows: Vec<(u32, Vec<f32>)>,
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
        })
    }
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
        let x: Vec<Vec<(u32, f64)>> = examples
            .iter()
            .map(|f| f.values.iter().map(|(i, v)| (i + 1, f64::from(*v))).collect())
            .collect();
        let y: Vec<f64> = labels.iter().map(|l| *l as f64).collect();

        liblinear::toggle_liblinear_stdout_output(false);
        let mut builder = Builder::new();
        builder
            .problem()
            .input_data(
                TrainingInput::from_sparse_features(y, x)
                    .map_err(|e| TriageError::Training(e.to_string()))?,
            )
            .bias(1.0);
        let params = builder.parameters();
        params
            .solver_type(SolverType::L2R_LR)
            .stopping_criterion(0.01)
            .constraints_violation_cost(options.c);
        if options.balanced {
            let n = labels.len() as f64;
            params
                .cost_penalty_labels((0..k as i32).collect())
                .cost_penalty_weights(counts.iter().map(|c| n / (k as f64 * *c as f64)).collect());
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
        Ok(Self {
            classes,
            weights,
            bias,
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
            .map(|&(i, v)| (i, self.weights[i as usize * k + class] * v))
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
            stride,
            weights,
            bias,
        }
    }

    /// Every model's decision values, side by side.
    pub fn decision(&self, x: &Features) -> Vec<f32> {
        let mut out = self.bias.clone();
        for &(i, v) in &x.values {
            let row = &self.weights[i as usize * self.stride..(i as usize + 1) * self.stride];
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
        out
    }

    /// Model `m`'s class probabilities from the side-by-side decision values.
    pub fn probabilities(&self, decision: &[f32], m: usize) -> Vec<f32> {
        let end = self.offsets.get(m + 1).copied().unwrap_or(self.stride);
        let mut p: Vec<f32> = decision[self.offsets[m]..end]
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
            let c = self.weights[i as usize * self.stride + col] * v;
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
const MAGIC: &[u8; 8] = b"EARSHOT1";

impl ModelSet {
    pub fn to_bytes(&self) -> Result<Vec<u8>, TriageError> {
        let mut out = MAGIC.to_vec();
        out.extend(postcard::to_stdvec(self).map_err(|e| TriageError::Model(e.to_string()))?);
        Ok(out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TriageError> {
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

    #[test]
    fn fused_models_score_exactly_as_each_alone() {
        let (x, y) = toy();
        let a =
            LinearModel::train(&x, &y, vec!["ham".into(), "spam".into()], TrainOptions::default()).unwrap();
        let y3: Vec<usize> = (0..x.len()).map(|i| i % 3).collect();
        let b = LinearModel::train(
            &x,
            &y3,
            vec!["a".into(), "b".into(), "c".into()],
            TrainOptions::default(),
        )
        .unwrap();
        let fused = Fused::new(&[&a, &b]);
        let f = Featurizer::new().features("claim your free prize at the station");
        let d = fused.decision(&f);
        assert_eq!(d.len(), 5);
        for (got, want) in fused.probabilities(&d, 0).iter().zip(a.probabilities(&f)) {
            assert!((got - want).abs() < 1e-6);
        }
        for (got, want) in fused.probabilities(&d, 1).iter().zip(b.probabilities(&f)) {
            assert!((got - want).abs() < 1e-6);
        }
        let mut alone: Vec<(u32, f32)> = b
            .contributions(&f, 2)
            .into_iter()
            .filter(|(_, c)| *c > 0.0)
            .collect();
        alone.sort_by(|x, y| y.1.total_cmp(&x.1));
        alone.truncate(3);
        assert_eq!(fused.top_contributions(&f, 1, 2, 3), alone);
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
