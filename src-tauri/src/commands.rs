//! Each command is a few lines: find the engine, call it, and tell the window what changed.

use earshot_core::{ItemStatus, PriorityWeights, Role};
use earshot_crm::ContactFields;
use earshot_engine::{
    AccountView, ActionKind, ActionRequest, AgentLabel, ApiError, Columns, ComposeCheck, ContactFileKind,
    ContactFilePreview, ContactImportReport, ContactSource, ContactView, CrmSourceView, CrmSyncReport,
    CustomerPanel, Engine, ErrorCode, HandleSummary, ImportReport, InboxPage, InboxQuery, ItemView,
    OutboxView, Progress, RetrainReport, SourceView, SpendView, SyncReport, TriageQuality, WorkspaceInfo,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use tauri_specta::Event;

use crate::{AppState, InboxChanged, SignIn};

pub(crate) fn engine<'a>(state: &'a State<'_, AppState>) -> Result<&'a Engine, ApiError> {
    state.0.as_ref().map_err(Clone::clone)
}

pub(crate) fn changed(app: &AppHandle, reason: &str) {
    if let Err(e) = (InboxChanged {
        reason: reason.into(),
    })
    .emit(app)
    {
        tracing::warn!(error = %e, "could not tell the window that the inbox changed");
    }
}

#[tauri::command]
#[specta::specta]
pub async fn workspace_info(state: State<'_, AppState>) -> Result<WorkspaceInfo, ApiError> {
    Ok(engine(&state)?.workspace_info().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_page(
    state: State<'_, AppState>,
    query: InboxQuery,
    offset: u32,
    limit: u32,
) -> Result<InboxPage, ApiError> {
    Ok(engine(&state)?.inbox(&query, offset, limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_item(state: State<'_, AppState>, id: String) -> Result<ItemView, ApiError> {
    Ok(engine(&state)?.item(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_status(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    status: ItemStatus,
) -> Result<(), ApiError> {
    engine(&state)?.set_status(&id, status).await?;
    changed(&app, "status");
    Ok(())
}

/// An agent's label on an item ("spam", "not spam", an intent). The item moves at once; open items like it
/// are triaged again in the background, with progress on `on_progress`, and the window hears when done.
#[tauri::command]
#[specta::specta]
pub async fn label_item(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    label: AgentLabel,
    on_progress: Channel<Progress>,
) -> Result<(), ApiError> {
    let engine = engine(&state)?.clone();
    engine.label_item(&id, label).await?;
    changed(&app, "label");
    tauri::async_runtime::spawn(async move {
        let result = engine
            .retriage_like(&id, &mut |p: &Progress| {
                let _ = on_progress.send(p.clone());
            })
            .await;
        match result {
            Ok(_) => changed(&app, "triage"),
            Err(e) => tracing::warn!(error = %e, "could not triage the open items again"),
        }
        // Every few labels, the models learn from all of them (in the background; progress as above).
        let retrained = engine
            .retrain_if_due(&mut |p: &Progress| {
                let _ = on_progress.send(p.clone());
            })
            .await;
        match retrained {
            Ok(Some(_)) => changed(&app, "triage"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not retrain triage"),
        }
    });
    Ok(())
}

/// Retrains the spam and intent models on this workspace's mentions and its agents' labels now, with
/// progress; the window hears when the open items have been triaged again with the new model.
#[tauri::command]
#[specta::specta]
pub async fn retrain_triage(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<RetrainReport, ApiError> {
    let report = engine(&state)?
        .retrain_triage(&mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    if report.adopted {
        changed(&app, "triage");
    }
    Ok(report)
}

#[tauri::command]
#[specta::specta]
pub async fn priority_weights(state: State<'_, AppState>) -> Result<PriorityWeights, ApiError> {
    Ok(engine(&state)?.priority_weights())
}

/// Saves the weights and scores every open item again, with progress.
#[tauri::command]
#[specta::specta]
pub async fn set_priority_weights(
    app: AppHandle,
    state: State<'_, AppState>,
    weights: PriorityWeights,
    on_progress: Channel<Progress>,
) -> Result<(), ApiError> {
    engine(&state)?
        .set_priority_weights(weights, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "weights");
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn triage_quality(state: State<'_, AppState>) -> Result<TriageQuality, ApiError> {
    Ok(engine(&state)?.triage_quality().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_handles(state: State<'_, AppState>) -> Result<Vec<HandleSummary>, ApiError> {
    Ok(engine(&state)?.handles().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn load_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<ImportReport, ApiError> {
    let report = engine(&state)?
        .load_demo(&mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "import");
    Ok(report)
}

/// Opens a web address from a mention in the system browser. Only `http` and `https` are ever opened.
#[tauri::command]
#[specta::specta]
pub async fn open_link(app: AppHandle, url: String) -> Result<(), ApiError> {
    let Some(safe) = earshot_core::safe_link(&url) else {
        return Err(ApiError {
            code: ErrorCode::InvalidInput,
            message: "Earshot only opens web addresses (http and https); this link was not opened.".into(),
        });
    };
    app.opener().open_url(safe, None::<&str>).map_err(|e| ApiError {
        code: ErrorCode::Internal,
        message: format!("Earshot could not open your web browser: {e}. Copy the address instead."),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>, ApiError> {
    Ok(engine(&state)?.accounts().await?)
}

/// Connects a Mastodon account with a pasted access token. The token goes straight to the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn connect_mastodon(
    app: AppHandle,
    state: State<'_, AppState>,
    server: String,
    token: String,
    role: Role,
) -> Result<AccountView, ApiError> {
    let account = engine(&state)?.connect_mastodon(&server, &token, role).await?;
    changed(&app, "accounts");
    Ok(account)
}

/// Connects a Mastodon account by approving Earshot in the system browser (OAuth with PKCE, answered on a
/// loopback address). Resolves when the person approves or refuses there, after five minutes, or when
/// `cancel_sign_in` is called. Only one sign-in runs at a time; a new one cancels the old.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_mastodon(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_in: State<'_, SignIn>,
    server: String,
    role: Role,
    on_address: Channel<String>,
) -> Result<AccountView, ApiError> {
    let (cancelled, open) = browser_sign_in(&app, &sign_in, on_address);
    let account = engine(&state)?
        .sign_in_mastodon(&server, role, &open, cancelled)
        .await?;
    changed(&app, "accounts");
    Ok(account)
}

/// Starts a browser sign-in: cancels any other one in progress, and gives the cancel signal and what opens
/// the approval address (in the system browser, and in the window for when no browser opens).
fn browser_sign_in(
    app: &AppHandle,
    sign_in: &SignIn,
    on_address: Channel<String>,
) -> (
    tokio::sync::watch::Receiver<bool>,
    impl Fn(&url::Url) + Send + Sync,
) {
    let (cancel, cancelled) = tokio::sync::watch::channel(false);
    if let Some(old) = sign_in
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(cancel)
    {
        let _ = old.send(true);
    }
    let opener = app.clone();
    let open = move |url: &url::Url| {
        let _ = on_address.send(url.to_string());
        if let Err(e) = opener.opener().open_url(url.as_str(), None::<&str>) {
            tracing::warn!(error = %e, "could not open the browser for a sign-in");
        }
    };
    (cancelled, open)
}

/// Connects an X account through the brand's own X app by approving Earshot in the system browser (OAuth
/// 2.0 with PKCE). The app must list `http://127.0.0.1:53682/callback` as a callback address.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_x(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_in: State<'_, SignIn>,
    client_id: String,
    role: Role,
    on_address: Channel<String>,
) -> Result<AccountView, ApiError> {
    let (cancelled, open) = browser_sign_in(&app, &sign_in, on_address);
    let account = engine(&state)?
        .sign_in_x(&client_id, role, None, None, &open, cancelled)
        .await?;
    changed(&app, "accounts");
    Ok(account)
}

/// Connects an X account with tokens in hand: an access token, or the JSON answer of X's token endpoint.
/// They go straight to the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn connect_x(
    app: AppHandle,
    state: State<'_, AppState>,
    client_id: String,
    token: String,
    role: Role,
) -> Result<AccountView, ApiError> {
    let account = engine(&state)?.connect_x(&client_id, &token, role, None).await?;
    changed(&app, "accounts");
    Ok(account)
}

/// X's estimated spend per handle, today and this month, with the prices and the monthly budget.
#[tauri::command]
#[specta::specta]
pub async fn x_spend(state: State<'_, AppState>) -> Result<SpendView, ApiError> {
    Ok(engine(&state)?.spend().await?)
}

/// A price to change: what X bills for (`post_read`…) and its new price in US dollars.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct PriceEdit {
    pub kind: String,
    pub usd: f64,
}

/// Sets X's monthly budget (or removes it with `clear_budget`) and any prices given.
#[tauri::command]
#[specta::specta]
pub async fn set_x_spend(
    app: AppHandle,
    state: State<'_, AppState>,
    budget_usd: Option<f64>,
    clear_budget: bool,
    prices: Vec<PriceEdit>,
) -> Result<SpendView, ApiError> {
    let budget = if clear_budget {
        Some(None)
    } else {
        budget_usd.map(Some)
    };
    let prices: Vec<(String, f64)> = prices.into_iter().map(|p| (p.kind, p.usd)).collect();
    let view = engine(&state)?.set_spend_settings(budget, &prices).await?;
    changed(&app, "accounts");
    Ok(view)
}

/// Cancels the browser sign-in in progress, if any.
#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(sign_in: State<'_, SignIn>) {
    if let Some(cancel) = sign_in.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = cancel.send(true);
    }
}

/// Fetches a listening source now, even if its site was asked recently (a site's own Retry-After still
/// holds).
#[tauri::command]
#[specta::specta]
pub async fn sync_source(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    on_progress: Channel<Progress>,
) -> Result<SyncReport, ApiError> {
    let report = engine(&state)?
        .sync_source(&id, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "sync");
    Ok(report)
}

/// Fetches one account's new mentions now.
#[tauri::command]
#[specta::specta]
pub async fn sync_account(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    on_progress: Channel<Progress>,
) -> Result<SyncReport, ApiError> {
    let report = engine(&state)?
        .sync_account(&id, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "sync");
    Ok(report)
}

/// Connects a Bluesky account with its handle and an app password, on its PDS (blank for bsky.social). The
/// password goes straight to the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn connect_bluesky(
    app: AppHandle,
    state: State<'_, AppState>,
    service: String,
    handle: String,
    app_password: String,
    role: Role,
) -> Result<AccountView, ApiError> {
    let account = engine(&state)?
        .connect_bluesky(&service, &handle, &app_password, role)
        .await?;
    changed(&app, "accounts");
    Ok(account)
}

/// Changes an account's role and, when given, its brand keywords.
#[tauri::command]
#[specta::specta]
pub async fn update_account(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    role: Option<Role>,
    keywords: Option<Vec<String>>,
) -> Result<AccountView, ApiError> {
    let account = engine(&state)?.update_account(&id, role, keywords).await?;
    changed(&app, "accounts");
    Ok(account)
}

/// Disconnects an account and deletes its secret; its mentions stay in the inbox.
#[tauri::command]
#[specta::specta]
pub async fn remove_account(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    engine(&state)?.remove_account(&id).await?;
    changed(&app, "accounts");
    Ok(())
}

/// Every listening source (RSS and Atom feeds), with its keywords, health and next fetch.
#[tauri::command]
#[specta::specta]
pub async fn sources(state: State<'_, AppState>) -> Result<Vec<SourceView>, ApiError> {
    Ok(engine(&state)?.sources().await?)
}

/// Starts listening to a feed: it is fetched once, and what matches the keywords joins the inbox.
#[tauri::command]
#[specta::specta]
pub async fn add_source(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    include: Vec<String>,
    exclude: Vec<String>,
    role: Role,
) -> Result<SourceView, ApiError> {
    let source = engine(&state)?.add_source(&url, &include, &exclude, role).await?;
    changed(&app, "sources");
    Ok(source)
}

/// Changes a source's keywords (a list given replaces the old one) or role.
#[tauri::command]
#[specta::specta]
pub async fn update_source(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    role: Option<Role>,
) -> Result<SourceView, ApiError> {
    let source = engine(&state)?.update_source(&id, include, exclude, role).await?;
    changed(&app, "sources");
    Ok(source)
}

/// Stops listening to a source; the items it found stay in the inbox.
#[tauri::command]
#[specta::specta]
pub async fn remove_source(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    engine(&state)?.remove_source(&id).await?;
    changed(&app, "sources");
    Ok(())
}

/// What the composer should show before sending: the default "from" handle, warnings, and the length limit.
#[tauri::command]
#[specta::specta]
pub async fn compose_check(
    state: State<'_, AppState>,
    item_id: String,
    kind: ActionKind,
    from: Option<String>,
    text: String,
    saved_reply_id: Option<String>,
) -> Result<ComposeCheck, ApiError> {
    Ok(engine(&state)?
        .compose_check(&item_id, kind, from.as_deref(), &text, saved_reply_id.as_deref())
        .await?)
}

/// Queues a reply, direct message, boost or like in the durable outbox and tries to send it at once.
#[tauri::command]
#[specta::specta]
pub async fn queue_action(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ActionRequest,
) -> Result<OutboxView, ApiError> {
    let engine = engine(&state)?;
    let queued = engine.queue_action(&request).await?;
    let tried = engine.send_due().await?;
    changed(&app, "outbox");
    Ok(tried.into_iter().find(|v| v.id == queued.id).unwrap_or(queued))
}

/// Outgoing actions, newest first: for one item, or all of them.
#[tauri::command]
#[specta::specta]
pub async fn list_outbox(
    state: State<'_, AppState>,
    item_id: Option<String>,
) -> Result<Vec<OutboxView>, ApiError> {
    Ok(engine(&state)?.outbox(item_id.as_deref()).await?)
}

/// Tries a failed action again now.
#[tauri::command]
#[specta::specta]
pub async fn retry_action(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<OutboxView, ApiError> {
    let engine = engine(&state)?;
    let queued = engine.retry_action(&id).await?;
    let tried = engine.send_due().await?;
    changed(&app, "outbox");
    Ok(tried.into_iter().find(|v| v.id == queued.id).unwrap_or(queued))
}

/// A first look at a contact file the user picked (sent as base64): its kind, columns, the preset they
/// look like and a mapping to start from.
#[tauri::command]
#[specta::specta]
pub async fn preview_contacts(content: String) -> Result<ContactFilePreview, ApiError> {
    let bytes = earshot_engine::decode_upload(&content)?;
    Ok(earshot_engine::preview_contact_file(&bytes)?)
}

/// Imports a contact file (sent as base64). With `dry_run`, only says what it would do. After a real
/// import, every open item is scored again in the background (who is a customer may have changed).
#[tauri::command]
#[specta::specta]
pub async fn import_contacts(
    app: AppHandle,
    state: State<'_, AppState>,
    content: String,
    kind: ContactFileKind,
    columns: Option<Columns>,
    dry_run: bool,
    on_progress: Channel<Progress>,
) -> Result<ContactImportReport, ApiError> {
    let engine = engine(&state)?.clone();
    let bytes = earshot_engine::decode_upload(&content)?;
    let source = match (kind, columns) {
        (ContactFileKind::Vcard, _) => ContactSource::Vcard {
            text: String::from_utf8(bytes).map_err(|_| ApiError {
                code: ErrorCode::InvalidInput,
                message: "A vCard file must be UTF-8 text.".into(),
            })?,
        },
        (ContactFileKind::Csv, Some(columns)) => ContactSource::Csv { bytes, columns },
        (ContactFileKind::Csv, None) => {
            return Err(ApiError {
                code: ErrorCode::InvalidInput,
                message: "Choose a preset or map the columns first.".into(),
            })
        }
    };
    let report = engine
        .import_contacts(source, dry_run, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    if !dry_run {
        changed(&app, "contacts");
        tauri::async_runtime::spawn(async move {
            match engine.rescore_open_items(&mut |_: &Progress| {}).await {
                Ok(_) => changed(&app, "contacts"),
                Err(e) => tracing::warn!(error = %e, "could not score the open items again after an import"),
            }
        });
    }
    Ok(report)
}

/// Who wrote an item, to us: the linked or suggested customer, why, and their history on every channel.
#[tauri::command]
#[specta::specta]
pub async fn item_customer(state: State<'_, AppState>, id: String) -> Result<CustomerPanel, ApiError> {
    Ok(engine(&state)?.item_customer(&id).await?)
}

/// Links an item's author to a contact ("Link to customer"); this wins over every automatic rule.
#[tauri::command]
#[specta::specta]
pub async fn link_customer(
    app: AppHandle,
    state: State<'_, AppState>,
    item: String,
    contact: String,
    agent: Option<String>,
) -> Result<ContactView, ApiError> {
    let c = engine(&state)?
        .link_customer(&item, &contact, agent.as_deref())
        .await?;
    changed(&app, "customer");
    Ok(c)
}

/// Says an item's author is not the customer they are linked or suggested to.
#[tauri::command]
#[specta::specta]
pub async fn unlink_customer(
    app: AppHandle,
    state: State<'_, AppState>,
    item: String,
    agent: Option<String>,
) -> Result<Option<String>, ApiError> {
    let c = engine(&state)?.unlink_customer(&item, agent.as_deref()).await?;
    changed(&app, "customer");
    Ok(c)
}

/// Creates a contact; with `item`, links that item's author to it.
#[tauri::command]
#[specta::specta]
pub async fn create_contact(
    app: AppHandle,
    state: State<'_, AppState>,
    fields: ContactFields,
    item: Option<String>,
    agent: Option<String>,
) -> Result<ContactView, ApiError> {
    let c = engine(&state)?
        .create_contact(fields, item.as_deref(), agent.as_deref())
        .await?;
    changed(&app, "customer");
    Ok(c)
}

#[tauri::command]
#[specta::specta]
pub async fn update_contact(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    fields: ContactFields,
) -> Result<ContactView, ApiError> {
    let c = engine(&state)?.update_contact(&id, fields).await?;
    changed(&app, "customer");
    Ok(c)
}

/// Folds contact `gone` into `keep`; `gone` is deleted.
#[tauri::command]
#[specta::specta]
pub async fn merge_contacts(
    app: AppHandle,
    state: State<'_, AppState>,
    keep: String,
    gone: String,
) -> Result<ContactView, ApiError> {
    let c = engine(&state)?.merge_contacts(&keep, &gone).await?;
    changed(&app, "customer");
    Ok(c)
}

#[tauri::command]
#[specta::specta]
pub async fn get_contact(state: State<'_, AppState>, id: String) -> Result<ContactView, ApiError> {
    Ok(engine(&state)?.contact(&id).await?)
}

/// Contacts whose name, email, company or accounts contain `query`; all (by name) when it is empty.
#[tauri::command]
#[specta::specta]
pub async fn search_contacts(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<Vec<ContactView>, ApiError> {
    Ok(engine(&state)?.search_contacts(&query, limit).await?)
}

/// Live CRM connections (CardDAV address books), with their health.
#[tauri::command]
#[specta::specta]
pub async fn crm_sources(state: State<'_, AppState>) -> Result<Vec<CrmSourceView>, ApiError> {
    Ok(engine(&state)?.crm_sources().await?)
}

/// Connects a CardDAV account: finds its address books, keeps the password in the OS keyring, and reads
/// every card once, with progress.
#[tauri::command]
#[specta::specta]
pub async fn add_carddav(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    username: String,
    password: String,
    on_progress: Channel<Progress>,
) -> Result<CrmSyncReport, ApiError> {
    let engine = engine(&state)?;
    let (_, report) = engine
        .add_carddav(&url, &username, &password, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "contacts");
    let _ = engine.rescore_open_items(&mut |_: &Progress| {}).await;
    changed(&app, "contacts");
    Ok(report)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_crm_source(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    on_progress: Channel<Progress>,
) -> Result<CrmSyncReport, ApiError> {
    let report = engine(&state)?
        .sync_crm_source(&id, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "contacts");
    Ok(report)
}

/// Removes a CRM connection, its password, and the contacts that came only from it.
#[tauri::command]
#[specta::specta]
pub async fn remove_crm_source(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<(), ApiError> {
    engine(&state)?.remove_crm_source(&id).await?;
    changed(&app, "contacts");
    Ok(())
}

/// Connects HubSpot with a private app's access token (kept in the OS keyring) and reads every contact
/// once, with progress.
#[tauri::command]
#[specta::specta]
pub async fn add_hubspot(
    app: AppHandle,
    state: State<'_, AppState>,
    token: String,
    on_progress: Channel<Progress>,
) -> Result<CrmSyncReport, ApiError> {
    let engine = engine(&state)?;
    let (_, report) = engine
        .add_hubspot(&token, None, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?;
    changed(&app, "contacts");
    let _ = engine.rescore_open_items(&mut |_: &Progress| {}).await;
    changed(&app, "contacts");
    Ok(report)
}
