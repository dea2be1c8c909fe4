//! `earshot triage`: train, classify, cross-validate and evaluate with the same learner the app uses.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Subcommand;
use earshot_triage::data::{self, Dataset, Labelled, Split};
use earshot_triage::features::{Features, Featurizer};
use earshot_triage::linear::{LinearModel, ModelSet, TrainOptions};
use earshot_triage::metrics::{self, mean_sd, Scores};
use earshot_triage::{cross_validate, featurize_all, predict_all};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use sha2::{Digest, Sha256};

#[derive(Subcommand)]
pub enum TriageCommand {
    /// Train a model on a labelled CSV (a header line, a text column and a label column).
    Train {
        #[command(flatten)]
        input: LabelledInput,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        learner: Learner,
    },
    /// Label texts with a model: JSON lines with the label and each class's probability. Reads the CSV's
    /// text column, or one text a line from standard input.
    Classify {
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long, default_value = "text")]
        text_column: String,
    },
    /// Cross-validate the learner on a labelled CSV: accuracy, macro F1 and (for two classes) ROC AUC, as
    /// mean ± standard deviation over the folds.
    Cv {
        #[command(flatten)]
        input: LabelledInput,
        #[arg(long, default_value_t = 10)]
        folds: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        learner: Learner,
        #[arg(long)]
        json: bool,
    },
    /// Evaluate on a public dataset, with its benchmark's own split or the committed fold file and its
    /// own metric.
    Eval {
        #[arg(long, value_parser = parse_dataset)]
        dataset: Dataset,
        /// The folder holding the datasets.
        #[arg(long, env = "EARSHOT_DATA", default_value = "../shared/data/triage")]
        data: PathBuf,
        /// The folder of committed fold files.
        #[arg(long, default_value = "crates/triage/folds")]
        folds: PathBuf,
        /// Write the fold file (10 stratified folds, seed 0) instead of refusing when it is missing.
        #[arg(long)]
        write_folds: bool,
        #[command(flatten)]
        learner: Learner,
        #[arg(long)]
        json: bool,
    },
    /// How well triage agrees with the agents' own labels in this workspace (each item judged without its
    /// own label): spam precision and recall, intent accuracy.
    Quality {
        #[arg(long)]
        json: bool,
    },
    /// Retrain the workspace's spam and intent models on its recent mentions and its agents' labels (the app
    /// also does this every few labels). The new model is used only if it does no worse than the starter model
    /// on labels held back from it.
    Retrain {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the starter model the app ships, from data whose licences allow it, and print its SHA-256.
    Starter {
        #[arg(long, env = "EARSHOT_DATA", default_value = "../shared/data/triage")]
        data: PathBuf,
        #[arg(long, default_value = "crates/triage/seed/mentions.csv")]
        seed: PathBuf,
        #[arg(long, default_value = "crates/triage/model/starter.model")]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct LabelledInput {
    #[arg(long)]
    input: PathBuf,
    #[arg(long, default_value = "text")]
    text_column: String,
    #[arg(long, default_value = "label")]
    label_column: String,
}

#[derive(clap::Args)]
pub struct Learner {
    /// Inverse regularisation strength of the logistic regression (default: 4, or 0.1 with NB-LR).
    #[arg(long)]
    c: Option<f64>,
    /// Do not weigh classes by their rarity.
    #[arg(long)]
    unbalanced: bool,
    /// NB-LR: words read by presence and scaled by naive Bayes' log-count ratios, as the app's sentiment
    /// model learns. `eval` uses it on the sentiment datasets without being asked.
    #[arg(long, conflicts_with = "plain")]
    nb: bool,
    /// Plain logistic regression over weighted counts, as the app's spam and intent models learn.
    #[arg(long)]
    plain: bool,
}

impl Learner {
    /// The options asked for, starting from `default` (the learner the app uses for the question at hand).
    fn options(&self, default: TrainOptions) -> anyhow::Result<TrainOptions> {
        let mut options = if self.nb {
            TrainOptions::nb()
        } else if self.plain {
            TrainOptions::default()
        } else {
            default
        };
        if let Some(c) = self.c {
            if !(c.is_finite() && c > 0.0) {
                bail!("--c must be a positive number");
            }
            options.c = c;
        }
        options.balanced = !self.unbalanced;
        Ok(options)
    }
}

fn parse_dataset(s: &str) -> Result<Dataset, String> {
    Dataset::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Dataset::ALL.iter().map(|d| d.name()).collect();
        format!("unknown dataset; use one of: {}", names.join(", "))
    })
}

/// Progress: (done, total).
type Tick = dyn FnMut(usize, usize);

/// A bar on standard error while `total` things are done; nothing when standard error is not a terminal.
fn bar(message: &str) -> impl FnMut(usize, usize) {
    let bar = ProgressBar::new(0).with_message(message.to_owned());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    move |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done >= total {
            bar.finish_and_clear();
        }
    }
}

fn read_labelled(input: &LabelledInput) -> anyhow::Result<Labelled> {
    let (set, skipped) = data::read_csv(&input.input, &input.text_column, &input.label_column)?;
    for (line, why) in skipped.rows.iter().take(10) {
        eprintln!("skipped line {line}: {why}");
    }
    if skipped.rows.len() > 10 {
        eprintln!("skipped {} more lines", skipped.rows.len() - 10);
    }
    Ok(set)
}

fn featurize(z: &Featurizer, texts: &[String]) -> Vec<Features> {
    featurize_all(z, texts, &mut bar("Reading texts"))
}

fn save(set: &ModelSet, out: &Path) -> anyhow::Result<String> {
    let bytes = set.to_bytes()?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

fn pct(v: f64) -> String {
    format!("{:.2}", v * 100.0)
}

fn summary(folds: &[Scores]) -> serde_json::Value {
    let stat = |f: fn(&Scores) -> Option<f64>| {
        let v: Vec<f64> = folds.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| {
            let (m, sd) = mean_sd(&v);
            json!({"mean": m, "sd": sd})
        })
    };
    json!({
        "folds": folds.len(),
        "accuracy": stat(|s| Some(s.accuracy)),
        "macro_f1": stat(|s| Some(s.macro_f1)),
        "macro_recall": stat(|s| Some(s.macro_recall)),
        "roc_auc": stat(|s| s.roc_auc),
    })
}

fn print_summary(s: &serde_json::Value) {
    for (key, name) in [
        ("accuracy", "accuracy"),
        ("macro_f1", "macro F1"),
        ("macro_recall", "macro recall"),
        ("roc_auc", "ROC AUC"),
    ] {
        if let (Some(m), Some(sd)) = (s[key]["mean"].as_f64(), s[key]["sd"].as_f64()) {
            println!("{name:>13}: {} ± {}", pct(m), pct(sd));
        }
    }
}

/// The committed fold file for a dataset: one fold number a line, in the dataset's order.
fn fold_file(dir: &Path, dataset: Dataset, labels: &[usize], write: bool) -> anyhow::Result<Vec<usize>> {
    let path = dir.join(format!("{}-10fold.txt", dataset.name()));
    if write {
        let folds = metrics::stratified_folds(labels, 10, 0);
        let text: String = folds.iter().map(|f| format!("{f}\n")).collect();
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
        return Ok(folds);
    }
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read the fold file {} (--write-folds makes it)",
            path.display()
        )
    })?;
    let folds: Vec<usize> = text
        .lines()
        .map(|l| l.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} holds something other than fold numbers", path.display()))?;
    if folds.len() != labels.len() {
        bail!(
            "{} has {} lines but the dataset has {} examples: the data changed, so the folds no longer match",
            path.display(),
            folds.len(),
            labels.len()
        );
    }
    Ok(folds)
}

/// The dataset's own benchmark metric, and the published reference points beside it.
fn benchmark(dataset: Dataset) -> (&'static str, &'static str) {
    match dataset {
        Dataset::TweetevalSentiment => (
            "macro_recall",
            "TweetEval test macro recall: SVM 62.9, FastText 62.9, RoBERTa-base 71.3; VADER alone about 57",
        ),
        Dataset::TweetevalOffensive => (
            "macro_f1",
            "TweetEval test macro F1: SVM 52.3, FastText 73.4, RoBERTa-base 79.5",
        ),
        Dataset::Airline => (
            "macro_f1",
            "10-fold macro F1: TF-IDF with logistic regression about 74",
        ),
        Dataset::SmsSpam => ("macro_f1", "10-fold macro F1: naive Bayes about 97"),
        Dataset::Bitext => (
            "macro_f1",
            "10-fold macro F1 over 27 intents (no published anchor)",
        ),
    }
}

pub fn run(command: TriageCommand) -> anyhow::Result<()> {
    let z = Featurizer::new();
    match command {
        TriageCommand::Quality { .. } | TriageCommand::Retrain { .. } => {
            bail!("`triage quality` and `triage retrain` need the workspace")
        }
        TriageCommand::Train { input, out, learner } => {
            let set = read_labelled(&input)?;
            let x = featurize(&z, &set.texts);
            let model = LinearModel::train(
                &x,
                &set.labels,
                set.classes.clone(),
                learner.options(TrainOptions::default())?,
            )?;
            let models = ModelSet {
                provenance: format!("trained by `earshot triage train` on {}", input.input.display()),
                heads: [(input.label_column.clone(), model)].into(),
            };
            let sum = save(&models, &out)?;
            eprintln!(
                "trained on {} texts, {} classes ({}); wrote {} (sha256 {sum})",
                set.len(),
                set.classes.len(),
                set.classes.join(", "),
                out.display()
            );
        }
        TriageCommand::Classify {
            model,
            input,
            text_column,
        } => {
            let bytes = std::fs::read(&model).with_context(|| format!("cannot read {}", model.display()))?;
            let models = ModelSet::from_bytes(&bytes)?;
            let texts: Box<dyn Iterator<Item = anyhow::Result<String>>> = match input {
                Some(path) => Box::new(data::read_texts(&path, &text_column)?.into_iter().map(Ok)),
                None => Box::new(std::io::stdin().lock().lines().map(|l| l.map_err(Into::into))),
            };
            let mut out = std::io::stdout().lock();
            for text in texts {
                let x = z.features(&text?);
                let heads: serde_json::Map<String, serde_json::Value> = models
                    .heads
                    .iter()
                    .map(|(name, m)| {
                        let p = m.probabilities(&x);
                        let best = p
                            .iter()
                            .enumerate()
                            .max_by(|a, b| a.1.total_cmp(b.1))
                            .map_or(0, |(i, _)| i);
                        let probs: serde_json::Map<String, serde_json::Value> = m
                            .classes()
                            .iter()
                            .zip(&p)
                            .map(|(c, p)| (c.clone(), json!(p)))
                            .collect();
                        (
                            name.clone(),
                            json!({"label": m.classes()[best], "probabilities": probs}),
                        )
                    })
                    .collect();
                let line = if heads.len() == 1 {
                    heads.into_iter().next().map(|(_, v)| v).unwrap_or_default()
                } else {
                    serde_json::Value::Object(heads)
                };
                writeln!(out, "{line}")?;
            }
        }
        TriageCommand::Cv {
            input,
            folds,
            seed,
            learner,
            json,
        } => {
            if folds < 2 {
                bail!("--folds must be 2 or more");
            }
            let set = read_labelled(&input)?;
            if set.len() < folds {
                bail!("{} examples cannot be split into {folds} folds", set.len());
            }
            let x = featurize(&z, &set.texts);
            let assignment = metrics::stratified_folds(&set.labels, folds, seed);
            let scores = cross_validate(
                &x,
                &set.labels,
                &set.classes,
                &assignment,
                learner.options(TrainOptions::default())?,
                &mut bar("Cross-validating"),
            )?;
            let s = summary(&scores);
            if json {
                println!("{s}");
            } else {
                println!(
                    "{} examples, {} classes, {folds} folds (seed {seed})",
                    set.len(),
                    set.classes.len()
                );
                print_summary(&s);
            }
        }
        TriageCommand::Eval {
            dataset,
            data,
            folds,
            write_folds,
            learner,
            json,
        } => {
            let options = learner.options(earshot_triage::starter::options(dataset.head()))?;
            let split = data::load(dataset, &data).with_context(|| {
                format!(
                    "cannot load {} from {} (set --data or EARSHOT_DATA to the shared data folder)",
                    dataset.name(),
                    data.display()
                )
            })?;
            let (metric, anchor) = benchmark(dataset);
            let (result, how) = match split {
                Split::TrainTest { train, test } => {
                    let x = featurize(&z, &train.texts);
                    let model = LinearModel::train(&x, &train.labels, train.classes.clone(), options)?;
                    let tx = featurize(&z, &test.texts);
                    let (pred, p1) = predict_all(&model, &tx);
                    let s = metrics::score(&test.classes, &test.labels, &pred, Some(&p1));
                    (
                        serde_json::to_value(&s)?,
                        format!(
                            "trained on {} texts, scored on the {} of the test split",
                            train.len(),
                            test.len()
                        ),
                    )
                }
                Split::Folds(set) => {
                    let assignment = fold_file(&folds, dataset, &set.labels, write_folds)?;
                    let x = featurize(&z, &set.texts);
                    let scores = cross_validate(
                        &x,
                        &set.labels,
                        &set.classes,
                        &assignment,
                        options,
                        &mut bar("Cross-validating"),
                    )?;
                    (
                        summary(&scores),
                        format!("{} texts, 10 committed folds", set.len()),
                    )
                }
            };
            let value = result[metric]["mean"]
                .as_f64()
                .or_else(|| result[metric].as_f64())
                .unwrap_or(0.0);
            if json {
                println!(
                    "{}",
                    json!({"dataset": dataset.name(), "metric": metric, "value": value, "detail": result, "anchor": anchor})
                );
            } else {
                println!("{}: {how}", dataset.name());
                println!("{metric}: {}", pct(value));
                if result["folds"].is_number() {
                    print_summary(&result);
                } else {
                    for key in ["accuracy", "macro_f1", "macro_recall", "roc_auc"] {
                        if let Some(v) = result[key].as_f64() {
                            println!("{key:>13}: {}", pct(v));
                        }
                    }
                }
                println!("published: {anchor}");
            }
        }
        TriageCommand::Starter { data, seed, out } => {
            let mut current: Option<(String, Box<Tick>)> = None;
            let set = earshot_triage::starter::build(&data, &seed, &mut |part, d, t| {
                if current.as_ref().is_none_or(|(name, _)| name != part) {
                    current = Some((
                        part.to_owned(),
                        Box::new(bar(&format!("Reading the {part} examples"))),
                    ));
                }
                if let Some((_, b)) = current.as_mut() {
                    b(d, t);
                }
            })?;
            let sum = save(&set, &out)?;
            // The checksum beside it, as `sha256sum -c` reads it from the project root; a test holds the two together.
            let line = format!("{sum}  {}\n", out.display());
            let check = PathBuf::from(format!("{}.sha256", out.display()));
            std::fs::write(&check, &line).with_context(|| format!("cannot write {}", check.display()))?;
            print!("{line}");
        }
    }
    Ok(())
}
