//! Triage in the workspace: every mention is labelled as it arrives, agents' actions teach it, and the
//! priority weights are the workspace's own.
//!
//! The model is the shipped starter model plus what the agents taught: an item like one an agent labelled
//! takes that label at once (spam waves are near-copies), and says so in its evidence.

use std::sync::{Arc, OnceLock, RwLock};

use earshot_core::{
    Author, CustomerStanding, Engagement, Evidence, Intent, ItemStatus, LabelSource, Labels, Priority,
    PriorityWeights, Signals,
};
use earshot_store::labels::{self, Question};
use earshot_store::mentions::{self, ItemRow};
use earshot_store::{workspace, ItemId};
use earshot_triage::linear::ModelSet;
use earshot_triage::memory::{Memory, Neighbour, Verdict};
use earshot_triage::teach::{self, HeldBack, Taught};
use earshot_triage::Triage;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::views::Progress;
use crate::{Engine, EngineError};

/// The workspace key of the priority weights (JSON).
pub(crate) const WEIGHTS_KEY: &str = "priority.weights";
/// Items triaged per transaction when catching up.
const BATCH: i64 = 500;
/// The workspace key of the retrained model (base64 of the model file), when one is in use.
pub(crate) const MODEL_KEY: &str = "triage.model";
/// The workspace key of the last retraining's report (JSON).
pub(crate) const RETRAINED_KEY: &str = "triage.retrained";
/// Retrain after this many new agents' labels.
pub const RETRAIN_EVERY: u32 = 10;
/// How many of the workspace's most recent mentions a retraining reads.
const RETRAIN_MENTIONS: i64 = 3_000;

/// The starter model, read once per process.
fn starter() -> Result<Arc<Triage>, EngineError> {
    static STARTER: OnceLock<Result<Arc<Triage>, String>> = OnceLock::new();
    STARTER
        .get_or_init(|| Triage::starter().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| {
            EngineError::Invalid(format!(
                "The triage model shipped with Earshot cannot be read: {e}"
            ))
        })
}

/// The workspace's triage: the model and what agents taught it.
pub(crate) struct TriageState {
    /// The starter model, or the one retrained on this workspace.
    model: RwLock<Arc<Triage>>,
    memory: RwLock<Memory>,
    weights: RwLock<PriorityWeights>,
    /// Held while a retraining runs: one at a time.
    retraining: tokio::sync::Mutex<()>,
    /// The stored weights and last retraining this process has loaded (as stored), to notice another
    /// process's changes: another desktop of the team, the sync worker, or the CLI.
    seen: RwLock<Seen>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Seen {
    weights: Option<String>,
    retrained: Option<String>,
}

impl TriageState {
    fn model(&self) -> Arc<Triage> {
        self.model.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn weights(&self) -> PriorityWeights {
        *self.weights.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Labels a text: the model's verdict, then what agents said about the most similar item.
    pub(crate) fn assess(&self, text: &str, own: Option<(i64, Verdict)>) -> Labels {
        let model = self.model();
        let mut labels = model.assess(text);
        if let Some((_, verdict)) = own {
            apply(&mut labels, verdict, LabelSource::Agent, None);
        }
        let own_id = own.map(|(id, _)| id);
        let neighbour =
            self.memory
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .nearest(model.featurizer(), text, own_id);
        if let Some(n) = neighbour {
            apply(&mut labels, n.verdict, LabelSource::Similar, Some(n));
        }
        labels
    }

    fn remember(&self, item: i64, text: &str, verdict: Verdict) {
        self.memory.write().unwrap_or_else(|e| e.into_inner()).remember(
            self.model().featurizer(),
            item,
            text,
            verdict,
        );
    }
}

/// Puts an agent's (or a similar item's) answers over the model's; an agent's own label is never replaced
/// by a neighbour's.
fn apply(labels: &mut Labels, verdict: Verdict, source: LabelSource, neighbour: Option<Neighbour>) {
    let because = |what: &str| match neighbour {
        Some(n) => vec![Evidence {
            term: format!("like item {} that an agent marked {what}", n.item),
            weight: n.similarity,
        }],
        None => vec![Evidence {
            term: format!("an agent marked it {what}"),
            weight: 1.0,
        }],
    };
    if let Some(spam) = verdict.spam {
        if labels.spam_source != LabelSource::Agent {
            labels.spam = if spam { 1.0 } else { 0.0 };
            labels.spam_source = source;
            labels.spam_evidence = because(if spam { "spam" } else { "not spam" });
        }
    }
    if let Some(intent) = verdict.intent {
        if labels.intent_source != LabelSource::Agent {
            labels.intent = intent;
            labels.intent_confidence = 1.0;
            labels.intent_source = source;
            labels.intent_evidence = because(&format!("a {}", intent.as_str()));
        }
    }
    if let Some(actionable) = verdict.actionable {
        if labels.actionable.is_none() || source == LabelSource::Agent {
            labels.actionable = Some(actionable);
        }
    }
}

fn verdict_of(found: &[labels::AgentLabel]) -> Verdict {
    let mut v = Verdict::default();
    for l in found {
        match l.question {
            Question::Spam => v.spam = Some(l.answer == "yes"),
            Question::Intent => v.intent = l.answer.parse().ok(),
            Question::Actionable => v.actionable = Some(l.answer == "yes"),
        }
    }
    v
}

/// The core author of a stored item, for the priority score.
pub(crate) fn author_of(item: &ItemRow) -> Result<Author, EngineError> {
    Ok(Author {
        network: item.network,
        handle: earshot_core::Account::new("author", &item.author.handle)
            .map_err(|e| EngineError::Invalid(e.to_string()))?,
        display_name: item.author.display_name.clone(),
        followers: u64::try_from(item.author.followers).unwrap_or(0),
        verified: item.author.verified,
        bot: item.author.bot,
        labels: item.author.labels.clone(),
        created_at: item.author.created_at,
        profile_url: item.author.profile_url.clone(),
        verified_links: item.author.verified_links.clone(),
    })
}

/// What an agent says about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AgentLabel {
    Spam(bool),
    Intent(Intent),
}

/// How well triage agrees with the agents, each labelled item judged without its own label.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TriageQuality {
    /// Items agents labelled spam or not spam.
    pub spam_labels: u32,
    /// Of the items triage calls spam, the share agents also call spam. `None` with too few labels.
    pub spam_precision: Option<f64>,
    /// Of the items agents call spam, the share triage finds.
    pub spam_recall: Option<f64>,
    /// Items agents gave an intent.
    pub intent_labels: u32,
    /// The share of those whose intent triage gets right.
    pub intent_accuracy: Option<f64>,
    /// What the model in use was trained on.
    pub model: String,
    /// The last retraining on this workspace's labels, if any. When its model is in use, the figures above
    /// are its figures on the labels held back from it.
    pub retrained: Option<RetrainReport>,
}

/// How a model did on agents' labels held back from its training.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct HeldBackFigures {
    pub spam_labels: u32,
    pub spam_precision: Option<f64>,
    pub spam_recall: Option<f64>,
    pub intent_labels: u32,
    pub intent_accuracy: Option<f64>,
}

impl From<HeldBack> for HeldBackFigures {
    fn from(h: HeldBack) -> Self {
        Self {
            spam_labels: h.spam_labels,
            spam_precision: h.spam_precision,
            spam_recall: h.spam_recall,
            intent_labels: h.intent_labels,
            intent_accuracy: h.intent_accuracy,
        }
    }
}

/// What a retraining of the spam and intent models on this workspace did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RetrainReport {
    /// When it ran (RFC 3339).
    pub at: String,
    /// Items agents labelled spam, not spam, or with an intent.
    pub labels: u32,
    /// The workspace's recent mentions it read (labelled by the starter model).
    pub mentions: u32,
    /// Labels held back to measure it.
    pub held_back: u32,
    /// The starter model, on the held-back labels.
    pub before: HeldBackFigures,
    /// The retrained model, trained without them, on them.
    pub after: HeldBackFigures,
    /// Whether the retrained model is now in use: only when it did no worse than the starter model.
    pub adopted: bool,
}

/// What the workspace's last retraining did, if it ever retrained.
async fn last_retraining(conn: &mut sqlx::AnyConnection) -> Result<Option<RetrainReport>, EngineError> {
    Ok(workspace::get(conn, RETRAINED_KEY)
        .await?
        .and_then(|r| serde_json::from_str(&r).ok()))
}

/// A stored model file (base64) as an assessor.
fn read_model(stored: &str) -> Result<Arc<Triage>, String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored)
        .map_err(|e| e.to_string())?;
    let set = ModelSet::from_bytes(&bytes).map_err(|e| e.to_string())?;
    Triage::new(&set).map(Arc::new).map_err(|e| e.to_string())
}

impl Engine {
    pub(crate) fn open_triage(
        conn_labels: Vec<labels::AgentLabel>,
        stored_weights: Option<String>,
        stored_model: Option<String>,
        stored_retraining: Option<String>,
    ) -> Result<TriageState, EngineError> {
        let seen = Seen {
            weights: stored_weights.clone(),
            retrained: stored_retraining,
        };
        let model = match stored_model.map(|m| read_model(&m)) {
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "the workspace's retrained triage model is unreadable; using the starter model");
                starter()?
            }
            None => starter()?,
        };
        let mut memory = Memory::new();
        let mut by_item: std::collections::BTreeMap<i64, (String, Vec<labels::AgentLabel>)> =
            Default::default();
        for l in conn_labels {
            by_item
                .entry(l.item.0)
                .or_insert_with(|| (l.text.clone(), Vec::new()))
                .1
                .push(l);
        }
        for (item, (text, found)) in by_item {
            memory.remember(model.featurizer(), item, &text, verdict_of(&found));
        }
        let weights = stored_weights
            .and_then(|w| serde_json::from_str(&w).ok())
            .unwrap_or_default();
        Ok(TriageState {
            model: RwLock::new(model),
            memory: RwLock::new(memory),
            weights: RwLock::new(weights),
            retraining: tokio::sync::Mutex::new(()),
            seen: RwLock::new(seen),
        })
    }

    /// The score of a mention with its labels, as the ingest path and rescoring both work it out.
    pub(crate) fn assess_priority(
        &self,
        author: &Author,
        at: chrono::DateTime<chrono::Utc>,
        labels: &Labels,
        customer: Option<&CustomerStanding>,
        engagement: Option<Engagement>,
    ) -> Priority {
        Priority::assess_with(
            author,
            at,
            Signals {
                labels: Some(labels),
                customer,
                engagement,
            },
            &self.triage.weights(),
        )
    }

    /// Triage and score again one stored item, with its agent labels.
    pub(crate) async fn retriage(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: ItemId,
    ) -> Result<Option<Labels>, EngineError> {
        let Some(item) = mentions::get(conn, id).await? else {
            return Ok(None);
        };
        let own = verdict_of(&labels::of_item(conn, id).await?);
        let labels = self.triage.assess(&item.text, Some((id.0, own)));
        let author = author_of(&item)?;
        let customer = crate::crm::standing_of(conn, &author).await?;
        let priority = self.assess_priority(
            &author,
            item.created_at,
            &labels,
            customer.as_ref(),
            item.engagement,
        );
        mentions::set_triage(conn, id, &labels, &priority).await?;
        Ok(Some(labels))
    }

    /// Records an agent's label on an item, applies it at once, and teaches triage. Call
    /// [`Engine::retriage_like`] next (in the background) so that open items like it follow.
    pub async fn label_item(&self, id: &str, label: AgentLabel) -> Result<(), EngineError> {
        let item_id = crate::service::parse_id(id)?;
        let now = self.clock.now();
        let mut conn = earshot_store::acquire(&self.db).await?;
        let item = mentions::get(&mut conn, item_id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {id} no longer exists.")))?;
        let (question, answer) = match label {
            AgentLabel::Spam(s) => (Question::Spam, if s { "yes" } else { "no" }.to_owned()),
            AgentLabel::Intent(i) => (Question::Intent, i.as_str().to_owned()),
        };
        labels::put(&mut conn, item_id, question, &answer, now).await?;
        let verdict = verdict_of(&labels::of_item(&mut conn, item_id).await?);
        self.triage.remember(item_id.0, &item.text, verdict);
        self.retriage(&mut conn, item_id).await?;
        Ok(())
    }

    /// An agent's action as a label: a reply or an escalation says the item needed a person; closing it
    /// without a reply says it did not.
    pub(crate) async fn learn_actionable(
        &self,
        item_id: ItemId,
        actionable: bool,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        let mut conn = earshot_store::acquire(&self.db).await?;
        let Some(item) = mentions::get(&mut conn, item_id).await? else {
            return Ok(());
        };
        labels::put(
            &mut conn,
            item_id,
            Question::Actionable,
            if actionable { "yes" } else { "no" },
            now,
        )
        .await?;
        let verdict = verdict_of(&labels::of_item(&mut conn, item_id).await?);
        self.triage.remember(item_id.0, &item.text, verdict);
        self.retriage(&mut conn, item_id).await?;
        Ok(())
    }

    /// Labels again the open items like item `id` (after an agent labelled it): only they can change, so a
    /// label costs a scan of the open texts, not a re-triage of the whole inbox.
    pub async fn retriage_like(
        &self,
        id: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<u32, EngineError> {
        let item_id = crate::service::parse_id(id)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let Some(item) = mentions::get(&mut conn, item_id).await? else {
            return Ok(0);
        };
        let open = mentions::open_texts(&mut conn).await?;
        drop(conn);
        let model = self.triage.model();
        let z = model.featurizer();
        let mut probe = Memory::new();
        probe.remember(z, item_id.0, &item.text, Verdict::default());
        let like: Vec<ItemId> = open
            .into_iter()
            .filter(|(other, text)| *other != item_id && probe.nearest(z, text, None).is_some())
            .map(|(other, _)| other)
            .collect();
        let total = u32::try_from(like.len()).unwrap_or(u32::MAX);
        for (n, chunk) in like.chunks(BATCH as usize).enumerate() {
            let mut tx = earshot_store::begin(&self.db).await?;
            for other in chunk {
                self.retriage(&mut tx, *other).await?;
            }
            earshot_store::commit(tx).await?;
            progress(&Progress {
                done: u32::try_from((n * BATCH as usize + chunk.len()).min(like.len())).unwrap_or(total),
                total,
                phase: "Triaging similar items again".into(),
            });
        }
        Ok(total)
    }

    /// Labels every open item again with what triage knows now (after new weights).
    pub async fn retriage_open_items(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<u32, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let ids = mentions::ids_with_status(&mut conn, Some(ItemStatus::Open)).await?;
        let total = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        for (n, chunk) in ids.chunks(BATCH as usize).enumerate() {
            let mut tx = earshot_store::begin(&self.db).await?;
            for id in chunk {
                self.retriage(&mut tx, *id).await?;
            }
            earshot_store::commit(tx).await?;
            progress(&Progress {
                done: u32::try_from((n * BATCH as usize + chunk.len()).min(ids.len())).unwrap_or(total),
                total,
                phase: "Triaging again".into(),
            });
        }
        Ok(total)
    }

    /// Triages the items stored before triage existed (or imported by an older version).
    pub async fn triage_backlog(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<u32, EngineError> {
        let total = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            u32::try_from(mentions::count_untriaged(&mut conn).await?).unwrap_or(u32::MAX)
        };
        let mut done = 0u32;
        loop {
            let mut tx = earshot_store::begin(&self.db).await?;
            let ids = mentions::untriaged(&mut tx, BATCH).await?;
            if ids.is_empty() {
                break;
            }
            for id in &ids {
                self.retriage(&mut tx, *id).await?;
            }
            earshot_store::commit(tx).await?;
            done += u32::try_from(ids.len()).unwrap_or(0);
            progress(&Progress {
                done,
                total: total.max(done),
                phase: "Triaging".into(),
            });
        }
        Ok(done)
    }

    pub fn priority_weights(&self) -> PriorityWeights {
        self.triage.weights()
    }

    /// Saves new weights and scores every open item again with them.
    pub async fn set_priority_weights(
        &self,
        weights: PriorityWeights,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(), EngineError> {
        let all = [
            weights.followers,
            weights.verified,
            weights.new_account,
            weights.established_account,
            weights.waiting_per_hour,
            weights.engagement,
            weights.complaint,
            weights.question,
            weights.praise,
            weights.negative,
            weights.urgent,
            weights.spam,
            weights.customer,
        ];
        if all.iter().any(|w| !w.is_finite() || !(0.0..=100.0).contains(w)) {
            return Err(EngineError::Invalid(
                "Each weight must be a number from 0 to 100.".into(),
            ));
        }
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            let json = serde_json::to_string(&weights).map_err(|e| EngineError::Invalid(e.to_string()))?;
            workspace::set(&mut conn, WEIGHTS_KEY, &json).await?;
            self.triage
                .seen
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .weights = Some(json);
        }
        *self.triage.weights.write().unwrap_or_else(|e| e.into_inner()) = weights;
        self.retriage_open_items(progress).await?;
        Ok(())
    }

    /// How triage does on the agents' own labels. With the starter model, each labelled item is judged as if
    /// it had not been labelled. With a model retrained on them, the figures are those it scored on the labels
    /// held back from its training.
    pub async fn triage_quality(&self) -> Result<TriageQuality, EngineError> {
        let (found, retrained) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            let retrained = last_retraining(&mut conn).await?;
            (labels::all(&mut conn).await?, retrained)
        };
        let model = self.triage.model().provenance().to_owned();
        if let Some(r) = retrained.as_ref().filter(|r| r.adopted) {
            return Ok(TriageQuality {
                spam_labels: r.after.spam_labels,
                spam_precision: r.after.spam_precision,
                spam_recall: r.after.spam_recall,
                intent_labels: r.after.intent_labels,
                intent_accuracy: r.after.intent_accuracy,
                model,
                retrained,
            });
        }
        let (mut tp, mut fp, mut fn_, mut spam_n) = (0u32, 0u32, 0u32, 0u32);
        let (mut intent_n, mut intent_ok) = (0u32, 0u32);
        for l in &found {
            let judged = self.triage.assess(&l.text, Some((l.item.0, Verdict::default())));
            match l.question {
                Question::Spam => {
                    spam_n += 1;
                    let truth = l.answer == "yes";
                    match (judged.is_spam(), truth) {
                        (true, true) => tp += 1,
                        (true, false) => fp += 1,
                        (false, true) => fn_ += 1,
                        (false, false) => {}
                    }
                }
                Question::Intent => {
                    intent_n += 1;
                    intent_ok += u32::from(judged.intent.as_str() == l.answer);
                }
                Question::Actionable => {}
            }
        }
        let ratio = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
        Ok(TriageQuality {
            spam_labels: spam_n,
            spam_precision: ratio(tp, tp + fp),
            spam_recall: ratio(tp, tp + fn_),
            intent_labels: intent_n,
            intent_accuracy: ratio(intent_ok, intent_n),
            model,
            retrained,
        })
    }

    /// Retrains the starter model's spam and intent models on this workspace's recent mentions and every
    /// agent's label (the work runs on a blocking thread). The new model is used, kept for next time, and the
    /// open items triaged again with it, only if it does no worse than the starter model on labels held back
    /// from it (`docs/triage.md`).
    pub async fn retrain_triage(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<RetrainReport, EngineError> {
        let Ok(_one) = self.triage.retraining.try_lock() else {
            return Err(EngineError::Invalid(
                "Triage is already retraining; it will be done in a moment.".into(),
            ));
        };
        let (found, background) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            (
                labels::all(&mut conn).await?,
                mentions::recent_texts(&mut conn, RETRAIN_MENTIONS).await?,
            )
        };
        let mut by_item: std::collections::BTreeMap<i64, Taught> = Default::default();
        for l in found {
            let t = by_item.entry(l.item.0).or_insert_with(|| Taught {
                text: l.text.clone(),
                spam: None,
                intent: None,
            });
            match l.question {
                Question::Spam => t.spam = Some(l.answer == "yes"),
                Question::Intent => t.intent = Some(l.answer.clone()),
                Question::Actionable => {}
            }
        }
        let taught: Vec<Taught> = by_item
            .into_values()
            .filter(|t| t.spam.is_some() || t.intent.is_some())
            .collect();
        let labels = u32::try_from(taught.len()).unwrap_or(u32::MAX);
        let mentions = u32::try_from(background.len()).unwrap_or(u32::MAX);
        // Always from the starter model, so retrainings never drift on their own output.
        let current = ModelSet::from_bytes(earshot_triage::assess::STARTER)
            .map_err(|e| EngineError::Invalid(format!("Triage could not retrain: {e}.")))?;

        // The CPU-heavy part on a blocking thread, its progress passed back here.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Progress>();
        let work = tokio::task::spawn_blocking(move || {
            teach::retrain(&current, &background, &taught, &mut |what, done, total| {
                let _ = tx.send(Progress {
                    done: u32::try_from(done).unwrap_or(u32::MAX),
                    total: u32::try_from(total).unwrap_or(u32::MAX),
                    phase: what.to_owned(),
                });
            })
        });
        while let Some(p) = rx.recv().await {
            progress(&p);
        }
        let retrained = work
            .await
            .map_err(|e| EngineError::Invalid(format!("Retraining stopped unexpectedly: {e}")))?
            .map_err(|e| EngineError::Invalid(format!("Triage could not retrain: {e}.")))?;

        let report = RetrainReport {
            at: self.clock.now().to_rfc3339(),
            labels,
            mentions,
            held_back: retrained.held_back,
            before: retrained.before.into(),
            after: retrained.after.into(),
            adopted: retrained.better,
        };
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            if report.adopted {
                use base64::Engine as _;
                let bytes = retrained
                    .set
                    .to_bytes()
                    .map_err(|e| EngineError::Invalid(e.to_string()))?;
                workspace::set(
                    &mut conn,
                    MODEL_KEY,
                    &base64::engine::general_purpose::STANDARD.encode(bytes),
                )
                .await?;
            }
            let json = serde_json::to_string(&report).map_err(|e| EngineError::Invalid(e.to_string()))?;
            workspace::set(&mut conn, RETRAINED_KEY, &json).await?;
            self.triage
                .seen
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .retrained = Some(json);
        }
        if report.adopted {
            let model = Triage::new(&retrained.set)
                .map_err(|e| EngineError::Invalid(format!("Triage could not retrain: {e}.")))?;
            *self.triage.model.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(model);
            self.retriage_open_items(progress).await?;
        }
        Ok(report)
    }

    /// Takes up the priority weights and the retrained model another process saved since (another desktop
    /// of the team, the sync worker, or the CLI), so new mentions are triaged and scored as theirs are. Two
    /// small reads when nothing changed; the app and `earshot sync` call it every round. True when something
    /// was taken up.
    pub async fn refresh_triage(&self) -> Result<bool, EngineError> {
        let (weights, retrained) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            (
                workspace::get(&mut conn, WEIGHTS_KEY).await?,
                workspace::get(&mut conn, RETRAINED_KEY).await?,
            )
        };
        let seen = self.triage.seen.read().unwrap_or_else(|e| e.into_inner()).clone();
        if seen.weights == weights && seen.retrained == retrained {
            return Ok(false);
        }
        if seen.weights != weights {
            let w = weights
                .as_deref()
                .and_then(|w| serde_json::from_str(w).ok())
                .unwrap_or_default();
            *self.triage.weights.write().unwrap_or_else(|e| e.into_inner()) = w;
        }
        let adopted = retrained
            .as_deref()
            .and_then(|r| serde_json::from_str::<RetrainReport>(r).ok())
            .is_some_and(|r| r.adopted);
        if seen.retrained != retrained && adopted {
            let stored = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                workspace::get(&mut conn, MODEL_KEY).await?
            };
            match stored.map(|m| read_model(&m)) {
                Some(Ok(model)) => *self.triage.model.write().unwrap_or_else(|e| e.into_inner()) = model,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "the workspace's retrained triage model is unreadable")
                }
                None => {}
            }
        }
        *self.triage.seen.write().unwrap_or_else(|e| e.into_inner()) = Seen { weights, retrained };
        Ok(true)
    }

    /// Retrains when agents have labelled [`RETRAIN_EVERY`] more items since the last retraining (or since
    /// the start); `None` when it is not due yet or another retraining is running.
    pub async fn retrain_if_due(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Option<RetrainReport>, EngineError> {
        let (labelled, last) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            let last = last_retraining(&mut conn).await?;
            (labels::labelled_items(&mut conn).await?, last)
        };
        let since = last.map_or(0, |r| r.labels);
        if labelled < i64::from(since + RETRAIN_EVERY) || self.triage.retraining.try_lock().is_err() {
            return Ok(None);
        }
        match self.retrain_triage(progress).await {
            Ok(r) => Ok(Some(r)),
            // Another retraining started in between: it covers these labels.
            Err(EngineError::Invalid(m)) if m.contains("already retraining") => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Keeps the state shareable across the engine's clones.
pub(crate) type SharedTriage = Arc<TriageState>;
