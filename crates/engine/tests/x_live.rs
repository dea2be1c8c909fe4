//! X accounts end to end: connecting, catching up, renewing, rate limits, X's errors, the spend ledger and
//! its budget, and every outgoing action, against a local X server that checks each request and answer
//! against X's official OpenAPI description (earshot_networks::replay::x), with the tokens in the real OS
//! keyring (run inside tests/e2e/harness.sh, as scripts/test.sh does). Each test uses its own usernames, so
//! their keyring entries never meet.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use earshot_core::Role;
use earshot_engine::{ActionKind, ActionRequest, Engine, FixedClock, InboxQuery, Progress};
use earshot_networks::replay::x::{Fault, XServer, XUserSeed};
use url::Url;

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    earshot_engine::open_for_test(dir.path().join("ws"), Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

/// A server with our handle (ID 100) and two customers (200, 300), and our handle connected with a token
/// and a refresh token.
async fn connected(dir: &tempfile::TempDir, ours: &str) -> (XServer, Engine, String) {
    let x = XServer::start(vec![
        XUserSeed::new("100", ours, 5_000),
        XUserSeed::new("200", "dana_r", 1_200),
        XUserSeed::new("300", "sam", 40),
    ]);
    let (access, refresh) = x.sign_in("100", "brand-app");
    let engine = engine(dir).await;
    let secret = serde_json::json!({"access_token": access, "refresh_token": refresh, "expires_in": 7200});
    let account = engine
        .connect_x(
            "brand-app",
            &secret.to_string(),
            Role::Support,
            Some(x.base.as_str()),
        )
        .await
        .expect("connect");
    assert_eq!(account.account, ours.to_lowercase());
    assert_eq!(account.network, earshot_core::Network::X);
    (x, engine, account.id)
}

fn assert_clean(x: &XServer) {
    assert!(
        x.violations().is_empty(),
        "broke X's description: {:#?}",
        x.violations()
    );
}

async fn total(engine: &Engine) -> u32 {
    engine.inbox(&InboxQuery::default(), 0, 1).await.unwrap().total
}

#[tokio::test]
async fn mentions_arrive_once_and_resume_from_since_id_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "ResumeHelp").await;
    for i in 0..230 {
        x.post("200", &format!("@ResumeHelp question {i}"), None);
    }
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        (report.imported, report.pages, report.problem.as_deref()),
        (230, 3, None)
    );
    let item = engine
        .inbox(&InboxQuery::default(), 0, 1)
        .await
        .unwrap()
        .rows
        .remove(0);
    assert_eq!(item.author_handle, "dana_r");
    assert_eq!(item.author_followers, 1_200, "authors come with the page");

    drop(engine);
    let engine = self::engine(&dir).await;
    let newest_before = x.post("300", "@resumehelp my order never came", None);
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        (report.imported, report.pages),
        (1, 1),
        "only the new one, in one page"
    );
    let asked = x
        .seen()
        .into_iter()
        .rev()
        .find(|s| s.path == "/2/users/100/mentions")
        .unwrap();
    let since = asked
        .query
        .iter()
        .find(|(k, _)| k == "since_id")
        .map(|(_, v)| v.clone());
    assert!(
        since.is_some_and(|s| s < newest_before),
        "resumed from the stored since_id"
    );
    let again = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        again.imported + again.merged,
        0,
        "a sync with nothing new adds nothing"
    );
    assert_eq!(total(&engine).await, 231);
    assert_clean(&x);
}

#[tokio::test]
async fn a_long_backlog_is_walked_over_two_syncs_without_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "BacklogHelp").await;
    for i in 0..1_050 {
        x.post(
            if i % 2 == 0 { "200" } else { "300" },
            &format!("@BacklogHelp number {i}"),
            None,
        );
    }
    let first = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        (first.imported, first.pages),
        (1_000, 10),
        "ten pages a sync at most"
    );
    let newer = x.post("200", "@BacklogHelp arrived between the syncs", None);
    let second = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        second.imported, 50,
        "the rest of the walk, below where it stopped"
    );
    let third = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(third.imported, 1, "then what is newer than the first walk");
    assert_eq!(total(&engine).await, 1_051);
    let found = engine
        .inbox(
            &InboxQuery {
                search: Some("between".into()),
                ..Default::default()
            },
            0,
            5,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1, "{newer} is in");
    assert_clean(&x);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_a_refused_renewal_is_shown_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "RenewHelp").await;
    x.post("200", "@RenewHelp hello", None);
    x.fault(Fault::ExpireToken);
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        (report.imported, report.problem.as_deref()),
        (1, None),
        "renewed and went on"
    );
    assert!(
        x.seen()
            .iter()
            .any(|s| s.path == "/2/oauth2/token" && s.body.contains("grant_type=refresh_token")),
        "the refresh token was used"
    );
    x.post("300", "@RenewHelp still there?", None);
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        report.imported, 1,
        "the rotated refresh token was saved and the new access token works"
    );

    x.revoke("100");
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    let problem = report.problem.expect("a refused renewal is reported");
    assert!(problem.contains("Reconnect"), "{problem}");
    assert!(
        !problem.contains("x-refresh") && !problem.contains("x-access"),
        "no secret in: {problem}"
    );
    let account = engine.accounts().await.unwrap().remove(0);
    assert_eq!(
        account.state, "token_invalid",
        "shown on the Accounts screen at once"
    );
    assert_clean(&x);
}

#[tokio::test]
async fn rate_limits_and_x_problems_are_reported_in_x_s_words() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "LimitHelp").await;
    let reset = now().timestamp() + 900;
    x.fault(Fault::RateLimit { reset });
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert!(report.problem.is_some());
    let account = engine.accounts().await.unwrap().remove(0);
    assert_eq!(account.state, "rate_limited");
    assert_eq!(
        account.rate_limited_until.as_deref(),
        Some("2026-11-28T12:15:00Z")
    );
    let waited = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert!(
        waited.problem.unwrap().contains("Rate-limited"),
        "until the reset, Earshot waits without asking"
    );

    let dir2 = tempfile::tempdir().unwrap();
    let (x2, engine2, id2) = connected(&dir2, "ProblemHelp").await;
    x2.fault(Fault::Problem {
        status: 400,
        detail: "The `since_id` query parameter is invalid.".into(),
    });
    let report = engine2.sync_account(&id2, &mut quiet()).await.unwrap();
    assert!(
        report
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("The `since_id` query parameter is invalid.")),
        "{report:?}"
    );
    assert_clean(&x);
    assert_clean(&x2);
}

#[tokio::test]
async fn the_spend_ledger_counts_as_x_bills_and_the_budget_pauses_search_then_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "SpendHelp").await;
    engine
        .update_account(&id, None, Some(vec!["spokewise".into()]))
        .await
        .unwrap();
    // $1 a month; a post read is $0.005 and a user read $0.01 (X's published prices, left as they are).
    engine.set_spend_settings(Some(Some(1.0)), &[]).await.unwrap();
    for i in 0..100 {
        x.post("200", &format!("@SpendHelp spokewise wheel {i}"), None);
    }
    for i in 0..50 {
        x.post("300", &format!("spokewise saddle {i}"), None);
    }
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(report.imported, 150, "{report:?}");
    let spend = engine.spend().await.unwrap();
    // 150 posts, the 100 found twice (as mentions and by the search) billed once; 2 users, each billed once.
    assert_eq!(spend.today.len(), 1);
    assert_eq!(
        (spend.today[0].handle.as_str(), spend.today[0].reads),
        ("@spendhelp", 152)
    );
    assert!(
        (spend.today_usd - (150.0 * 0.005 + 2.0 * 0.01)).abs() < 1e-9,
        "{}",
        spend.today_usd
    );
    assert_eq!(spend.month_usd, spend.today_usd);
    assert!(spend.paused.is_none(), "$0.77 of $1.00");

    for i in 0..30 {
        x.post("200", &format!("@SpendHelp spokewise more {i}"), None);
    }
    for i in 0..10 {
        x.post("300", &format!("spokewise bell {i}"), None);
    }
    let searches_before = x
        .seen()
        .iter()
        .filter(|s| s.path == "/2/tweets/search/recent")
        .count();
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        report.imported, 30,
        "mentions are fetched; the search-only posts wait"
    );
    let problem = report.problem.expect("$0.92 is over 90% of $1.00");
    assert!(
        problem.contains("keyword search is paused") && problem.contains("$1.00"),
        "{problem}"
    );
    let searches_after = x
        .seen()
        .iter()
        .filter(|s| s.path == "/2/tweets/search/recent")
        .count();
    assert_eq!(searches_after, searches_before, "search paused first");
    let spend = engine.spend().await.unwrap();
    assert_eq!(spend.paused.as_deref(), Some(problem.as_str()));

    for i in 0..20 {
        x.post("200", &format!("@SpendHelp again {i}"), None);
    }
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(report.imported, 20, "mentions go on until the budget is reached");

    x.post("200", "@SpendHelp one more", None);
    let asked_before = x.seen().len();
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(report.imported, 0);
    let problem = report.problem.unwrap();
    assert!(
        problem.starts_with("X is paused") && problem.contains("Replies still go out"),
        "{problem}"
    );
    assert_eq!(x.seen().len(), asked_before, "nothing is fetched at the budget");
    let account = engine.accounts().await.unwrap().remove(0);
    assert_eq!(
        account.problem.as_deref(),
        Some(problem.as_str()),
        "said plainly on the account"
    );

    // Raising the budget lets it go on; a price edit is used at once.
    let spend = engine
        .set_spend_settings(Some(Some(50.0)), &[("post_read".into(), 0.001)])
        .await
        .unwrap();
    assert!(spend.paused.is_none());
    assert!(spend
        .prices
        .iter()
        .any(|p| p.kind == "post_read" && p.usd == 0.001 && !p.is_default));
    let report = engine.sync_account(&id, &mut quiet()).await.unwrap();
    assert_eq!(
        (report.imported, report.problem),
        (11, None),
        "the mention, and the search catches up"
    );
    assert_clean(&x);
}

fn ask(item: &str, from: &str, kind: ActionKind, text: Option<&str>) -> ActionRequest {
    ActionRequest {
        item_id: item.to_owned(),
        kind,
        from: from.to_owned(),
        text: text.map(str::to_owned),
        confirmed: false,
        requested_by: Some("Sam".into()),
        saved_reply_id: None,
    }
}

#[tokio::test]
async fn replies_reposts_likes_and_direct_messages_go_out_once_even_after_a_lost_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "ActHelp").await;
    drop(engine);
    let clock = Arc::new(FixedClock::new(now()));
    let engine = earshot_engine::open_for_test(dir.path().join("ws"), clock.clone())
        .await
        .unwrap();
    let question = x.post("200", "@ActHelp my wheel is bent", None);
    engine.sync_account(&id, &mut quiet()).await.unwrap();
    let item = engine
        .inbox(&InboxQuery::default(), 0, 1)
        .await
        .unwrap()
        .rows
        .remove(0)
        .id;

    // The reply lands, then its answer is lost: the retry finds it instead of posting twice.
    x.fault(Fault::FailAfterWrite);
    engine
        .queue_action(&ask(
            &item,
            &id,
            ActionKind::Reply,
            Some("Sorry! A new wheel is on its way. ^S"),
        ))
        .await
        .unwrap();
    let first = engine.send_due().await.unwrap();
    assert_eq!(first[0].state, "queued", "{first:?}");
    assert!(
        first[0]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("try again")),
        "{first:?}"
    );
    let ours = x.posts_by("100");
    assert_eq!(ours.len(), 1);
    assert_eq!(
        ours[0].2.as_deref(),
        Some(question.as_str()),
        "a reply to the question"
    );

    engine
        .queue_action(&ask(&item, &id, ActionKind::Boost, None))
        .await
        .unwrap();
    engine
        .queue_action(&ask(&item, &id, ActionKind::Like, None))
        .await
        .unwrap();
    engine
        .queue_action(&ask(
            &item,
            &id,
            ActionKind::Dm,
            Some("Could you send us your order number?"),
        ))
        .await
        .unwrap();
    // The rest goes now; the reply when its backoff has passed.
    engine.send_due().await.unwrap();
    clock.set(now() + chrono::Duration::minutes(1));
    engine.send_due().await.unwrap();

    let done = engine.outbox(Some(&item)).await.unwrap();
    assert!(done.iter().all(|o| o.state == "sent"), "{done:#?}");
    assert_eq!(x.posts_by("100").len(), 1, "the reply went out once");
    assert_eq!(x.reposts(), [("100".to_owned(), question.clone())]);
    assert_eq!(x.likes(), [("100".to_owned(), question.clone())]);
    assert_eq!(
        x.dms(),
        [(
            "100".into(),
            "200".into(),
            "Could you send us your order number?".into()
        )],
        "X direct messages are not prefixed with the handle"
    );
    let spend = engine.spend().await.unwrap();
    assert_eq!(
        spend.today[0].writes, 4,
        "reply, repost, like and message: one write each"
    );
    assert_clean(&x);
}

/// Opens the address as a browser would, and keeps the page it ends on.
fn browser(pages: Arc<Mutex<Vec<String>>>) -> impl Fn(&Url) + Send + Sync {
    move |url: &Url| {
        let (url, pages) = (url.clone(), Arc::clone(&pages));
        tokio::spawn(async move {
            let page = reqwest::get(url).await.unwrap().text().await.unwrap();
            pages.lock().unwrap().push(page);
        });
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn signing_in_in_the_browser_connects_with_pkce_and_a_refusal_says_so() {
    let x = XServer::start(vec![XUserSeed::new("500", "BrowserHelp", 10)]);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let pages = Arc::new(Mutex::new(Vec::new()));
    let (_stop, cancel) = tokio::sync::watch::channel(false);

    x.approve_as(None);
    let refused = engine
        .sign_in_x(
            "brand-app",
            Role::Marketing,
            Some(x.base.as_str()),
            Some(free_port()),
            &browser(Arc::clone(&pages)),
            cancel.clone(),
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("did not give Earshot access"),
        "{refused}"
    );

    x.approve_as(Some("500"));
    let account = engine
        .sign_in_x(
            "brand-app",
            Role::Marketing,
            Some(x.base.as_str()),
            Some(free_port()),
            &browser(Arc::clone(&pages)),
            cancel,
        )
        .await
        .expect("signed in");
    assert_eq!(
        (account.account.as_str(), account.role),
        ("browserhelp", Role::Marketing)
    );
    let token = x
        .seen()
        .into_iter()
        .find(|s| s.path == "/2/oauth2/token")
        .unwrap();
    assert!(token.body.contains("code_verifier="), "PKCE: {}", token.body);
    assert!(token.body.contains("client_id=brand-app"));
    // The browser tab says "connected" only once the account is saved.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pages.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
    assert!(pages
        .lock()
        .unwrap()
        .iter()
        .any(|p| p.contains("Earshot is connected")));
    engine.remove_account(&account.id).await.unwrap();
    assert_clean(&x);
}

#[tokio::test]
async fn a_send_refused_for_good_marks_the_account_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (x, engine, id) = connected(&dir, "RevokedHelp").await;
    x.post("200", "@RevokedHelp hi", None);
    engine.sync_account(&id, &mut quiet()).await.unwrap();
    let item = engine
        .inbox(&InboxQuery::default(), 0, 1)
        .await
        .unwrap()
        .rows
        .remove(0)
        .id;
    x.revoke("100");
    engine
        .queue_action(&ask(&item, &id, ActionKind::Reply, Some("Hello!")))
        .await
        .unwrap();
    let sent = engine.send_due().await.unwrap();
    assert_eq!(sent[0].state, "failed", "{sent:?}");
    let account = engine.accounts().await.unwrap().remove(0);
    assert_eq!(
        account.state, "token_invalid",
        "the Accounts screen shows it before the next sync"
    );
    assert!(account.problem.unwrap().contains("Reconnect"));
    assert!(x.posts_by("100").is_empty());
    assert_clean(&x);
}
