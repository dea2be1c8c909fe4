//! The local X test server (see `earshot_networks::replay::x`) as a process, for the end-to-end test of the
//! real window. It serves our handle `@E2eHelp` (user 100) and two customers, with `MENTIONS` mentions of
//! it already posted (default 3), prints one JSON line with its address and a signed-in token pair for
//! `@E2eHelp`, and runs until its standard input closes. When it stops it prints every way a request or an
//! answer broke X's OpenAPI description, and exits 1 if there was any.
//!
//!   cargo run -p earshot-networks --features replay --example x_server

use std::io::Read;

use earshot_networks::replay::x::{XServer, XUserSeed};

fn main() {
    let mentions: usize = std::env::var("MENTIONS")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(3);
    let x = XServer::start(vec![
        XUserSeed::new("100", "E2eHelp", 2_000),
        XUserSeed::new("200", "dana_r", 48_000),
        XUserSeed::new("300", "sam", 12),
    ]);
    let texts = [
        "@E2eHelp my order arrived broken and nobody answers",
        "@E2eHelp love the new saddle, thanks!",
        "@E2eHelp is the shop open on Sunday?",
    ];
    for i in 0..mentions {
        let author = if i % 2 == 0 { "200" } else { "300" };
        x.post(author, texts[i % texts.len()], None);
    }
    let (access, refresh) = x.sign_in("100", "e2e-app");
    println!(
        "{}",
        serde_json::json!({"base": x.base.as_str(), "access_token": access, "refresh_token": refresh})
    );
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    let violations = x.violations();
    for v in &violations {
        eprintln!("broke X's description: {v}");
    }
    std::process::exit(i32::from(!violations.is_empty()));
}
