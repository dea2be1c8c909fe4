//! HubSpot against a small local server that follows HubSpot's documented CRM v3 shapes.
//!
//! What the stand-in covers, and no more: `POST /crm/v3/objects/contacts/search` with one filter group (EQ,
//! case-insensitive, and GTE on `lastmodifieddate`), ascending sort on `lastmodifieddate`, `limit` and the
//! `after` cursor with `paging.next` (and HubSpot's 400 for a cursor past 10,000 results); `GET /crm/v3/owners/{id}` (404 for an unknown owner); a Bearer token
//! (401 with HubSpot's error body otherwise); and 429 with `Retry-After` when a test asks for it. It does not
//! cover OAuth, other objects, associations or property validation.
//! The token is kept in the real Secret Service, so this runs inside tests/e2e/harness.sh.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use earshot_core::Network;
use earshot_engine::{CustomerStatus, Engine, FixedClock, Progress};
use serde_json::{json, Value};

const TOKEN: &str = "pat-na1-test-token";

#[derive(Default)]
struct Hub {
    contacts: Vec<Value>,
    /// Answer the next search with 429 and this Retry-After (seconds).
    throttle_next: Option<u32>,
    searches: u32,
}

fn contact(id: u32, modified: i64) -> Value {
    json!({
        "id": id.to_string(),
        "properties": {
            "firstname": format!("Person{id}"), "lastname": "Example",
            "email": format!("person{id}@customer{}.example", id % 7),
            "hubspot_owner_id": if id.is_multiple_of(2) { "101" } else { "102" },
            "lifecyclestage": "customer", "twitterhandle": format!("person_{id}"),
            "total_revenue": format!("{}", id * 100), "lastmodifieddate": modified.to_string(),
            "hs_object_id": id.to_string(),
        },
        "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z", "archived": false,
    })
}

fn respond(request: tiny_http::Request, status: u16, body: Value, headers: &[(&str, String)]) {
    let mut response = tiny_http::Response::from_string(body.to_string())
        .with_status_code(status)
        .with_header(
            tiny_http::Header::from_bytes("Content-Type", "application/json;charset=utf-8").unwrap(),
        );
    for (k, v) in headers {
        response = response.with_header(tiny_http::Header::from_bytes(*k, v.as_bytes()).unwrap());
    }
    let _ = request.respond(response);
}

fn serve(hub: Arc<Mutex<Hub>>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let authorised = request
                .headers()
                .iter()
                .any(|h| h.field.equiv("Authorization") && h.value.as_str() == format!("Bearer {TOKEN}"));
            if !authorised {
                respond(
                    request,
                    401,
                    json!({"status": "error", "message": "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview", "correlationId": "00000000-0000-0000-0000-000000000000", "category": "INVALID_AUTHENTICATION"}),
                    &[],
                );
                continue;
            }
            let url = request.url().to_owned();
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let mut hub = hub.lock().unwrap();
            if let Some(owner) = url.strip_prefix("/crm/v3/owners/") {
                match owner {
                    "101" => respond(
                        request,
                        200,
                        json!({"id": "101", "email": "maya@brand.example", "firstName": "Maya", "lastName": "Lindqvist", "userId": 9001, "archived": false}),
                        &[],
                    ),
                    _ => respond(
                        request,
                        404,
                        json!({"status": "error", "message": "Owner not found", "category": "OBJECT_NOT_FOUND"}),
                        &[],
                    ),
                }
                continue;
            }
            if url != "/crm/v3/objects/contacts/search" || request.method() != &tiny_http::Method::Post {
                respond(
                    request,
                    404,
                    json!({"status": "error", "message": "Not found"}),
                    &[],
                );
                continue;
            }
            hub.searches += 1;
            if let Some(seconds) = hub.throttle_next.take() {
                respond(
                    request,
                    429,
                    json!({"status": "error", "message": "You have reached your ten_secondly_rolling limit.", "errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"}),
                    &[("Retry-After", seconds.to_string())],
                );
                continue;
            }
            let query: Value = serde_json::from_str(&body).unwrap();
            let filters = query["filterGroups"][0]["filters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut found: Vec<Value> = hub
                .contacts
                .iter()
                .filter(|c| {
                    filters.iter().all(|f| {
                        let have = c["properties"][f["propertyName"].as_str().unwrap()]
                            .as_str()
                            .unwrap_or("");
                        let want = f["value"].as_str().unwrap_or("");
                        match f["operator"].as_str().unwrap() {
                            "EQ" => have.eq_ignore_ascii_case(want),
                            "GTE" => have.parse::<i64>().unwrap_or(0) >= want.parse::<i64>().unwrap_or(0),
                            other => panic!("the stand-in does not do {other}"),
                        }
                    })
                })
                .cloned()
                .collect();
            found.sort_by_key(|c| {
                c["properties"]["lastmodifieddate"]
                    .as_str()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap()
            });
            let limit = query["limit"].as_u64().unwrap_or(10).min(100) as usize;
            let start: usize = query["after"].as_str().map_or(0, |a| a.parse().unwrap());
            if start + limit > 10_000 {
                respond(
                    request,
                    400,
                    json!({"status": "error", "message": "There was a problem with the request.", "category": "VALIDATION_ERROR"}),
                    &[],
                );
                continue;
            }
            let page: Vec<Value> = found.iter().skip(start).take(limit).cloned().collect();
            let mut answer = json!({"total": found.len(), "results": page});
            if start + limit < found.len() {
                let next = (start + limit).to_string();
                answer["paging"] = json!({"next": {"after": next, "link": format!("?after={next}")}});
            }
            respond(request, 200, answer, &[]);
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

/// The stand-in holding contacts 1..=`count`, each changed a millisecond after the last, and an empty
/// workspace.
async fn hub_and_engine(count: u32) -> (Arc<Mutex<Hub>>, String, tempfile::TempDir, Engine) {
    let hub = Arc::new(Mutex::new(Hub {
        contacts: (1..=count)
            .map(|i| contact(i, 1_700_000_000_000 + i64::from(i)))
            .collect(),
        ..Default::default()
    }));
    let api = serve(hub.clone());
    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap();
    (hub, api, dir, engine)
}

#[tokio::test]
async fn contacts_page_in_past_a_rate_limit_stay_in_step_and_unknown_authors_are_asked_for() {
    let (hub, api, _dir, engine) = hub_and_engine(230).await;

    let refused = engine
        .add_hubspot("pat-wrong", Some(&api), &mut quiet())
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("HubSpot refused this account's sign-in (Authentication credentials not found"),
        "{refused}"
    );
    assert!(engine.crm_sources().await.unwrap().is_empty());

    // The first page is refused with a short Retry-After: the sync waits it out and reads all three pages.
    hub.lock().unwrap().throttle_next = Some(1);
    let (source, report) = engine.add_hubspot(TOKEN, Some(&api), &mut quiet()).await.unwrap();
    assert_eq!((report.created, report.updated), (230, 0), "{report:?}");
    assert_eq!(source.contacts, 230);
    assert_eq!(
        hub.lock().unwrap().searches,
        1 + 1 + 3,
        "the token check, the throttled try, three pages"
    );

    let found = engine.lookup_customer(Network::X, "@Person_8").await.unwrap();
    assert_eq!(found.status, CustomerStatus::Linked);
    let c = found.contact.unwrap();
    assert_eq!(c.fields.owner.as_deref(), Some("Maya Lindqvist"));
    assert_eq!(c.fields.lifecycle.as_deref(), Some("customer"));
    assert_eq!(c.fields.lifetime_value, Some(800.0));
    assert_eq!(c.standing.as_deref(), Some("Customer, 800 lifetime"));
    assert_eq!(
        engine
            .lookup_customer(Network::X, "person_9")
            .await
            .unwrap()
            .contact
            .unwrap()
            .fields
            .owner
            .as_deref(),
        Some("owner 102")
    );

    // One contact changes: the next sync asks only for what changed since the last one.
    {
        let mut hub = hub.lock().unwrap();
        hub.contacts[4]["properties"]["company"] = json!("Acme Renewals");
        hub.contacts[4]["properties"]["lastmodifieddate"] = json!("1700000009999");
    }
    let delta = engine.sync_crm_source(&source.id, &mut quiet()).await.unwrap();
    assert_eq!((delta.created, delta.updated), (0, 1), "{delta:?}");
    let five = engine
        .lookup_customer(Network::X, "person_5")
        .await
        .unwrap()
        .contact
        .unwrap();
    assert_eq!(five.fields.company.as_deref(), Some("Acme Renewals"));

    // An author the local copy does not know is asked for by the Twitter-handle property.
    hub.lock().unwrap().contacts.push(contact(999, 1_700_000_000_500));
    let late = engine.lookup_customer(Network::X, "person_999").await.unwrap();
    assert_eq!(late.status, CustomerStatus::Linked, "found by a live search");

    // A contact an agent creates here joins HubSpot's record of the same email.
    hub.lock()
        .unwrap()
        .contacts
        .push(contact(1000, 1_700_000_000_600));
    let mine = earshot_crm::ContactFields {
        name: Some("New here".into()),
        emails: vec!["person1000@customer6.example".into()],
        ..Default::default()
    };
    let created = engine.create_contact(mine, None, None).await.unwrap();
    let joined = engine.contact(&created.id).await.unwrap();
    assert_eq!(
        joined.fields.owner.as_deref(),
        Some("Maya Lindqvist"),
        "{joined:?}"
    );
    assert!(joined.origin.is_some(), "and says it comes from HubSpot");

    // A long rate limit ends the sync; the connection says so, and the contacts stay.
    hub.lock().unwrap().throttle_next = Some(120);
    let limited = engine
        .sync_crm_source(&source.id, &mut quiet())
        .await
        .unwrap_err();
    assert!(
        limited.to_string().contains("HubSpot asks Earshot to slow down"),
        "{limited}"
    );
    let listed = &engine.crm_sources().await.unwrap()[0];
    assert!(listed.last_error.is_some());
    assert_eq!(listed.contacts, 232);
    assert_eq!(
        engine
            .lookup_customer(Network::X, "person_8")
            .await
            .unwrap()
            .status,
        CustomerStatus::Linked
    );
}

#[tokio::test]
async fn a_portal_larger_than_one_search_can_serve_is_read_whole() {
    let (_hub, api, _dir, engine) = hub_and_engine(10_050).await;
    let (source, report) = engine.add_hubspot(TOKEN, Some(&api), &mut quiet()).await.unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(
        report.created, 10_050,
        "every contact, past the 10,000 a single search serves"
    );
    assert_eq!(source.contacts, 10_050);
    assert_eq!(
        engine
            .lookup_customer(Network::X, "person_10050")
            .await
            .unwrap()
            .status,
        CustomerStatus::Linked
    );
}
