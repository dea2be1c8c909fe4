// The Bluesky reference network on loopback for Earshot's integration tests: PLC directory, PDS and AppView
// (plus bsync and ozone, which the AppView needs), all from @atproto/dev-env in this one Node process.
//
// Usage: node bsky-net.mjs [--once]
//   Needs Node >= 22.15 and PostgreSQL (DB_POSTGRES_URL). tests/support/with-bsky-net.sh sets all of this up.
//   When the network is ready it prints ONE JSON line on stdout:
//     {"ready":true,"pdsUrl":...,"appviewUrl":...,"appviewDid":...,"plcUrl":...,
//      "accounts":[{"handle","did","password"}],"startupMs":...,"rssMB":...,
//      "ozoneUrl","pdsDid","pdsAdminPassword" (Basic auth admin:<it> on the PDS),"pid"}
//   and stays up until SIGTERM/SIGINT (--once: closes right away), then deletes its run folder.
//   Everything else (progress, errors) goes to stderr.
//
// Environment:
//   DB_POSTGRES_URL       postgresql://bsky:bsky@127.0.0.1:55432/bsky by default
//   DB_POSTGRES_SCHEMA    schema name stem, "earshot" by default (appview_earshot, bsync_earshot, ozone_earshot)
//   BSKY_NET_PLC_PORT 2582, BSKY_NET_PDS_PORT 2583, BSKY_NET_APPVIEW_PORT 2584, BSKY_NET_OZONE_PORT 2587
//   RUN_ROOT              where the per-run folder (PDS SQLite files, blobs) goes; os.tmpdir() by default
//
// Accounts (password = "<handle>-pass"): support.earshot.test, marketing.earshot.test, alice.test, bob.test.
// No posts are seeded: the tests write their own through XRPC.
//
// Measured with dev-env 0.6.7, over plain HTTP:
// - The AppView indexes new PDS records by itself (its RepoSubscription follows the PDS firehose): a mention
//   shows up in listNotifications 0.1-0.9 s after createRecord returns, so poll for up to ~2 s.
// - The PDS proxies app.bsky.* to this AppView with no extra header (the header
//   `atproto-proxy: <appviewDid>#bsky_appview` works too), but needs `authorization: Bearer <accessJwt>`;
//   without it: 401 AuthMissing. The AppView itself answers searchPosts without a token.
// - app.bsky.feed.searchPosts is a case-sensitive substring match (SQL LIKE '%q%') of the whole q, plus
//   from:<handle>; newest first.
// - createRecord with a client-chosen rkey (a TID) works; the same rkey again fails with HTTP 500
//   {"error":"InternalServerError"} ("There is already a value at key" in the log); a non-TID rkey for a
//   post is HTTP 400 InvalidRequest.
import net from 'node:net'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const t0 = Date.now()
const log = (...a) => console.error(`[bsky-net ${Date.now() - t0}ms]`, ...a)

// 1) Loopback only: the atproto servers call listen(port), which binds every interface.
const origListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return origListen.apply(this, args)
}

// 2) A folder of our own for this run: the PDS puts its SQLite files and blobs under os.tmpdir().
const ROOT = process.env.RUN_ROOT || os.tmpdir()
const RUNDIR = path.join(ROOT, `bsky-net-${process.pid}`)
fs.mkdirSync(RUNDIR, { recursive: true })
process.env.TMPDIR = RUNDIR
process.env.REDIS_HOST ||= '127.0.0.1:6379' // asserted by TestNetwork, never connected to
process.env.LOG_ENABLED ||= 'false'

const port = (name, dflt) => {
  const v = +(process.env[name] || dflt)
  if (!Number.isInteger(v) || v <= 0 || v > 65535) throw new Error(`${name} is not a port: ${process.env[name]}`)
  return v
}
const PLC_PORT = port('BSKY_NET_PLC_PORT', 2582)
const PDS_PORT = port('BSKY_NET_PDS_PORT', 2583)
const APPVIEW_PORT = port('BSKY_NET_APPVIEW_PORT', 2584)
const OZONE_PORT = port('BSKY_NET_OZONE_PORT', 2587)
const DB = process.env.DB_POSTGRES_URL || 'postgresql://bsky:bsky@127.0.0.1:55432/bsky'
const SCHEMA = process.env.DB_POSTGRES_SCHEMA || 'earshot'

// Handles under .earshot.test need that suffix as a PDS service domain, listed before .test (the PDS takes
// the first domain that matches and refuses a dot in the rest).
const SERVICE_DOMAINS = ['.earshot.test', '.test']
const ACCOUNTS = [
  { handle: 'support.earshot.test', displayName: 'Earshot Bikes Support' },
  { handle: 'marketing.earshot.test', displayName: 'Earshot Bikes' },
  { handle: 'alice.test', displayName: 'Alice Rider' },
  { handle: 'bob.test', displayName: 'Bob' },
]

let network
let closing = false
const shutdown = async (why, code = 0) => {
  if (closing) return
  closing = true
  log(`${why}: closing`)
  const hard = setTimeout(() => { log('close timed out'); cleanup(); process.exit(code || 1) }, 15000)
  hard.unref()
  if (network) {
    try { await network.close() } catch (e) { log('close error:', e?.message ?? e) }
  }
  cleanup()
  process.exit(code)
}
const cleanup = () => {
  try { fs.rmSync(RUNDIR, { recursive: true, force: true }) } catch (e) { log('cannot remove', RUNDIR, e.message) }
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('unhandledRejection', (e) => { log('unhandled rejection:', e?.stack ?? e); shutdown('error', 1) })

try {
  // 3) Fresh schemas each run: the PLC lives in memory, so rows from an earlier run would name dead DIDs.
  const pg = (await import('pg')).default
  const c = new pg.Client({ connectionString: DB })
  await c.connect()
  for (const s of [`appview_${SCHEMA}`, `bsync_${SCHEMA}`, `ozone_${SCHEMA}`])
    await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  await c.end()

  const { TestNetwork } = await import('@atproto/dev-env')
  network = await TestNetwork.create({
    dbPostgresUrl: DB,
    dbPostgresSchema: SCHEMA,
    plc: { port: PLC_PORT },
    pds: { port: PDS_PORT, hostname: 'localhost', serviceHandleDomains: SERVICE_DOMAINS },
    bsky: { port: APPVIEW_PORT, publicUrl: `http://localhost:${APPVIEW_PORT}` },
    ozone: { port: OZONE_PORT },
  })
  log('network up')

  // 4) Seed the accounts. "support" and "marketing" are on the PDS's list of reserved names, which
  //    createAccount refuses, so those two are created under a stand-in handle and renamed by the admin
  //    (com.atproto.admin.updateAccountHandle may use reserved names).
  const pds = network.pds
  const accounts = []
  for (const { handle, displayName } of ACCOUNTS) {
    const password = `${handle}-pass`
    const [first, ...rest] = handle.split('.')
    const email = `${handle}@example.com`
    const agent = pds.getAgent()
    try {
      await agent.createAccount({ handle, email, password })
    } catch (e) {
      if (e?.error !== 'HandleNotAvailable' || !/reserved/i.test(e?.message ?? '')) throw e
      await agent.createAccount({ handle: [`${first}-x`, ...rest].join('.'), email, password })
      const res = await fetch(`${pds.url}/xrpc/com.atproto.admin.updateAccountHandle`, {
        method: 'POST',
        headers: { ...pds.adminAuthHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify({ did: agent.session.did, handle }),
      })
      if (!res.ok) throw new Error(`updateAccountHandle ${handle}: ${res.status} ${await res.text()}`)
      await agent.login({ identifier: handle, password })
    }
    const did = agent.session.did
    await agent.upsertProfile((p) => ({ ...p, displayName }))
    accounts.push({ handle, did, password })
  }
  await network.processAll()

  // The AppView must know every account under its final handle before we say "ready".
  const appview = network.bsky.getAgent()
  for (const a of accounts) {
    const { data } = await appview.getProfile({ actor: a.did })
    if (data.handle !== a.handle) throw new Error(`AppView has ${a.did} as ${data.handle}, not ${a.handle}`)
  }
  log('accounts seeded and indexed')

  const info = {
    ready: true,
    pdsUrl: pds.url,
    appviewUrl: network.bsky.url,
    appviewDid: network.bsky.ctx.cfg.serverDid,
    plcUrl: network.plc.url,
    ozoneUrl: network.ozone.url,
    pdsDid: pds.ctx.cfg.service.did,
    pdsAdminPassword: 'admin-pass', // Basic auth admin:<this> on the PDS (dev-env's fixed value)
    accounts,
    startupMs: Date.now() - t0,
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    pid: process.pid,
  }
  console.log(JSON.stringify(info))
} catch (e) {
  log('failed to start:', e?.stack ?? e)
  await shutdown('error', 1)
}

if (process.argv.includes('--once')) await shutdown('--once')
setInterval(() => {}, 1 << 30) // stay up until a signal
