//! Labelled texts: any CSV with a text column and a label column, and the public evaluation sets in
//! `../shared/data/triage` (read for evaluation only; the product never needs them).

use std::path::{Path, PathBuf};

use crate::TriageError;

/// Texts with a class each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labelled {
    pub texts: Vec<String>,
    pub labels: Vec<usize>,
    pub classes: Vec<String>,
}

impl Labelled {
    /// Builds from (text, label name) pairs; classes are sorted by name so the order is stable.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let pairs: Vec<(String, String)> = pairs.into_iter().collect();
        let mut classes: Vec<String> = pairs.iter().map(|(_, l)| l.clone()).collect();
        classes.sort();
        classes.dedup();
        let labels = pairs
            .iter()
            .map(|(_, l)| classes.binary_search(l).unwrap_or_default())
            .collect();
        Self {
            texts: pairs.into_iter().map(|(t, _)| t).collect(),
            labels,
            classes,
        }
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Keeps the examples where `keep` is true.
    pub fn subset(&self, keep: impl Fn(usize) -> bool) -> Self {
        let idx: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        Self {
            texts: idx.iter().map(|&i| self.texts[i].clone()).collect(),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
            classes: self.classes.clone(),
        }
    }
}

/// A CSV reader and its header line.
fn open_csv(path: &Path) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord), TriageError> {
    let file = std::fs::File::open(path)
        .map_err(|e| TriageError::Data(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| TriageError::Data(format!("{}: {e}", path.display())))?
        .clone();
    Ok((reader, headers))
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, TriageError> {
    headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
        let known: Vec<&str> = headers.iter().collect();
        TriageError::Data(format!(
            "{} has no column \u{201c}{name}\u{201d}; its columns are: {}",
            path.display(),
            known.join(", ")
        ))
    })
}

/// What reading a CSV skipped, so the caller can say so.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skipped {
    /// (line number, reason)
    pub rows: Vec<(u64, String)>,
}

/// Reads a CSV with a header line. Rows without a text or a label are skipped and reported, never fatal.
pub fn read_csv(
    path: &Path,
    text_column: &str,
    label_column: &str,
) -> Result<(Labelled, Skipped), TriageError> {
    let (mut reader, headers) = open_csv(path)?;
    let t = column(&headers, text_column, path)?;
    let l = column(&headers, label_column, path)?;
    let mut pairs = Vec::new();
    let mut skipped = Skipped::default();
    for row in reader.records() {
        match row {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                match (r.get(t).map(str::trim), r.get(l).map(str::trim)) {
                    (Some(text), Some(label)) if !text.is_empty() && !label.is_empty() => {
                        pairs.push((text.to_owned(), label.to_owned()))
                    }
                    _ => skipped.rows.push((line, "no text or no label".into())),
                }
            }
            Err(e) => skipped
                .rows
                .push((e.position().map_or(0, |p| p.line()), e.to_string())),
        }
    }
    let data = Labelled::from_pairs(pairs);
    if data.classes.len() < 2 {
        return Err(TriageError::Data(format!(
            "{} has {} distinct label(s) in \u{201c}{label_column}\u{201d}; training needs two or more",
            path.display(),
            data.classes.len()
        )));
    }
    Ok((data, skipped))
}

/// Reads the texts of a CSV column (for classifying).
pub fn read_texts(path: &Path, text_column: &str) -> Result<Vec<String>, TriageError> {
    let (mut reader, headers) = open_csv(path)?;
    let t = column(&headers, text_column, path)?;
    let mut out = Vec::new();
    for row in reader.records() {
        let r = row.map_err(|e| TriageError::Data(format!("{}: {e}", path.display())))?;
        out.push(r.get(t).unwrap_or_default().to_owned());
    }
    Ok(out)
}

/// The public evaluation sets the `eval` command knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    TweetevalSentiment,
    TweetevalOffensive,
    Airline,
    SmsSpam,
    Bitext,
}

impl Dataset {
    /// The question of the app's this dataset asks: "spam", "intent" or "sentiment".
    pub fn head(self) -> &'static str {
        match self {
            Dataset::TweetevalSentiment | Dataset::Airline => "sentiment",
            Dataset::TweetevalOffensive | Dataset::SmsSpam => "spam",
            Dataset::Bitext => "intent",
        }
    }

    pub const ALL: [Dataset; 5] = [
        Dataset::TweetevalSentiment,
        Dataset::TweetevalOffensive,
        Dataset::Airline,
        Dataset::SmsSpam,
        Dataset::Bitext,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dataset::TweetevalSentiment => "tweeteval-sentiment",
            Dataset::TweetevalOffensive => "tweeteval-offensive",
            Dataset::Airline => "airline",
            Dataset::SmsSpam => "sms-spam",
            Dataset::Bitext => "bitext",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// How a dataset is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// Train on one set, score on another (the benchmark's own test split).
    TrainTest { train: Labelled, test: Labelled },
    /// k-fold cross-validation over one set.
    Folds(Labelled),
}

/// Where the shared data lives: `EARSHOT_DATA`, or `../shared/data/triage` from the project root.
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("EARSHOT_DATA").map_or_else(|| PathBuf::from("../shared/data/triage"), PathBuf::from)
}

fn read_lines(path: &Path) -> Result<Vec<String>, TriageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| TriageError::Data(format!("cannot read {}: {e}", path.display())))?;
    Ok(text.lines().map(str::to_owned).collect())
}

/// A TweetEval split: texts and numeric labels in parallel files, names in `mapping.txt`.
fn tweeteval(dir: &Path, split: &str, classes: &[&str]) -> Result<Labelled, TriageError> {
    let texts = read_lines(&dir.join(format!("{split}_text.txt")))?;
    let labels = read_lines(&dir.join(format!("{split}_labels.txt")))?;
    if texts.len() != labels.len() {
        return Err(TriageError::Data(format!(
            "{}: {split} texts and labels differ in length",
            dir.display()
        )));
    }
    let labels = labels
        .iter()
        .map(|l| {
            l.trim()
                .parse::<usize>()
                .ok()
                .filter(|l| *l < classes.len())
                .ok_or_else(|| TriageError::Data(format!("{}: bad label {l:?}", dir.display())))
        })
        .collect::<Result<_, _>>()?;
    Ok(Labelled {
        texts,
        labels,
        classes: classes.iter().map(|c| (*c).to_owned()).collect(),
    })
}

/// VADER's 4,200 rated tweets (MIT), as negative (mean ≤ -0.5), positive (≥ 0.5) or neutral.
pub fn vader_tweets(data: &Path) -> Result<Labelled, TriageError> {
    let path = data.join("vader-icwsm2014/tweets_GroundTruth.txt");
    let mut pairs = Vec::new();
    for line in read_lines(&path)? {
        let mut parts = line.splitn(3, '\t');
        let (_, Some(mean), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(mean) = mean.trim().parse::<f64>() else {
            continue;
        };
        let class = if mean <= -0.5 {
            "negative"
        } else if mean >= 0.5 {
            "positive"
        } else {
            "neutral"
        };
        pairs.push((text.to_owned(), class.to_owned()));
    }
    Ok(Labelled::from_pairs(pairs))
}

/// The SMS Spam Collection (CC BY 4.0): `ham` and `spam`.
pub fn sms_spam(data: &Path) -> Result<Labelled, TriageError> {
    let path = data.join("sms-spam-collection/SMSSpamCollection");
    let mut pairs = Vec::new();
    for line in read_lines(&path)?.into_iter().skip(1) {
        if let Some((label, text)) = line.split_once('\t') {
            pairs.push((text.to_owned(), label.trim().to_owned()));
        }
    }
    Ok(Labelled::from_pairs(pairs))
}

/// Bitext's customer-support utterances (CDLA-Sharing-1.0), with their 27 intents.
pub fn bitext(data: &Path) -> Result<Labelled, TriageError> {
    let (set, _) = read_csv(
        &data.join("bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv"),
        "instruction",
        "intent",
    )?;
    Ok(set)
}

/// Loads a dataset as its benchmark evaluates it.
pub fn load(dataset: Dataset, data: &Path) -> Result<Split, TriageError> {
    let te = data.join("tweeteval");
    Ok(match dataset {
        Dataset::TweetevalSentiment => {
            let classes = ["negative", "neutral", "positive"];
            let dir = te.join("sentiment");
            let train = if dir.join("train_text.txt").exists() {
                // TweetEval's own protocol: learn from its training and validation splits.
                let mut train = tweeteval(&dir, "train", &classes)?;
                let val = tweeteval(&dir, "val", &classes)?;
                train.texts.extend(val.texts);
                train.labels.extend(val.labels);
                train
            } else {
                // The shared snapshot leaves the training split out. The model then learns from the
                // validation split and VADER's rated tweets.
                let mut train = tweeteval(&dir, "val", &classes)?;
                let vader = vader_tweets(data)?;
                for (t, l) in vader.texts.into_iter().zip(vader.labels) {
                    train.texts.push(t);
                    train
                        .labels
                        .push(classes.iter().position(|c| *c == vader.classes[l]).unwrap_or(1));
                }
                train
            };
            Split::TrainTest {
                train,
                test: tweeteval(&dir, "test", &classes)?,
            }
        }
        Dataset::TweetevalOffensive => {
            let classes = ["not-offensive", "offensive"];
            let mut train = tweeteval(&te.join("offensive"), "train", &classes)?;
            let val = tweeteval(&te.join("offensive"), "val", &classes)?;
            train.texts.extend(val.texts);
            train.labels.extend(val.labels);
            Split::TrainTest {
                train,
                test: tweeteval(&te.join("offensive"), "test", &classes)?,
            }
        }
        Dataset::Airline => Split::Folds(
            read_csv(
                &data.join("twitter-us-airline-sentiment/Tweets.csv"),
                "text",
                "airline_sentiment",
            )?
            .0,
        ),
        Dataset::SmsSpam => Split::Folds(sms_spam(data)?),
        Dataset::Bitext => Split::Folds(bitext(data)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, lines: &[&str]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    fn train_size(data: &Path) -> usize {
        match load(Dataset::TweetevalSentiment, data).unwrap() {
            Split::TrainTest { train, test } => {
                assert_eq!(test.len(), 1);
                train.len()
            }
            Split::Folds(_) => panic!("TweetEval has its own test split"),
        }
    }

    #[test]
    fn tweeteval_sentiment_learns_from_its_training_split_when_the_data_has_it() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("tweeteval/sentiment");
        write(&dir.join("val_text.txt"), &["meh", "great day"]);
        write(&dir.join("val_labels.txt"), &["1", "2"]);
        write(&dir.join("test_text.txt"), &["awful"]);
        write(&dir.join("test_labels.txt"), &["0"]);
        write(
            &data.path().join("vader-icwsm2014/tweets_GroundTruth.txt"),
            &["1\t2.5\tlove it", "2\t-3.0\thate it", "3\t0.1\tok"],
        );
        // Without the training split: the validation split and VADER's rated tweets.
        assert_eq!(train_size(data.path()), 5);
        write(&dir.join("train_text.txt"), &["bad", "fine", "good", "so good"]);
        write(&dir.join("train_labels.txt"), &["0", "1", "2", "2"]);
        // With it: TweetEval's own protocol, training and validation splits.
        assert_eq!(train_size(data.path()), 6);
        write(&dir.join("train_labels.txt"), &["0", "1"]);
        let e = load(Dataset::TweetevalSentiment, data.path()).unwrap_err();
        assert!(e.to_string().contains("differ in length"), "{e}");
    }
}
