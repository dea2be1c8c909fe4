//! The Bluesky dev network that tests/support/with-bsky-net.sh runs (Bluesky's own PLC, PDS and AppView
//! from `@atproto/dev-env`, on loopback), as the tests and benchmarks that use it see it.

use chrono::Utc;
use url::Url;

use crate::bluesky::BlueskyClient;

/// One of the network's accounts.
pub struct DevAccount {
    pub handle: String,
    pub password: String,
}

/// The running network: its PDS and its accounts (support.earshot.test, marketing.earshot.test, alice.test,
/// bob.test).
pub struct DevNet {
    pub pds: Url,
    pub accounts: Vec<DevAccount>,
}

impl DevNet {
    /// The network described by the file `EARSHOT_BSKY_NET` names. A test that needs it fails when it is
    /// missing: it never passes by skipping.
    pub fn get() -> Self {
        let path = std::env::var("EARSHOT_BSKY_NET").unwrap_or_else(|_| {
            panic!("EARSHOT_BSKY_NET is not set: run inside tests/support/with-bsky-net.sh, as scripts/test.sh does")
        });
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let info: serde_json::Value = serde_json::from_str(&text).expect("the network's info file is JSON");
        DevNet {
            pds: info["pdsUrl"]
                .as_str()
                .and_then(|u| u.parse().ok())
                .expect("the info file names the PDS"),
            accounts: info["accounts"]
                .as_array()
                .expect("the info file lists the accounts")
                .iter()
                .map(|a| DevAccount {
                    handle: a["handle"].as_str().unwrap_or_default().to_owned(),
                    password: a["password"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        }
    }

    pub fn account(&self, handle: &str) -> &DevAccount {
        self.accounts
            .iter()
            .find(|a| a.handle == handle)
            .unwrap_or_else(|| panic!("the dev network has no {handle}"))
    }

    pub fn password(&self, handle: &str) -> &str {
        &self.account(handle).password
    }

    /// Someone on the network, signed in, to write posts at our handles or read their own repository.
    pub async fn person(&self, handle: &str) -> BlueskyClient {
        let client = BlueskyClient::new(crate::http_client(), &self.pds);
        client
            .login(handle, self.password(handle), Utc::now())
            .await
            .unwrap_or_else(|e| panic!("sign in as {handle}: {e}"));
        client
    }
}
