//! Saved replies: keeping them, finding them by fuzzy search, filling in their variables for one item, and
//! the agent's signature on what is sent.

use std::collections::BTreeMap;

use earshot_core::Network;
use earshot_store::{replies, ItemId};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::service::{parse_id, rfc3339};
use crate::{Engine, EngineError};

const MAX_TITLE_CHARS: usize = 80;
const MAX_BODY_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SavedReplyView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub updated_at: String,
    /// How many replies were written from it.
    pub uses: u32,
}

/// A variable a saved reply can use, for the editor's help.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TemplateVariable {
    pub name: String,
    pub description: String,
}

/// A saved reply filled in for one item: the text to put in the composer, and how long it comes out on
/// the item's network once signed.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ReplyPreview {
    pub saved_reply_id: String,
    pub title: String,
    /// The text with its variables filled in (the signature is added on sending, as for any reply).
    pub text: String,
    /// Variables with no value here, left in braces for the agent to fill ("order").
    pub missing: Vec<String>,
    pub unknown: Vec<String>,
    /// The signature that will follow the text, if the handle signs replies.
    pub signature: Option<String>,
    pub limit: Option<u32>,
    /// Length of text plus signature, counted the network's way.
    pub used: u32,
    /// "You sent this saved reply to @ann on 12 Nov 14:05." when it went to this author before.
    pub warning: Option<String>,
}

/// A request to save a reply; `id` is set to change one.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct SaveReplyRequest {
    pub id: Option<String>,
    pub title: String,
    pub body: String,
}

fn view(r: replies::SavedReplyRow) -> SavedReplyView {
    SavedReplyView {
        id: r.id.to_string(),
        title: r.title,
        body: r.body,
        updated_at: rfc3339(r.updated_at),
        uses: u32::try_from(r.uses).unwrap_or(u32::MAX),
    }
}

fn parse_reply_id(raw: &str) -> Result<i64, EngineError> {
    raw.trim()
        .parse()
        .map_err(|_| EngineError::NotFound(format!("There is no saved reply '{raw}'.")))
}

pub fn template_variables() -> Vec<TemplateVariable> {
    earshot_desk::VARIABLES
        .iter()
        .map(|(name, description)| TemplateVariable {
            name: (*name).to_owned(),
            description: (*description).to_owned(),
        })
        .collect()
}

impl Engine {
    /// Saved replies best first for `query` (fuzzy, titles before bodies); all by title when it is empty.
    pub async fn saved_replies(&self, query: &str) -> Result<Vec<SavedReplyView>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let all = replies::list(&mut conn).await?;
        let hits = earshot_desk::fuzzy(query, all.iter().map(|r| (r.title.as_str(), r.body.as_str())));
        Ok(hits.into_iter().map(|h| view(all[h.index].clone())).collect())
    }

    pub async fn save_reply(&self, req: &SaveReplyRequest) -> Result<SavedReplyView, EngineError> {
        let title = req.title.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = req.body.trim();
        if title.is_empty() {
            return Err(EngineError::Invalid(
                "Give the saved reply a title: it is what you search for.".into(),
            ));
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(EngineError::Invalid(format!(
                "Keep the title under {MAX_TITLE_CHARS} characters."
            )));
        }
        if body.is_empty() {
            return Err(EngineError::Invalid("Write the reply's text.".into()));
        }
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(EngineError::Invalid(format!(
                "Keep a saved reply under {MAX_BODY_CHARS} characters."
            )));
        }
        let rendered = earshot_desk::render(body, &earshot_desk::Vars::new());
        if let Some(u) = rendered.unknown.first() {
            let known: Vec<String> = earshot_desk::VARIABLES
                .iter()
                .map(|(n, _)| format!("{{{n}}}"))
                .collect();
            return Err(EngineError::Invalid(format!(
                "The text uses {{{u}}}, which Earshot does not fill in. Use one of {}, or write {{{{ for a brace.",
                known.join(", ")
            )));
        }
        let id = req.id.as_deref().map(parse_reply_id).transpose()?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let saved = replies::save(&mut conn, id, &title, body, self.clock.now())
            .await?
            .ok_or_else(|| EngineError::NotFound("That saved reply was deleted meanwhile.".into()))?;
        let row = replies::get(&mut conn, saved)
            .await?
            .ok_or_else(|| EngineError::NotFound("The saved reply disappeared.".into()))?;
        Ok(view(row))
    }

    pub async fn delete_reply(&self, id: &str) -> Result<(), EngineError> {
        let id = parse_reply_id(id)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        if replies::delete(&mut conn, id).await? {
            Ok(())
        } else {
            Err(EngineError::NotFound("That saved reply no longer exists.".into()))
        }
    }

    /// The signature the person at this desk adds when answering from the handle of account `from`, if the
    /// handle's policy signs replies and they have one.
    pub(crate) async fn signature_for(
        &self,
        from: &earshot_store::accounts::AccountRow,
    ) -> Result<Option<String>, EngineError> {
        if !self.policies().await?.signs(from.handle_id) {
            return Ok(None);
        }
        let me = self.me().await?;
        Ok(Some(me.signature_preview).filter(|s| !s.is_empty()))
    }

    /// A saved reply filled in for an item, answered from account `from` (or the item's default handle).
    pub async fn preview_reply(
        &self,
        item_id: &str,
        saved_reply_id: &str,
        from: Option<&str>,
        values: &BTreeMap<String, String>,
    ) -> Result<ReplyPreview, EngineError> {
        let item = parse_id(item_id)?;
        let reply_id = parse_reply_id(saved_reply_id)?;
        let (saved, row) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            let saved = replies::get(&mut conn, reply_id)
                .await?
                .ok_or_else(|| EngineError::NotFound("That saved reply no longer exists.".into()))?;
            let row = earshot_store::mentions::get(&mut conn, item)
                .await?
                .ok_or_else(|| EngineError::NotFound(format!("Inbox item {item_id} no longer exists.")))?;
            (saved, row)
        };
        let check = self
            .compose_check(item_id, crate::ActionKind::Reply, from, "", None)
            .await?;
        let from_row = match from.or(check.default_from.as_deref()) {
            Some(id) => Some(self.account_row(id).await?),
            None => None,
        };
        let me = self.me().await?;
        let profile = earshot_desk::AgentProfile {
            name: me.name.clone(),
            signature: me.signature.clone(),
        };
        let name = row.author.display_name.clone().unwrap_or_default();
        let mut vars = earshot_desk::Vars::new()
            .author(&name, &row.author.handle)
            .agent(&profile);
        if let Some(f) = &from_row {
            vars = vars.handle(&f.account);
        }
        for (k, v) in values {
            if !v.trim().is_empty() {
                vars = vars.set(k, v.trim());
            }
        }
        let rendered = earshot_desk::render(&saved.body, &vars);
        let signature = match &from_row {
            Some(f) => self.signature_for(f).await?,
            None => None,
        };
        let full = earshot_desk::signed(&rendered.text, signature.as_deref().unwrap_or_default());
        let warning = self.repeat_warning(item, reply_id).await?;
        let network = row.network;
        Ok(ReplyPreview {
            saved_reply_id: saved.id.to_string(),
            title: saved.title,
            text: rendered.text,
            missing: rendered.missing,
            unknown: rendered.unknown,
            signature,
            limit: (network != Network::Web).then(|| crate::outbox::limit(network)),
            used: crate::outbox::used(network, &full),
            warning,
        })
    }

    /// Warns when the same saved reply already went to this author: people notice being answered by rote.
    pub(crate) async fn repeat_warning(
        &self,
        item: ItemId,
        saved_reply: i64,
    ) -> Result<Option<String>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let Some(at) = replies::last_sent_to_author_of(&mut conn, saved_reply, item).await? else {
            return Ok(None);
        };
        let author = earshot_store::mentions::get(&mut conn, item)
            .await?
            .map(|r| r.author.handle)
            .unwrap_or_default();
        Ok(Some(format!(
            "You already sent this saved reply to @{author} ({}). Consider writing this one in your own words.",
            at.format("%-d %b %Y")
        )))
    }
}
