#!/usr/bin/env python3
"""End-to-end test of the real Earshot window, driven through WebKitWebDriver.

Run inside tests/e2e/harness.sh (Xvfb + D-Bus). Needs APP (the app binary) and CLI (the earshot binary).
Two sessions, each on a fresh data folder:
  1. First launch offers the demo; loading it fills the list; the first row is the engine's top item
     (asked of the CLI, the same engine); j/k move; Enter opens; e marks done and the item leaves the list.
  2. A hostile mention shows as literal text, its javascript: link is not a link, and no payload ran.
  3. The Accounts dialog opens with `a`; connecting with an access token to an unreachable server fails with a
     message in words.
  4. A 100,000-item inbox keeps only a window of rows in the DOM, and End reaches the last item.
  5. On the real Bluesky dev network (tests/support/with-bsky-net.sh): the support handle is connected in the
     Accounts dialog; a mention Alice posts arrives with "Sync now"; `r` opens the composer, Ctrl+Enter sends
     the reply through the outbox, the composer shows it sent, and the PDS holds it exactly once.
  6. An X handle on the local X server (X_SERVER, held to X's OpenAPI description) syncs from the Accounts
     dialog and its estimated spend shows; a forum feed added as a listening source brings in the matching
     post, which is answered on the page (no reply box) and marked done.
  7. A desktop alert for a matching item reaches the real notification daemon, and ActionInvoked "open" on the
     bus opens that item in the window; the window title counts unanswered items.
  8. The agent's day: w marks waiting, Shift+E escalates with a note (the pane and the list say who holds it),
     and an internal note is added and never sent.
  9. Reports: Shift+P opens them; the Now panel and the charts show; Last 30 days changes the figures (as the CLI
     counts them); Export CSV saves the days table where the message says; Escape goes back.
 10. Team mode (on tests/support/with-postgres.sh's server): Settings → Team database checks the address, then
     joins with the personal inbox moved in, counted; the app then works in the team database, and another
     agent writing a reply to the open item shows beside it; the Team dialog turns on least-loaded assignment
     for the support queue. With the team's server down, the window says so and Settings leads back to the
     personal workspace.
Each session saves a screenshot in $E2E_OUT (default .e2e/).
"""
import base64, json, os, shutil, subprocess, sys, tempfile, time, traceback, urllib.error, urllib.parse, urllib.request

APP = os.environ["APP"]
CLI = os.environ["CLI"]
OUT = os.environ.get("E2E_OUT", ".e2e")
PORT = int(os.environ.get("WD_PORT", "4444"))
WD = f"http://127.0.0.1:{PORT}"
ELEM = "element-6066-11e4-a52e-4f735466cecf"
os.makedirs(OUT, exist_ok=True)


def call(method, path, body=None, tries=3):
    for attempt in range(tries):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(WD + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path} -> {e.code}: {e.read().decode()[:500]}")
        except (ConnectionError, urllib.error.URLError):
            if attempt == tries - 1:
                raise
            time.sleep(0.3)


def wait_for(what, fn, timeout=30.0):
    """Polls fn until it returns something truthy, or fails after timeout seconds saying what it waited for."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
            if last:
                return last
        except RuntimeError as e:
            last = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Window:
    def __init__(self, data_dir):
        caps = {"webkitgtk:browserOptions": {"binary": APP, "args": ["--data-dir", data_dir]}}
        self.sid = call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]
        self.s = f"/session/{self.sid}"

    def close(self):
        try:
            call("DELETE", self.s)
        except Exception as e:  # the app may already be gone; nothing to clean up then
            print(f"  (closing the session: {e})")

    def js(self, script, *args):
        return call("POST", self.s + "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        found = call("POST", self.s + "/elements", {"using": "css selector", "value": css})
        return [f[ELEM] for f in found]

    def click(self, css):
        el = wait_for(css, lambda: self.find(css))[0]
        call("POST", f"{self.s}/element/{el}/click", {})

    def fill(self, css, text):
        """Empties a field, then types into it as a person would."""
        el = wait_for(css, lambda: self.find(css))[0]
        call("POST", f"{self.s}/element/{el}/clear", {})
        call("POST", f"{self.s}/element/{el}/value", {"text": text})

    def keys(self, *keys):
        actions = []
        for k in keys:
            actions += [{"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]
        call("POST", self.s + "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def rows(self):
        return self.js("return [...document.querySelectorAll('[data-testid=inbox-row]')]"
                       ".sort((a,b)=>+a.getAttribute('aria-posinset')-+b.getAttribute('aria-posinset'))"
                       ".map(r=>r.dataset.id)")

    def selected(self):
        return self.js("const r=document.querySelector('[data-testid=inbox-row][aria-selected=true]');return r&&r.dataset.id")

    def screenshot(self, name):
        # Two animation frames, so the picture shows the DOM as it is now, not the frame before.
        call("POST", self.s + "/execute/async", {"script": "const d=arguments[0];requestAnimationFrame(()=>requestAnimationFrame(()=>d(1)))", "args": []})
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(call("GET", self.s + "/screenshot")))
        print(f"  screenshot: {path}")


def cli(data_dir, *args):
    out = subprocess.run([CLI, "--data-dir", data_dir, *args], check=True, capture_output=True, text=True)
    return out.stdout


def test_demo_ranking_and_keyboard(tmp):
    data = os.path.join(tmp, "demo")
    w = Window(data)
    try:
        assert w.js("return document.title") == "Earshot", "the window is titled Earshot"
        w.click("#load-demo")
        wait_for("the demo's rows", lambda: len(w.rows()) >= 5, timeout=60)
        # The window opens on the Actionable view.
        top = json.loads(cli(data, "inbox", "--json", "--limit", "3", "--view", "actionable"))
        rows = w.rows()
        assert rows[0] == top[0]["id"], f"first row {rows[0]} must be the engine's top item {top[0]['id']}"
        assert rows[1] == top[1]["id"], "the second row must be the engine's second item"
        assert w.js("return document.body.innerText").count("Demo") >= 1, "the demo is labelled as a demo"

        start = wait_for("a selected row", w.selected)
        assert start == rows[0], "the first row starts selected"
        w.keys("j")
        wait_for("j to select the second row", lambda: w.selected() == rows[1])
        w.keys("k")
        wait_for("k to select the first row again", lambda: w.selected() == rows[0])
        w.keys("j", "\ue007")  # j, then Enter
        detail_id = lambda: w.js("const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id")
        wait_for(f"Enter to open the selected item {rows[1]} (detail shows {detail_id()})", lambda: detail_id() == rows[1])
        wait_for("focus to move into the detail", lambda: w.js(
            "return !!document.activeElement.closest('[data-testid=detail]')"))
        w.screenshot("inbox.png")

        w.keys("e")
        wait_for("the done item to leave the list", lambda: rows[1] not in w.rows())
        done = json.loads(cli(data, "inbox", "--json", "--status", "done"))
        assert [d["id"] for d in done] == [rows[1]], "the engine stores the item as done"
        wait_for("the next item to be selected", lambda: w.selected() == rows[2])

        w.keys("?")
        wait_for("the shortcuts dialog", lambda: w.js("const d=document.getElementById('shortcuts');return !!d&&d.open===true"))
        w.keys("\ue00c")  # Escape
        wait_for("Escape to close the dialog", lambda: w.js("const d=document.getElementById('shortcuts');return !d||d.open===false"))
        w.keys("/")
        wait_for("/ to focus search", lambda: w.js("return document.activeElement&&document.activeElement.id") == "search")
    finally:
        w.close()


HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> <a href="javascript:window.__pwned=1">win</a> see https://safe.example/x'


def test_hostile_mention_is_inert(tmp):
    data = os.path.join(tmp, "hostile")
    src = os.path.join(tmp, "hostile.jsonl")
    start = HOSTILE.encode().index(b"https://")
    line = {
        "type": "mention", "network": "x", "remote_id": "1", "text": HOSTILE,
        "author": {"handle": "evil_<b>bold</b>", "display_name": "<img src=x onerror=\"window.__pwned=2\">"},
        "facets": [{"start": 0, "end": 10, "kind": "link", "uri": "javascript:window.__pwned=3"},
                   {"start": start, "end": start + len("https://safe.example/x"), "kind": "link", "uri": "https://safe.example/x"}],
        "created_at": "2026-11-28T09:00:00Z", "url": "https://x.com/evil/status/1",
    }
    with open(src, "w") as f:
        f.write(json.dumps(line) + "\n")
    cli(data, "import", src)
    w = Window(data)
    try:
        w.click("[data-view=all]")  # All: whatever triage makes of it
        hostile = wait_for("the hostile row", lambda: w.rows())[0]
        w.click(f"[data-testid=inbox-row][data-id='{hostile}']")  # into the list (Enter on the view button would
        w.keys("\ue007")                                            # press it again), then open it
        wait_for("the detail", lambda: w.js(
            "const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id") == hostile)
        text = w.js("return document.querySelector('[data-testid=detail]').innerText")
        assert "<script>window.__pwned=1</script>" in text, f"the markup shows as literal text: {text[:300]}"
        assert w.js("return typeof window.__pwned") == "undefined", "no hostile payload may run"
        assert not w.find("img[src=x], script:not([src])"), "no element from the mention text is in the DOM"
        assert not w.find("a[href^='javascript' i]"), "a javascript: link never becomes an anchor"
        links = w.js("return [...document.querySelectorAll('[data-testid=detail] a')].map(a=>a.textContent)")
        assert "https://safe.example/x" in links, f"the safe link is a link: {links}"
        w.screenshot("hostile.png")
    finally:
        w.close()


def test_large_inbox_is_virtualised(tmp):
    """100,000 items: the list renders only a window of rows, and End reaches the last one."""
    n = 100_000
    data = os.path.join(tmp, "large")
    src = os.path.join(tmp, "large.jsonl")
    words = ["order", "refund", "battery", "late", "love", "ride", "app", "brake", "help", "thanks"]
    with open(src, "w") as f:
        f.write(json.dumps({"type": "handle", "network": "bluesky", "account": "brand.bsky.social", "role": "support"}) + "\n")
        for i in range(n):
            text = "@brand.bsky.social " + " ".join(words[(i * 7 + k) % len(words)] for k in range(6))
            f.write(json.dumps({
                "type": "mention", "network": "bluesky", "remote_id": f"at://large/{i}", "text": text,
                "author": {"handle": f"user{i % 5000}.bsky.social", "followers": (i * 37) % 50000},
                "created_at": f"2026-11-{1 + i % 27:02d}T{i % 24:02d}:{i % 60:02d}:00Z", "mentions": ["brand.bsky.social"],
            }) + "\n")
    cli(data, "import", src)
    w = Window(data)
    try:
        wait_for("the first actionable rows", lambda: len(w.rows()) > 5, timeout=60)
        w.keys("7")  # the All view
        wait_for("all 100,000", lambda: w.js("return document.body.innerText").find("100,000") >= 0, timeout=60)
        assert w.js("return document.body.innerText").find("100,000") >= 0, "the total count is shown"
        rendered = len(w.rows())
        assert rendered < 200, f"only a window of rows is in the DOM, not {rendered}"
        w.click("[data-testid=inbox-row]")  # into the list, where Home and End apply
        w.keys("\ue010")  # End
        wait_for("the last row", lambda: w.js(
            "const r=document.querySelector('[data-testid=inbox-row][aria-selected=true]');"
            "return r&&r.getAttribute('aria-posinset')") == str(n), timeout=60)
        assert len(w.rows()) < 200, "still only a window of rows after jumping to the end"
        w.screenshot("large.png")
    finally:
        w.close()


WAVE = "@brand.bsky.social why is my delivery late? a guy called @parcelpro_{n} says he can track it for me"


def test_marking_spam_teaches_triage(tmp):
    """An agent marks one of a wave of scam replies as spam with `!`: it leaves Actionable, the open copies
    follow it to Spam after the background re-triage, and so does a new copy that arrives later. `!` in the
    Spam view rescues an item. Settings → Triage → Retrain now retrains the models on those labels."""
    data = os.path.join(tmp, "triage")

    def load(name, lines):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")
        cli(data, "import", path)

    def mention(n, text):
        return {"type": "mention", "network": "bluesky", "remote_id": f"at://wave/{n}", "text": text,
                "author": {"handle": f"someone{n}.bsky.social", "followers": 40 + n},
                "created_at": f"2026-11-28T0{n}:00:00Z", "mentions": ["brand.bsky.social"]}

    load("wave.jsonl", [
        {"type": "handle", "network": "bluesky", "account": "brand.bsky.social", "role": "support"},
        mention(1, WAVE.format(n=1)),
        mention(2, WAVE.format(n=2)),
        mention(3, "@brand.bsky.social the brake cable on my new bike snapped on day two, not happy at all"),
    ])
    by_text = lambda view: {r["excerpt"]: r for r in json.loads(cli(data, "inbox", "--json", "--view", view))}
    actionable = by_text("actionable")
    first, second = actionable[WAVE.format(n=1)]["id"], actionable[WAVE.format(n=2)]["id"]
    assert len(actionable) == 3, f"the starter model sees three actionable mentions: {list(actionable)}"

    w = Window(data)
    try:
        wait_for("the actionable rows", lambda: first in w.rows())
        w.click(f"[data-testid=inbox-row][data-id='{first}']")
        wait_for("the row to be selected", lambda: w.selected() == first)
        w.keys("!")
        wait_for("the spam to leave Actionable", lambda: first not in w.rows())
        spam = wait_for("the open copy to follow it to Spam",
                        lambda: (lambda s: s if WAVE.format(n=2) in s else None)(by_text("spam")))
        assert spam[WAVE.format(n=1)]["labels"]["spam_source"] == "agent"
        assert spam[WAVE.format(n=2)]["labels"]["spam_source"] == "similar"
        wait_for("the copy to leave the window's Actionable list", lambda: second not in w.rows())

        load("later.jsonl", [mention(4, WAVE.format(n=4))])
        later = by_text("spam")[WAVE.format(n=4)]
        assert later["labels"]["spam_source"] == "similar", "a new copy goes straight to Spam"
        assert any("marked spam" in e["term"] for e in later["labels"]["spam_evidence"]), "and says why"
        assert "brake cable" in " ".join(by_text("actionable")), "the real complaint stays actionable"

        w.keys("6")  # the Spam view
        wait_for("the new copy in the Spam view", lambda: later["id"] in w.rows())
        w.click(f"[data-testid=inbox-row][data-id='{later['id']}']")
        wait_for("the copy to be selected", lambda: w.selected() == later["id"])
        w.screenshot("spam-view.png")
        w.keys("!")  # Not spam
        wait_for("the rescued item to leave Spam", lambda: later["id"] not in w.rows())
        rescued = json.loads(cli(data, "inbox", "--json", "--view", "actionable"))
        assert any(r["id"] == later["id"] and r["labels"]["spam_source"] == "agent" for r in rescued), \
            "the rescued item is back in Actionable, on the agent's word"

        # Settings → Triage → Retrain now: the models learn from the agents' labels in the background, with
        # progress, and Settings says what the retraining did.
        w.keys(",")
        w.click("#triage-retrain")
        triage_text = "return document.querySelector('#settings-triage-title').closest('section').innerText"
        said = wait_for("the retraining's outcome", lambda: (lambda t: t if t and "Retrained" in t else None)(
            w.js(triage_text)))
        assert "on 2 labelled items and 4 recent mentions" in said and "The retrained model is in use." in said, said
        quality = json.loads(cli(data, "triage", "quality", "--json"))
        assert quality["retrained"]["adopted"] and "retrained on this workspace" in quality["model"], quality
        assert "brake cable" in " ".join(by_text("actionable")), "the real complaint is still actionable"
    finally:
        w.close()


def test_accounts_dialog_reports_an_unreachable_server(tmp):
    """The Accounts dialog opens with `a`, shows its empty state, and a failed connection says why in words."""
    w = Window(os.path.join(tmp, "accounts"))
    try:
        wait_for("the window", lambda: w.find("#load-demo"))
        w.keys("a")
        wait_for("the accounts dialog", lambda: w.js("const d=document.getElementById('accounts');return !!d&&d.open===true"))
        text = w.js("return document.getElementById('accounts').innerText")
        assert "No accounts connected yet" in text, f"an empty state: {text[:300]}"
        server = wait_for("the server field", lambda: w.find("#mastodon-server"))[0]
        call("POST", f"{w.s}/element/{server}/value", {"text": "http://127.0.0.1:9"})
        w.click("#mastodon-token-toggle")  # the access token is the second way in, behind "Use an access token instead"
        token = wait_for("the token field", lambda: w.find("#mastodon-token"))[0]
        call("POST", f"{w.s}/element/{token}/value", {"text": "not-a-real-token"})
        w.click("#accounts button[type=submit]")
        alert = wait_for("an error in words", lambda: w.js(
            "const a=document.querySelector('#accounts [role=alert]');return a&&a.innerText.trim()"), timeout=40)
        assert "could not be reached" in alert, f"the message says what happened: {alert}"
        assert w.js("return document.getElementById('mastodon-token').value") == "", "the token is not kept in the form"
        w.screenshot("accounts.png")
    finally:
        w.close()


def xrpc(base, method, params=None, body=None, token=None):
    """One XRPC call to the dev network's PDS."""
    url = f"{base.rstrip('/')}/xrpc/{method}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET", headers=headers)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def test_bluesky_connect_sync_and_reply(tmp):
    """The support handle on the real Bluesky dev network: connect, sync a new mention, answer it from the composer."""
    info_path = os.environ.get("EARSHOT_BSKY_NET")
    assert info_path, "EARSHOT_BSKY_NET is not set: run inside tests/support/with-bsky-net.sh, as scripts/test.sh does"
    with open(info_path) as f:
        net = json.load(f)
    pds = net["pdsUrl"]
    password = {a["handle"]: a["password"] for a in net["accounts"]}
    sign_in = lambda handle: xrpc(pds, "com.atproto.server.createSession", body={"identifier": handle, "password": password[handle]})
    support = sign_in("support.earshot.test")
    alice = sign_in("alice.test")
    marker = f"e2e{int(time.time() * 1000)}"
    text = f"@support.earshot.test my {marker} order has not arrived"
    mention_end = len("@support.earshot.test".encode())
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    xrpc(pds, "com.atproto.repo.createRecord", token=alice["accessJwt"], body={
        "repo": alice["did"], "collection": "app.bsky.feed.post",
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": now, "facets": [{
            "index": {"byteStart": 0, "byteEnd": mention_end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": support["did"]}]}]}})

    w = Window(os.path.join(tmp, "bluesky"))
    try:
        wait_for("the window", lambda: w.find("#load-demo"))
        w.keys("a")
        wait_for("the accounts dialog", lambda: w.js("const d=document.getElementById('accounts');return !!d&&d.open===true"))
        # The network is a segmented radio group: choose Bluesky as a click on its radio does.
        w.js("document.getElementById('connect-network-bluesky').click()")
        fill = lambda css, value: call("POST", f"{w.s}/element/{wait_for(css, lambda: w.find(css))[0]}/value", {"text": value})
        fill("#bluesky-handle", "support.earshot.test")
        fill("#bluesky-password", password["support.earshot.test"])
        fill("#bluesky-server", pds)
        w.click("#bluesky-connect")
        wait_for("the connected account", lambda: "@support.earshot.test" in w.js(
            "return document.getElementById('accounts').innerText"), timeout=40)
        assert w.js("return document.getElementById('bluesky-password').value") == "", "the password is not kept in the form"

        def synced():
            if w.js("return !!document.querySelector('#accounts button[data-action=sync]:not([disabled])')"):
                w.click("#accounts button[data-action=sync]")
            time.sleep(0.5)
            return any(marker in r["excerpt"] for r in json.loads(cli(os.path.join(tmp, "bluesky"), "inbox", "--json")))
        wait_for("Alice's mention after Sync now", synced, timeout=60)
        w.keys("\ue00c")  # Escape closes the dialog
        wait_for("the dialog to close", lambda: w.js("const d=document.getElementById('accounts');return !d||d.open===false"))
        row = wait_for("the mention's row", lambda: w.js(
            "const r=[...document.querySelectorAll('[data-testid=inbox-row]')].find(r=>r.innerText.includes(arguments[0]));"
            "return r&&r.dataset.id", marker))
        w.click(f"[data-testid=inbox-row][data-id='{row}']")
        # As a person would, press r once the reading pane shows the item (before that, r has nothing to answer).
        wait_for("the reading pane with its reply box", lambda: w.find("#composer-text"))
        w.keys("r")
        wait_for("r to focus the reply box", lambda: w.js("return document.activeElement&&document.activeElement.id") == "composer-text")
        reply = f"Sorry about that! We are checking {marker} now. - Sam"
        fill("#composer-text", reply)
        call("POST", w.s + "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": "\ue009"}, {"type": "keyDown", "value": "\ue007"},
            {"type": "keyUp", "value": "\ue007"}, {"type": "keyUp", "value": "\ue009"}]}]})
        state = lambda: w.js("const r=document.querySelector('#composer-outbox [data-state]');return r&&r.dataset.state")
        wait_for(f"the reply to be sent (state {state()})", lambda: state() == "sent", timeout=40)
        assert w.js("return document.getElementById('composer-text').value") == "", "the sent text leaves the box"
        wait_for("the counter to start again", lambda: w.js(
            "return document.getElementById('composer-count').innerText").strip().startswith("0 /"), timeout=10)
        w.screenshot("composer.png")
        posts = xrpc(pds, "com.atproto.repo.listRecords",
                     params={"repo": support["did"], "collection": "app.bsky.feed.post", "limit": 100},
                     token=support["accessJwt"])["records"]
        copies = [p for p in posts if p["value"].get("text") == reply]
        assert len(copies) == 1, f"the reply is on the PDS exactly once: {len(copies)}"
        assert copies[0]["value"]["reply"]["parent"]["uri"].startswith(f"at://{alice['did']}/"), "it answers Alice's post"
    finally:
        w.close()


def feed_server(feed):
    """Serves one RSS feed at /feed.rss on a free loopback port, as a forum would; returns (server, its address)."""
    import http.server, threading

    class Feed(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/feed.rss":
                self.send_error(404)
                return
            body = feed.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/feed.rss"


FORUM_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Riders Forum - Latest posts</title><link>http://forum.example/</link><description>Latest posts</description>
<item><title>E2eBikes wheel cracked after a week</title><dc:creator>pat_rides</dc:creator>
<link>http://forum.example/t/e2ebikes-wheel/12/1</link><guid isPermaLink="false">forum.example-post-12-1</guid>
<pubDate>Sat, 28 Nov 2026 09:00:00 +0000</pubDate>
<description><![CDATA[<p>My <b>E2eBikes</b> wheel cracked. Anyone else?</p>]]></description></item>
<item><title>Best chain oil for winter</title><dc:creator>lee</dc:creator>
<link>http://forum.example/t/chain-oil/13/1</link><guid isPermaLink="false">forum.example-post-13-1</guid>
<pubDate>Sat, 28 Nov 2026 10:00:00 +0000</pubDate><description>Which oil do you use?</description></item>
</channel></rss>"""


def test_x_spend_and_a_listening_source(tmp):
    """An X handle (on the local X server held to X's OpenAPI description) syncs from the Accounts dialog and
    its spend shows there; a forum feed is added as a listening source in the dialog; its matching post
    arrives, is answered on the page, and is marked done."""
    data = os.path.join(tmp, "x-and-feed")
    x_server = subprocess.Popen([os.environ["X_SERVER"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    feed, feed_url = feed_server(FORUM_FEED)
    try:
        x = json.loads(x_server.stdout.readline())
        tokens = json.dumps({"access_token": x["access_token"], "refresh_token": x["refresh_token"]})
        subprocess.run([CLI, "--data-dir", data, "account", "add", "x", "--client-id", "e2e-app", "--server", x["base"],
                        "--role", "support", "--token-stdin"], input=tokens + "\n", check=True, capture_output=True, text=True)
        w = Window(data)
        try:
            # The app's own background sync may fill the inbox before the welcome screen is seen.
            wait_for("the window", lambda: w.find("#load-demo") or w.find(".panes"))
            w.keys("a")
            wait_for("the accounts dialog", lambda: w.js("const d=document.getElementById('accounts');return !!d&&d.open===true"))
            wait_for("the X account", lambda: "@e2ehelp" in w.js("return document.getElementById('accounts').innerText"))

            def synced():
                # Sync now is disabled while a sync runs, so this clicks at most once per finished sync.
                if w.js("return !!document.querySelector('#accounts button[data-action=sync]:not([disabled])')"):
                    w.click("#accounts button[data-action=sync]")
                return len(json.loads(cli(data, "inbox", "--json"))) == 3
            wait_for("the three X mentions after Sync now", synced, timeout=60)
            spend = wait_for("the X spend meter", lambda: w.js(
                "const s=document.querySelector('#accounts section.spend');return s&&s.innerText"), timeout=20)
            # 3 posts at $0.005 and 2 authors at $0.01: $0.035, shown as $0.04.
            wait_for("today's spend", lambda: "$0.04" in w.js(
                "return document.querySelector('#accounts section.spend').innerText"), timeout=20)
            assert "@e2ehelp" in spend, spend

            fill = lambda css, value: call("POST", f"{w.s}/element/{wait_for(css, lambda: w.find(css))[0]}/value", {"text": value})
            fill("#source-url", feed_url)
            fill("#source-include", "e2ebikes")
            w.click("#source-add")
            wait_for("the source in the list", lambda: w.js(
                "return !!document.querySelector('#accounts li.source')"), timeout=30)
            w.screenshot("accounts-x-and-sources.png")
            w.keys("\ue00c")
            wait_for("the dialog to close", lambda: w.js("const d=document.getElementById('accounts');return !d||d.open===false"))
            w.click("[data-view=all]")  # All: this test is about listening, not what triage makes of the post
            row = wait_for("the forum post's row", lambda: w.js(
                "const r=[...document.querySelectorAll('[data-testid=inbox-row]')].find(r=>r.innerText.includes('wheel cracked'));"
                "return r&&r.dataset.id"), timeout=30)
            assert not w.js("return [...document.querySelectorAll('[data-testid=inbox-row]')].some(r=>r.innerText.includes('chain oil'))"), \
                "an entry without the keyword stays out"
            w.click(f"[data-testid=inbox-row][data-id='{row}']")
            wait_for("the web answer panel", lambda: w.find("[data-testid=web-answer]"))
            assert not w.find("#composer-text"), "no reply box for a web page"
            w.keys("r")
            wait_for("r to move to Open the page", lambda: w.js("return document.activeElement&&document.activeElement.id") == "web-open")
            w.screenshot("web-item.png")
            w.click("#web-mark-done")
            wait_for("the item to leave the open list", lambda: not w.js(
                "return [...document.querySelectorAll('[data-testid=inbox-row]')].some(r=>r.dataset.id===arguments[0])", row))
        finally:
            w.close()
    finally:
        feed.shutdown()
        x_server.stdin.close()
        assert x_server.wait(10) == 0, "the X server saw a request or gave an answer outside X's OpenAPI description"


def test_customer_panel_shows_tier_and_history(tmp):
    """Opening a customer's post shows their CRM record (tier, value, owner) and their other conversation on
    another network; `u` says they are not this customer, and the panel and the CLI agree at once."""
    data = os.path.join(tmp, "customers")
    people = os.path.join(tmp, "people.csv")
    with open(people, "w") as f:
        f.write("Name,Email,X,Bluesky,Plan,Value,Owner\n"
                "Jane Doe,jane@shop.example,@jane_doe,jane.bsky.social,Enterprise,12400,Maya Lindqvist\n")
    cli(data, "crm", "import", people, "--map",
        "Name=name,Email=email,X=x,Bluesky=bluesky,Plan=tier,Value=lifetime_value,Owner=owner")
    src = os.path.join(tmp, "customer-posts.jsonl")
    lines = [
        {"type": "handle", "network": "x", "account": "shop_help", "role": "support"},
        {"type": "handle", "network": "bluesky", "account": "shop-help.bsky.social", "role": "support"},
        {"type": "mention", "network": "bluesky", "remote_id": "at://did:plc:jane/app.bsky.feed.post/1",
         "author": {"handle": "jane.bsky.social", "display_name": "Jane"},
         "text": "@shop-help.bsky.social ordered the blue frame last week, any news?",
         "created_at": "2026-11-26T09:00:00Z", "mentions": ["shop-help.bsky.social"]},
        {"type": "mention", "network": "x", "remote_id": "77",
         "author": {"handle": "jane_doe", "display_name": "Jane D"},
         "text": "@shop_help still no frame and no answer. Cancelling my order.",
         "created_at": "2026-11-28T09:00:00Z", "mentions": ["shop_help"]},
    ]
    with open(src, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    cli(data, "import", src)
    items = {r["network"]: r["id"] for r in json.loads(cli(data, "inbox", "--json"))}
    w = Window(data)
    try:
        w.click("[data-view=all]")
        wait_for("both rows", lambda: set(items.values()) <= set(w.rows()))
        w.click(f"[data-testid=inbox-row][data-id='{items['x']}']")
        w.keys("\ue007")
        wait_for("the customer panel", lambda: w.find("[data-customer-panel][data-status=linked]"))
        # The panel loads after the item; wait for its record rather than read it once.
        tier = wait_for("the tier", lambda: w.js(
            "const t=document.querySelector('[data-customer-tier]');return t&&t.textContent"))
        assert "Enterprise" in tier, f"the panel shows the tier: {tier!r}"
        panel = wait_for("the owner and value", lambda: (lambda t: t if "Maya Lindqvist" in t else None)(
            w.js("return document.querySelector('[data-customer-panel]').innerText")))
        assert "12,400" in panel, f"owner and value beside the message: {panel[:400]}"
        entries = wait_for("the timeline", lambda: (lambda e: e if len(e) == 2 else None)(w.js(
            "return [...document.querySelectorAll('[data-timeline-entry]')].map(e=>[e.dataset.itemId, e.hasAttribute('data-current'), e.innerText])")))
        assert entries[0][0] == items["x"] and entries[0][1], f"this post first, marked: {entries}"
        assert entries[1][0] == items["bluesky"] and "blue frame" in entries[1][2], f"then the Bluesky post: {entries}"
        w.screenshot("customer-panel.png")
        w.click(f"[data-open-item='{items['bluesky']}']")
        wait_for("the other conversation to open", lambda: w.js(
            "const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id") == items["bluesky"])
        w.click(f"[data-testid=inbox-row][data-id='{items['x']}']")
        w.keys("\ue007")
        wait_for("the panel again", lambda: w.find("[data-customer-panel][data-status=linked]"))
        w.keys("u")  # Not this customer
        wait_for("the panel to forget the customer", lambda: w.find("[data-customer-panel][data-status=unknown]"))
        found = json.loads(cli(data, "crm", "lookup", "--network", "x", "--handle", "jane_doe", "--json"))
        assert found["status"] == "unknown", f"the agent's word is kept: {found}"
    finally:
        w.close()


def test_carddav_connects_from_the_window(tmp):
    """An agent connects the real Radicale address book from Contacts → Connected CRMs; its cards become
    customers, and a post by one of them opens with the record and where it came from."""
    url = os.environ["EARSHOT_CARDDAV_URL"]  # set by tests/support/with-radicale.sh
    data = os.path.join(tmp, "carddav")
    src = os.path.join(tmp, "dana.jsonl")
    with open(src, "w") as f:
        f.write(json.dumps({"type": "handle", "network": "x", "account": "bakery_help", "role": "support"}) + "\n")
        f.write(json.dumps({"type": "mention", "network": "x", "remote_id": "501",
                            "author": {"handle": "danabakes", "display_name": "Dana"},
                            "text": "@bakery_help the order for Saturday is missing two trays", "created_at": "2026-11-28T08:00:00Z",
                            "mentions": ["bakery_help"]}) + "\n")
    cli(data, "import", src)
    item = json.loads(cli(data, "inbox", "--json"))[0]["id"]
    w = Window(data)
    try:
        wait_for("the inbox", lambda: w.find("#open-contacts"))
        w.click("#open-contacts")
        w.click("#open-crms")
        w.click("#connect-carddav")
        w.fill("#carddav-url", url)
        w.fill("#carddav-user", os.environ["EARSHOT_CARDDAV_USER"])
        w.fill("#carddav-password", "not-the-password")
        w.click("#carddav-submit")
        refused = wait_for("the refusal", lambda: (lambda t: t if t and "refused" in t else None)(
            w.js("const r=document.querySelector('#crm-form-error');return r&&r.textContent")))
        assert "Check the user name and password" in refused, f"the form says what to do: {refused!r}"
        assert "agent-pass" not in w.js("return document.body.innerHTML"), "no secret is ever in the page"
        w.fill("#carddav-password", os.environ["EARSHOT_CARDDAV_PASSWORD"])
        w.click("#carddav-submit")
        wait_for("the connection", lambda: w.find("[data-crm-source]"))
        report = wait_for("the report", lambda: (lambda t: t if t and "3 new" in t else None)(
            w.js("return [...document.querySelectorAll('[data-crm-report]')].map(r=>r.textContent).join(' | ')")))
        assert "agent-pass" not in w.js("return document.body.innerHTML"), "no secret is ever in the page"
        w.screenshot("crm-connected.png")
        w.keys("\ue00c")  # Escape: back to the inbox
        w.keys("\ue00c")
        w.click("[data-view=all]")
        wait_for("the row", lambda: item in w.rows())
        w.click(f"[data-testid=inbox-row][data-id='{item}']")
        w.keys("\ue007")
        wait_for("the customer", lambda: w.find("[data-customer-panel][data-status=linked]"))
        origin = w.js("return document.querySelector('[data-customer-origin]').textContent")
        assert "CardDAV" in origin, f"the panel says where the record came from: {origin!r} ({refused!r}, {report!r})"
        found = json.loads(cli(data, "crm", "lookup", "--network", "x", "--handle", "danabakes", "--json"))
        assert found["contact"]["fields"]["company"] == "Whitfield Bakery", found
    finally:
        w.close()


def notify_calls():
    """Every Notify call dbus-monitor logged in this harness, as ((sender, serial), text), and the whole log."""
    with open(os.environ["NOTIFY_LOG"], errors="replace") as f:
        log = f.read()
    calls = []
    for chunk in log.split("\nmethod call ")[1:]:
        head, _, body = chunk.partition("\n")
        if "member=Notify" in head:
            fields = dict(f.split("=", 1) for f in head.replace(";", "").split() if "=" in f)
            calls.append(((fields.get("sender"), fields.get("serial")), body.split("\nmethod ")[0].split("\nsignal ")[0]))
    return calls, log


def notification_id(log, call):
    """The ID the daemon gave the notification sent by this call (harness.sh logs the daemon's answers)."""
    sender, serial = call
    for chunk in log.split("\nmethod return ")[1:]:
        head, _, body = chunk.partition("\n")
        fields = dict(f.split("=", 1) for f in head.split() if "=" in f)
        if fields.get("reply_serial") == serial and fields.get("destination") == sender:
            return body.strip().split()[1]
    return None


def test_alert_click_opens_the_item(tmp):
    """An item matching an alert rule raises a desktop notification in the real session (dunst); emitting
    ActionInvoked "open" for it on the bus, as the daemon does when it is clicked, brings the window to that
    item. The window title shows the unanswered count."""
    data = os.path.join(tmp, "alerts")
    rules = os.path.join(tmp, "rules.json")
    with open(rules, "w") as f:
        json.dump([{"id": "bike", "name": "Acmebike from big accounts", "enabled": True, "intents": [], "urgent": False,
                    "sentiments": [], "min_followers": 10000, "min_customer_standing": None, "handles": [], "roles": [],
                    "networks": [], "keywords": ["acmebike"]}], f)
    cli(data, "alerts", "set-rules", rules)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    src = os.path.join(tmp, "alert-posts.jsonl")
    with open(src, "w") as f:
        for line in [
            {"type": "handle", "network": "bluesky", "account": "acme-help.bsky.social", "role": "support"},
            {"type": "mention", "network": "bluesky", "remote_id": "at://did:plc:erin/app.bsky.feed.post/1",
             "author": {"handle": "erin.bsky.social", "display_name": "Erin Alert", "followers": 48200},
             "text": "@acme-help.bsky.social my acmebike chain snapped on day two, I want a refund",
             "created_at": now, "mentions": ["acme-help.bsky.social"]},
            {"type": "mention", "network": "bluesky", "remote_id": "at://did:plc:fay/app.bsky.feed.post/2",
             "author": {"handle": "fay.bsky.social", "display_name": "Fay", "followers": 12},
             "text": "@acme-help.bsky.social how do I adjust the saddle height?",
             "created_at": now, "mentions": ["acme-help.bsky.social"]},
        ]:
            f.write(json.dumps(line) + "\n")
    cli(data, "import", src)
    items = {r["author_handle"]: r["id"] for r in json.loads(cli(data, "inbox", "--json"))}
    before = len(notify_calls()[0])
    w = Window(data)
    try:
        w.click("[data-view=all]")
        wait_for("both rows", lambda: set(items.values()) <= set(w.rows()))
        w.click(f"[data-testid=inbox-row][data-id='{items['fay.bsky.social']}']")
        w.keys("\ue007")
        wait_for("Fay's post to open", lambda: w.js(
            "const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id") == items["fay.bsky.social"])
        # The app's worker checks for alerts every few seconds.
        call_text = wait_for("the alert to reach the daemon", lambda: next(
            ((serial, text) for serial, text in notify_calls()[0][before:] if "Erin Alert" in text), None), timeout=30)
        serial, text = call_text
        assert "on @acme-help.bsky.social" in text and "acmebike chain snapped" in text, text
        assert '"open"' in text and '"assign"' in text, f"the alert offers Open and Assign to me: {text}"
        assert not any("Fay" in t for _, t in notify_calls()[0][before:]), "a non-matching item raises nothing"
        nid = wait_for("the notification's ID", lambda: notification_id(notify_calls()[1], serial))
        subprocess.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/Notifications",
                        "org.freedesktop.Notifications.ActionInvoked", f"uint32:{nid}", "string:open"], check=True)
        wait_for("the alert's item to open", lambda: w.js(
            "const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id") == items["erin.bsky.social"])
        title = wait_for("the unanswered count in the window title", lambda: (lambda out: out if "unanswered" in out else None)(
            subprocess.run(["xdotool", "search", "--name", "^Earshot", "getwindowname", "%@"], capture_output=True, text=True).stdout))
        assert "Earshot (" in title, f"the title counts unanswered items: {title!r}"
        w.screenshot("alert-opened.png")
    finally:
        w.close()


def test_the_agents_day_in_the_window(tmp):
    """w marks an item waiting on the customer; Shift+E escalates another to a named person with a note, and the
    pane and the list say who holds it; n writes an internal note that stays in Earshot. The CLI, on the same
    engine, agrees."""
    data = os.path.join(tmp, "day")
    cli(data, "agent", "me", "--name", "Ana López", "--signature", "–{agent.first_name}")
    cli(data, "agent", "add", "Sam Lee", "--lead")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    src = os.path.join(tmp, "day-posts.jsonl")
    with open(src, "w") as f:
        for line in [
            {"type": "handle", "network": "bluesky", "account": "acme-help.bsky.social", "role": "support"},
            {"type": "mention", "network": "bluesky", "remote_id": "at://did:plc:gus/app.bsky.feed.post/1",
             "author": {"handle": "gus.bsky.social", "display_name": "Gus"},
             "text": "@acme-help.bsky.social which size frame for 180 cm?", "created_at": now,
             "mentions": ["acme-help.bsky.social"]},
            {"type": "mention", "network": "bluesky", "remote_id": "at://did:plc:hana/app.bsky.feed.post/2",
             "author": {"handle": "hana.bsky.social", "display_name": "Hana"},
             "text": "@acme-help.bsky.social I was charged twice for order A-1042, please refund one", "created_at": now,
             "mentions": ["acme-help.bsky.social"]},
        ]:
            f.write(json.dumps(line) + "\n")
    cli(data, "import", src)
    items = {r["author_handle"]: r["id"] for r in json.loads(cli(data, "inbox", "--json"))}
    gus, hana = items["gus.bsky.social"], items["hana.bsky.social"]
    w = Window(data)
    try:
        w.click("[data-view=all]")
        wait_for("both rows", lambda: {gus, hana} <= set(w.rows()))
        w.click(f"[data-testid=inbox-row][data-id='{gus}']")
        w.keys("w")
        wait_for("Gus's item to leave the open list", lambda: gus not in w.rows())
        assert json.loads(cli(data, "work", gus, "--json"))["stage"] == "waiting"
        w.click("[data-view=waiting]")
        wait_for("Gus in the Waiting list", lambda: w.find(f"[data-testid=inbox-row][data-id='{gus}'][data-stage=waiting]"))
        w.click("[data-view=all]")

        w.click(f"[data-testid=inbox-row][data-id='{hana}']")
        w.keys("\ue007")
        wait_for("the work section", lambda: w.find("#work-section"))
        w.keys("E")
        wait_for("the escalate dialog", lambda: w.find("#escalate-dialog[open], dialog#escalate-dialog[open]"))
        # The dialog loads the team as it opens: choose Sam only once the choice is there, or the select keeps
        # its default (the team leads).
        wait_for("Sam Lee among the choices", lambda: w.find("#escalate-to option[value='agent:Sam Lee']"))
        w.js("const s=document.querySelector('#escalate-to');s.value='agent:Sam Lee';s.dispatchEvent(new Event('change',{bubbles:true}))")
        w.fill("#escalate-note", "Double charge: needs a refund approval")
        w.click("#escalate-confirm")
        held = wait_for("who holds it", lambda: (lambda t: t if t and "Sam Lee" in t else None)(
            w.js("const h=document.querySelector('#held-by');return h&&h.innerText")))
        assert "Double charge" in held, f"the pane says why: {held!r}"
        wait_for("the list to show the holder", lambda: "Sam Lee" in w.js(
            f"return document.querySelector(\"[data-testid=inbox-row][data-id='{hana}']\").innerText"))

        w.fill("#note-input", "Card ending 4242; refund the second charge only")
        w.click("#add-note")
        wait_for("the note card", lambda: w.find(".note-card[data-note-id]"))
        work = json.loads(cli(data, "work", hana, "--json"))
        assert work["held_by"] == "Sam Lee" and work["held_because"] == "Double charge: needs a refund approval", work
        assert [n["body"] for n in work["notes"]] == ["Card ending 4242; refund the second charge only"], work["notes"]
        assert json.loads(cli(data, "outbox", "--json")) == [], "a note is never sent"
        w.screenshot("agents-day.png")
    finally:
        w.close()


def test_reports_period_and_export(tmp):
    """Shift+P opens Reports: the Now panel names the item waiting longest (as the engine does), the charts draw, Last
    30 days loads more days and more mentions than the first 7 (the same totals as `earshot report`), Export CSV saves
    the days table where the message says, with the CLI's rows, and the item waiting longest opens in the inbox."""
    import datetime

    data = os.path.join(tmp, "reports")
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = lambda days, hours=0: (now - datetime.timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    src = os.path.join(tmp, "report-posts.jsonl")
    posts = [  # (days ago, author, text): three in the last 7 days, two more in the last 30
        (0.04, "ivy", "my order A-2001 arrived with a bent wheel, what now?"),
        (2, "jon", "how do I pair the bike computer with the app?"),
        (5, "kim", "the brake cable on my new bike snapped on day two, not happy at all"),
        (12, "lou", "is there a warranty on the battery? mine lasts half as long as before"),
        (20, "mo", "still waiting for a refund for order A-1500, nobody answers"),
    ]
    with open(src, "w") as f:
        f.write(json.dumps({"type": "handle", "network": "bluesky", "account": "acme-help.bsky.social", "role": "support"}) + "\n")
        for n, (days, who, text) in enumerate(posts):
            f.write(json.dumps({
                "type": "mention", "network": "bluesky", "remote_id": f"at://did:plc:{who}/app.bsky.feed.post/{n}",
                "author": {"handle": f"{who}.bsky.social", "display_name": who.title(), "followers": 100 * (n + 1)},
                "text": f"@acme-help.bsky.social {text}", "created_at": stamp(days), "mentions": ["acme-help.bsky.social"],
            }) + "\n")
    cli(data, "import", src)
    today = datetime.date.today()
    week = ((today - datetime.timedelta(days=6)).isoformat(), today.isoformat())
    month = ((today - datetime.timedelta(days=29)).isoformat(), today.isoformat())
    engine_total = lambda period: json.loads(cli(data, "report", "--from", period[0], "--to", period[1], "--json"))["totals"]["total"]
    week_total, month_total = engine_total(week), engine_total(month)
    assert (week_total, month_total) == (3, 5), f"the engine counts 3 mentions in 7 days and 5 in 30: {week_total}, {month_total}"
    oldest = json.loads(cli(data, "report", "--now", "--json"))["oldest"]

    # Exports go to the Downloads folder: point it at a folder of this test's own (the app reads
    # $XDG_CONFIG_HOME/user-dirs.dirs when it saves), unless that would touch a real configuration.
    downloads = os.path.join(tmp, "downloads")
    config = os.environ.get("XDG_CONFIG_HOME", "")
    user_dirs = os.path.join(config, "user-dirs.dirs")
    ours = bool(config) and os.path.realpath(config).startswith(os.path.realpath(tempfile.gettempdir())) \
        and not os.path.exists(user_dirs)
    if ours:
        os.makedirs(downloads, exist_ok=True)
        with open(user_dirs, "w") as f:
            f.write(f'XDG_DOWNLOAD_DIR="{downloads}"\n')

    reports = "[data-testid=reports]"
    shown = lambda: w.js(f"const r=document.querySelector('{reports}');return r&&[r.dataset.state,r.dataset.from||'',r.dataset.to||'']")
    saved = None
    w = Window(data)
    try:
        wait_for("the inbox", lambda: w.find("#open-reports"))
        w.keys("P")  # Shift+P
        wait_for("the Reports view", lambda: w.find(reports))
        wait_for(f"the last 7 days' figures ({shown()})", lambda: shown() == ["ready", *week], timeout=60)
        assert w.js("return document.querySelector('[data-testid=report-from]').value") == week[0]
        total = lambda: w.js("const t=document.querySelector('[data-testid=report-total]');return t&&t.textContent.trim()")
        assert total() == str(week_total), f"the window's total is the engine's: {total()} vs {week_total}"

        wait_for("the Now panel", lambda: w.find("[data-testid=reports-now] [data-testid=now-oldest]"), timeout=30)
        if oldest:
            shown_oldest = wait_for("the item waiting longest", lambda: w.js(
                "const b=document.querySelector('[data-testid=now-oldest] button[data-item-id]');return b&&b.dataset.itemId"))
            assert shown_oldest == oldest["item_id"], f"the Now panel's oldest is the engine's: {shown_oldest} vs {oldest}"
        wait_for("the volume chart's canvas", lambda: w.find("[data-testid=chart-volume] canvas"), timeout=30)
        wait_for("the response chart's canvas", lambda: w.find("[data-testid=chart-response] canvas"), timeout=30)
        name = w.js("return document.querySelector('[data-testid=chart-volume] [role=img]').getAttribute('aria-label')")
        assert name.startswith("Mentions per day") and f"{week_total} mentions" in name, f"the chart says what it shows: {name!r}"

        w.click("[data-testid=period-last-30-days]")
        wait_for("the from date to move back 30 days", lambda: w.js(
            "return document.querySelector('[data-testid=report-from]').value") == month[0])
        wait_for(f"the last 30 days' figures ({shown()})", lambda: shown() == ["ready", *month], timeout=60)
        assert total() == str(month_total), f"the total follows the period: {total()} vs {month_total}"
        assert w.js("return document.querySelectorAll('[data-testid=table-days] tbody tr').length") == 30, "a row a day"

        w.click("[data-testid=export-days]")
        message = wait_for("the export's message", lambda: w.js(
            "const s=document.querySelector('[data-testid=export-status]');return s&&s.textContent.trim()"), timeout=30)
        prefix = "Saved 30 rows to "
        assert message.startswith(prefix), f"the message says how many rows went where: {message!r}"
        saved = message[len(prefix):]
        assert os.path.basename(saved) == f"earshot-days-{month[0]}-to-{month[1]}.csv", saved
        if ours:
            assert os.path.dirname(saved) == downloads, f"saved in the Downloads folder: {saved}"
        assert os.path.isfile(saved), f"the file is on disk: {saved}"
        with open(saved) as f:
            lines = f.read().splitlines()
        engine_csv = cli(data, "report", "--from", month[0], "--to", month[1], "--csv").splitlines()
        assert lines[0] == engine_csv[0] and len(lines) == 31, f"the days table with its header: {lines[:2]}"
        assert [l.split(",")[:2] for l in lines] == [l.split(",")[:2] for l in engine_csv], "each day's total is the engine's"
        w.screenshot("reports.png")

        if oldest:
            w.click("[data-testid=now-oldest] button[data-item-id]")
            wait_for("the inbox again", lambda: not w.find(reports))
            wait_for("the oldest item in the reading pane", lambda: w.js(
                "const d=document.querySelector('[data-testid=detail]');return d&&d.dataset.id") == oldest["item_id"])
            w.keys("\ue00c")  # Escape: back to the list
        w.keys("P")
        wait_for("Reports again", lambda: w.find(reports))
        w.keys("\ue00c")  # Escape goes back to the inbox
        wait_for("Escape to leave Reports", lambda: not w.find(reports))
    finally:
        w.close()
        if saved and not ours and os.path.isfile(saved):
            os.remove(saved)  # written to the real Downloads folder: leave nothing behind
        if ours and os.path.exists(user_dirs):
            os.remove(user_dirs)


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_joining_a_team_moves_the_inbox_and_shows_presence(tmp):
    """Settings → Team database: the address and password (kept in the real keyring), Check connection, then Join
    with "Bring my inbox along" moves the personal demo inbox into a new PostgreSQL database, counted. Opened
    again, the window works in the team database, and when another agent starts writing a reply to the item open
    here (a heartbeat row in the database), the line beside the item says so."""
    admin = os.environ.get("EARSHOT_TEST_POSTGRES")
    assert admin, "EARSHOT_TEST_POSTGRES is missing: run inside tests/support/with-postgres.sh (scripts/test.sh does)"
    parts = urllib.parse.urlsplit(admin)
    name = f"e2e_team_{os.getpid()}"
    psql(admin, f"CREATE DATABASE {name}")
    team_url = f"postgres://{parts.username}@{parts.hostname}:{parts.port}/{name}?{parts.query}"
    direct = f"postgres://{parts.username}:{parts.password}@{parts.hostname}:{parts.port}/{name}?{parts.query}"
    data = os.path.join(tmp, "team")
    cli(data, "demo")
    cli(data, "agent", "me", "--name", "Ana López")
    personal = json.loads(cli(data, "inbox", "--json", "--status", "all", "--limit", "1000"))
    w = Window(data)
    try:
        wait_for("the demo inbox", lambda: w.rows())
        w.keys(",")
        w.fill("#team-url", team_url)
        w.fill("#team-password", parts.password)
        w.click("#team-check")
        said = wait_for("the check's answer", lambda: (lambda t: t if t and "Connected to PostgreSQL" in t else None)(
            w.js("return document.querySelector('#settings-team-title').closest('section').innerText")))
        assert "database is new" in said, said
        w.click("#team-bring")
        w.click("#team-join")
        said = wait_for("the move's count", lambda: (lambda t: t if t and "Moved" in t else None)(
            w.js("return document.querySelector('#settings-team-title').closest('section').innerText")))
        assert f"Moved {len(personal):,} items" in said and "restarts" in said, said
        w.screenshot("team-joined.png")
    finally:
        w.close()
        # The window restarts itself into the team database a moment after joining; that copy is not ours to drive.
        subprocess.run(["pkill", "-f", "--", f"--data-dir {data}"], check=False)
        wait_for("the app to stop", lambda: subprocess.run(["pgrep", "-f", "--", f"--data-dir {data}"]).returncode != 0)
    # The CLI on the same data folder now works in the team database too, with the password from the keyring.
    status = json.loads(cli(data, "team", "status", "--json"))
    assert status["database"] == "team" and status["check"]["items"] == len(personal), status
    moved = json.loads(cli(data, "inbox", "--json", "--status", "all", "--limit", "1000"))
    assert sorted(r["id"] for r in moved) == sorted(r["id"] for r in personal), "the same items, with their IDs"
    cli(data, "agent", "add", "Bo Chen")

    w = Window(data)
    try:
        first = wait_for("the team inbox", lambda: w.rows())[0]
        w.click(f"[data-testid=inbox-row][data-id='{first}']")
        wait_for("the item open", lambda: w.find(".presence"))
        assert w.js("return document.querySelector('.presence').innerText.trim()") == "", "nobody else is there yet"
        # Bo's desktop says he is writing a reply to this item.
        psql(direct, "INSERT INTO presence (agent_id, mention_id, activity, seen_at) "
                     f"SELECT id, {int(first)}, 'composing', (extract(epoch from clock_timestamp()) * 1000)::bigint "
                     "FROM agents WHERE name = 'Bo Chen'")
        wait_for("Bo's presence beside the item", lambda: "Bo Chen is writing a reply" in w.js(
            "return document.querySelector('.presence').innerText"))
        w.screenshot("team-presence.png")
        # The support queue hands its items out by itself from now on (the Team dialog, Shift+T).
        w.keys("T")
        wait_for("the queues' modes", lambda: w.find("#assign-support option[value=least_loaded]"))
        w.js("const s=document.querySelector('#assign-support');s.value='least_loaded';"
             "s.dispatchEvent(new Event('change',{bubbles:true}))")
        wait_for("the new mode said", lambda: "holds the fewest" in w.js("return document.querySelector('dialog#team').innerText"))
        w.keys("\ue00c")
        wait_for("the Team dialog to close", lambda: not w.find("dialog#team[open]"))
        w.keys(",")
        where = wait_for("the team section", lambda: w.js("const p=document.querySelector('#team-where');return p&&p.innerText"))
        assert "works in the team database" in where and name in where, where
    finally:
        w.close()

    modes = {r["queue"]: r["mode"] for r in json.loads(cli(data, "auto-assign", "--json"))}
    assert modes == {"support": "least_loaded", "marketing": "off"}, modes

    # The team's server is down (here: an address nothing listens on). The window says so at once, in words,
    # and Settings still lets the person go back to their personal workspace.
    with open(os.path.join(data, "team-database"), "w") as f:
        f.write(f"postgres://{parts.username}@127.0.0.1:9/{name}?{parts.query}\n")
    w = Window(data)
    try:
        said = wait_for("the reason the workspace did not open", lambda: (lambda t: t if t and "could not connect to the team database" in t else None)(
            w.js("return document.body.innerText")), timeout=20)
        assert "Settings" in said and "127.0.0.1:9" in said, said
        w.screenshot("team-down.png")
        w.click("#open-settings-failed")
        w.click("#team-leave")
        wait_for("the way back", lambda: "personal workspace" in w.js(
            "return document.querySelector('#settings-team-title').closest('section').innerText"))
    finally:
        w.close()
        subprocess.run(["pkill", "-f", "--", f"--data-dir {data}"], check=False)
        wait_for("the app to stop", lambda: subprocess.run(["pgrep", "-f", "--", f"--data-dir {data}"]).returncode != 0)
    assert json.loads(cli(data, "team", "status", "--json"))["database"] == "personal"


def main():
    driver = subprocess.Popen(["WebKitWebDriver", f"--port={PORT}"], env={**os.environ, "TAURI_WEBVIEW_AUTOMATION": "true"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp = tempfile.mkdtemp(prefix="earshot-e2e-")
    passed = failed = 0
    try:
        wait_for("WebKitWebDriver", lambda: call("GET", "/status"), timeout=20)
        only = os.environ.get("E2E_ONLY")
        for test in (test_demo_ranking_and_keyboard, test_hostile_mention_is_inert, test_marking_spam_teaches_triage,
                     test_customer_panel_shows_tier_and_history, test_carddav_connects_from_the_window,
                     test_alert_click_opens_the_item, test_the_agents_day_in_the_window, test_reports_period_and_export,
                     test_joining_a_team_moves_the_inbox_and_shows_presence,
                     test_accounts_dialog_reports_an_unreachable_server,
                     test_bluesky_connect_sync_and_reply, test_x_spend_and_a_listening_source, test_large_inbox_is_virtualised):
            if only and test.__name__ != only:
                continue
            t0 = time.time()
            try:
                test(tmp)
                passed += 1
                print(f"PASS {test.__name__} ({time.time() - t0:.1f}s)")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
    finally:
        driver.terminate()
        driver.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"e2e: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
