//! The X client against a local server held to X's official OpenAPI description
//! (`earshot_networks::replay::x`): every request it sends and every answer it gets is checked against the
//! schema, and each test ends by asserting that nothing broke it.

use chrono::{DateTime, Utc};
use earshot_networks::replay::x::{Fault, XServer, XUserSeed};
use earshot_networks::x::XClient;
use earshot_networks::FetchError;

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn server() -> XServer {
    XServer::start(vec![
        XUserSeed::new("100", "AcmeHelp", 5_000),
        XUserSeed::new("200", "dana_r", 1_200),
        XUserSeed::new("300", "sam", 40),
    ])
}

fn client(x: &XServer, user: &str) -> XClient {
    let (token, _) = x.sign_in(user, "client-1");
    XClient::new(reqwest::Client::new(), x.base.clone(), token)
}

fn assert_clean(x: &XServer) {
    assert!(
        x.violations().is_empty(),
        "broke X's description: {:#?}",
        x.violations()
    );
}

#[tokio::test]
async fn mentions_page_back_and_resume_from_since_id() {
    let x = server();
    for i in 0..230 {
        x.post("200", &format!("@AcmeHelp question number {i}"), None);
    }
    x.post("300", "nothing about the brand", None);
    let me = client(&x, "100");
    let who = me.me(now()).await.unwrap();
    assert_eq!((who.id.as_str(), who.username.as_str()), ("100", "AcmeHelp"));

    let mut pages = 0;
    let mut token: Option<String> = None;
    let mut ids = Vec::new();
    let mut newest = None;
    loop {
        let page = me
            .mentions("100", None, None, token.as_deref(), now())
            .await
            .unwrap();
        pages += 1;
        newest = newest.or(page.newest_id.clone());
        for entry in &page.entries {
            let m = entry.as_ref().unwrap();
            assert_eq!(m.author.handle.as_str(), "dana_r");
            assert_eq!(m.author.followers, 1_200, "authors come in the same answer");
            ids.push(m.remote_id.clone());
        }
        assert!(page.rate_limit.is_some(), "X's rate-limit headers are read");
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3, "230 mentions at 100 a page");
    assert_eq!(ids.len(), 230);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 230, "no post twice across pages");

    let later = x.post("300", "@acmehelp one more", None);
    let since = me
        .mentions("100", newest.as_deref(), None, None, now())
        .await
        .unwrap();
    assert_eq!(since.entries.len(), 1, "only what is newer than since_id");
    assert_eq!(since.entries[0].as_ref().unwrap().remote_id, later);
    assert_eq!(since.billed_posts, std::slice::from_ref(&later));
    assert_eq!(since.billed_users, ["300"]);
    let nothing = me.mentions("100", Some(&later), None, None, now()).await.unwrap();
    assert!(nothing.entries.is_empty() && nothing.newest_id.is_none());
    assert_clean(&x);
}

#[tokio::test]
async fn search_finds_the_brand_without_a_mention() {
    let x = server();
    let hit = x.post("200", "Acme bikes shipped me a broken wheel", None);
    x.post("100", "Acme bikes news from us", None);
    x.post("300", "a post about something else", None);
    let me = client(&x, "100");
    let page = me
        .search_recent(
            "\"acme bikes\" -is:retweet -from:AcmeHelp",
            None,
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    let found: Vec<_> = page
        .entries
        .iter()
        .map(|e| e.as_ref().unwrap().remote_id.clone())
        .collect();
    assert_eq!(found, [hit]);
    assert_clean(&x);
}

#[tokio::test]
async fn every_action_lands_and_is_described_correctly() {
    let x = server();
    let question = x.post("200", "@AcmeHelp where is my order?", None);
    let me = client(&x, "100");
    let reply = me
        .create_post("@dana_r on its way & tracked", Some(&question), "AcmeHelp", now())
        .await
        .unwrap();
    assert_eq!(
        reply.url.as_deref(),
        Some(format!("https://x.com/AcmeHelp/status/{}", reply.id).as_str())
    );
    let ours = x.posts_by("100");
    assert_eq!(
        ours,
        [(
            reply.id.clone(),
            "@dana_r on its way & tracked".to_owned(),
            Some(question.clone())
        )]
    );
    me.react("100", &question, true, now()).await.unwrap();
    me.react("100", &question, false, now()).await.unwrap();
    me.react("100", &question, false, now())
        .await
        .expect("liking twice is harmless");
    assert_eq!(x.reposts(), [("100".to_owned(), question.clone())]);
    assert_eq!(x.likes(), [("100".to_owned(), question.clone())]);
    let dana = me.user_id("dana_r", now()).await.unwrap();
    assert_eq!(dana.as_deref(), Some("200"));
    assert_eq!(me.user_id("nobody_here", now()).await.unwrap(), None);
    me.send_dm("200", "Send us your order number?", now())
        .await
        .unwrap();
    assert_eq!(
        x.dms(),
        [("100".into(), "200".into(), "Send us your order number?".into())]
    );
    let events = me.dm_events("200", now()).await.unwrap();
    assert_eq!(events[0].1, "Send us your order number?");
    let own = me.own_posts("100", now()).await.unwrap();
    assert_eq!(own[0].in_reply_to.as_deref(), Some(question.as_str()));
    assert_eq!(
        own[0].text, "@dana_r on its way & tracked",
        "X's escaping is undone"
    );
    assert_clean(&x);
}

#[tokio::test]
async fn errors_say_what_x_said() {
    let x = server();
    let me = client(&x, "100");
    let question = x.post("200", "@AcmeHelp hi", None);

    let reset = now().timestamp() + 600;
    x.fault(Fault::RateLimit { reset });
    match me.mentions("100", None, None, None, now()).await {
        Err(FetchError::RateLimited { until, .. }) => assert_eq!(until.timestamp(), reset, "X's own reset"),
        other => panic!("expected a rate limit, got {other:?}"),
    }

    x.fault(Fault::Problem {
        status: 400,
        detail: "The `query` parameter value is too long.".into(),
    });
    match me.search_recent("acme", None, None, None, now()).await {
        Err(FetchError::Rejected {
            status: 400, reason, ..
        }) => {
            assert_eq!(reason, "The `query` parameter value is too long.")
        }
        other => panic!("expected the problem's detail, got {other:?}"),
    }

    me.create_post("same words", Some(&question), "AcmeHelp", now())
        .await
        .unwrap();
    match me
        .create_post("same words", Some(&question), "AcmeHelp", now())
        .await
    {
        Err(FetchError::Rejected {
            status: 403, reason, ..
        }) => assert!(reason.contains("duplicate"), "{reason}"),
        other => panic!("expected X's refusal of duplicate text, got {other:?}"),
    }

    x.fault(Fault::ExpireToken);
    assert!(matches!(me.me(now()).await, Err(FetchError::Unauthorized { .. })));
    assert!(
        matches!(me.me(now()).await, Err(FetchError::Unauthorized { .. })),
        "an expired token stays expired"
    );
    assert_clean(&x);
}

#[tokio::test]
async fn the_server_catches_requests_that_break_the_description() {
    let x = server();
    let (token, _) = x.sign_in("100", "client-1");
    let http = reqwest::Client::new();
    let bad = http
        .get(
            x.base
                .join("2/users/100/mentions?max_results=500&colour=blue")
                .unwrap(),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let v = x.violations();
    assert!(
        v.iter().any(|p| p.contains("'colour' is not documented")),
        "{v:?}"
    );
    assert!(v.iter().any(|p| p.contains("max_results")), "{v:?}");
}
