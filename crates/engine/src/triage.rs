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
use earshot_triage::memory::{Memory, Neighbour, Verdict};
use earshot_triage::Triage;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::views::Progress;
use crate::{Engine, EngineError};

/// The workspace key of the priority weights (JSON).
const WEIGHTS_KEY: &str = "priority.weights";
/// Items triaged per transaction when catching up.
const BATCH: i64 = 500;

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
    model: Arc<Triage>,
    memory: RwLock<Memory>,
    weights: RwLock<PriorityWeights>,
}

impl TriageState {
    pub(crate) fn weights(&self) -> PriorityWeights {
        *self.weights.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Labels a text: the model's verdict, then what agents said about the most similar item.
    pub(crate) fn assess(&self, text: &str, own: Option<(i64, Verdict)>) -> Labels {
        let mut labels = self.model.assess(text);
        if let Some((_, verdict)) = own {
            apply(&mut labels, verdict, LabelSource::Agent, None);
        }
        let own_id = own.map(|(id, _)| id);
        let neighbour = self.memory.read().unwrap_or_else(|e| e.into_inner()).nearest(
            self.model.featurizer(),
            text,
            own_id,
        );
        if let Some(n) = neighbour {
            apply(&mut labels, n.verdict, LabelSource::Similar, Some(n));
        }
        labels
    }

    fn remember(&self, item: i64, text: &str, verdict: Verdict) {
        self.memory.write().unwrap_or_else(|e| e.into_inner()).remember(
            self.model.featurizer(),
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
    /// What the shipped model was trained on.
    pub model: String,
}

impl Engine {
    pub(crate) fn open_triage(
        conn_labels: Vec<labels::AgentLabel>,
        stored_weights: Option<String>,
    ) -> Result<TriageState, EngineError> {
        let model = starter()?;
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
            model,
            memory: RwLock::new(memory),
            weights: RwLock::new(weights),
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
        let z = self.triage.model.featurizer();
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
        }
        *self.triage.weights.write().unwrap_or_else(|e| e.into_inner()) = weights;
        self.retriage_open_items(progress).await?;
        Ok(())
    }

    /// How triage does on the agents' own labels, each item judged as if it had not been labelled.
    pub async fn triage_quality(&self) -> Result<TriageQuality, EngineError> {
        let found = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            labels::all(&mut conn).await?
        };
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
            model: self.triage.model.provenance().to_owned(),
        })
    }
}

/// Keeps the state shareable across the engine's clones.
pub(crate) type SharedTriage = Arc<TriageState>;
