// Drives the demo call page (call.html) in two headless Chromium, each in its own network namespace,
// and reports what each page saw. The Java IT (dev.parley.server.e2e.CallThroughTurnE2EIT) sets up
// the namespaces and the Parley node and asserts on the reports; this script only observes.
//
// Usage: node call-e2e.mjs <base-url> <netns-a> <netns-b> [scenario ...]
//   scenarios: relay-udp relay-tcp no-turn bad-credential (the default), any
// Output: one line per scenario, "RESULT " + JSON {scenario, connected, elapsedMs, a, b}, where a/b
// are the pages' window.parleyCall snapshots. Exit 0 when every scenario ran (whatever it saw),
// 1 when the driver itself failed.
import { chromium } from 'playwright-core'
import { fileURLToPath } from 'node:url'
import { chmodSync } from 'node:fs'
import path from 'node:path'

const [base, netnsA, netnsB, ...wanted] = process.argv.slice(2)
if (!base || !netnsA || !netnsB) {
  console.error('usage: node call-e2e.mjs <base-url> <netns-a> <netns-b> [scenario ...]')
  process.exit(2)
}
const here = path.dirname(fileURLToPath(import.meta.url))
const shim = path.join(here, 'netns-chromium.sh')
chmodSync(shim, 0o755) // a checkout may have lost the executable bit
const origin = new URL(base).origin
const host = new URL(base).hostname

/** How long a call may take to connect, send a chat line each way and decode 30 frames. */
const CONNECT_MS = 25000
/** How long a call that must not connect is watched (the recipe saw failures only after ~16 s). */
const NEGATIVE_MS = 7000
const MIN_FRAMES = 30

const SCENARIOS = {
  // After connecting: an ICE restart by hand, then a real outage of client A (restart on failure).
  'relay-udp': { query: 'relay=1&transport=udp', expectConnect: true, restart: true, flap: true },
  'relay-tcp': { query: 'relay=1&transport=tcp', expectConnect: true },
  'no-turn': { query: 'turn=0', expectConnect: false },
  'bad-credential': { query: 'relay=1&transport=udp&badcred=1', expectConnect: false, waitFor401: true },
  // Three pages (two in namespace A, one in B): every pair connects, then the third leaves.
  mesh: { query: 'relay=1&transport=udp', mesh: true },
  // Not in the default set: whatever path ICE picks (for trying the driver by hand on one host).
  any: { query: '', expectConnect: true }
}
const DEFAULT = ['relay-udp', 'relay-tcp', 'no-turn', 'bad-credential', 'mesh']
const run = wanted.length ? wanted : DEFAULT
for (const s of run) {
  if (!SCENARIOS[s]) {
    console.error(`unknown scenario ${s}; known: ${Object.keys(SCENARIOS).join(' ')}`)
    process.exit(2)
  }
}

const hardStop = setTimeout(() => { console.error('FAIL driver timed out'); process.exit(1) }, 100000)
hardStop.unref()

const launch = (netns) => chromium.launch({
  executablePath: shim,
  env: { ...process.env, PARLEY_NETNS: netns },
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`,
    '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter',
    `--unsafely-treat-insecure-origin-as-secure=${origin}`]
})

/** True when this page has a connected peer that sent a chat line and delivered MIN_FRAMES frames. */
function callComplete (minFrames) {
  const s = window.parleyCall
  if (!s) return false
  return Object.values(s.peers).some((p) => !p.left && p.connectionState === 'connected' && p.path &&
    p.messages.length >= 1 && p.framesDecoded >= minFrames)
}

function anyConnected () {
  const s = window.parleyCall
  return !!s && Object.values(s.peers).some((p) => p.connectionState === 'connected')
}

function saw401 () {
  const s = window.parleyCall
  return !!s && s.candidateErrors.some((e) => e.errorCode === 401)
}

/** Page A restarts ICE; both sides must renegotiate new ICE credentials and stay connected. */
async function iceRestart (a, b) {
  const t0 = Date.now()
  const peerOf = (p) => p.evaluate(() => {
    const [id, v] = Object.entries(window.parleyCall.peers).find(([, v]) => !v.left)
    return { id, localUfrag: v.localUfrag, remoteUfrag: v.remoteUfrag, frames: v.framesDecoded, restarts: v.restarts }
  })
  const [before, beforeB] = await Promise.all([peerOf(a), peerOf(b)])
  await a.evaluate((id) => window.parleyCall.restartIce(id), before.id)
  const renegotiated = (arg) => {
    const v = Object.values(window.parleyCall.peers).find((p) => !p.left)
    return !!v && v.connectionState === 'connected' && v.localUfrag !== arg.localUfrag &&
      v.remoteUfrag !== arg.remoteUfrag && v.framesDecoded >= arg.frames + 15
  }
  try {
    await Promise.all([
      a.waitForFunction(renegotiated, before, { timeout: 15000, polling: 200 }),
      b.waitForFunction(renegotiated, beforeB, { timeout: 15000, polling: 200 })])
    return { ok: true, ms: Date.now() - t0, before, beforeB, after: await peerOf(a), afterB: await peerOf(b) }
  } catch (e) {
    return { ok: false, ms: Date.now() - t0, before, beforeB, after: await peerOf(a), afterB: await peerOf(b), error: e.message.split('\n')[0] }
  }
}

/**
 * Cuts client A off the server (its one route) until A's page restarts ICE, then restores the
 * route: ICE must restart and the call recover.
 */
async function linkFlap (a, b) {
  const { execFileSync } = await import('node:child_process')
  const route = execFileSync('ip', ['-n', netnsA, '-o', 'route', 'show', host]).toString().trim().split(/\s+/)
  const t0 = Date.now()
  // Runs alone: the route is the whole namespace's, every page in it is cut off.
  const state = (p) => p.evaluate(() => Object.values(window.parleyCall.peers).find((v) => !v.left))
  const before = await state(a)
  execFileSync('ip', ['-n', netnsA, 'route', 'del', ...route])
  const timeline = []
  try {
    // The page notices (connectionState disconnected, then 3 s) and restarts ICE on its own.
    await a.waitForFunction((n) => Object.values(window.parleyCall.peers).some((v) => v.restarts > n),
      before.restarts, { timeout: 20000, polling: 200 })
    timeline.push(['restart', Date.now() - t0])
  } catch (e) {
    return { ok: false, timeline, a: await state(a), b: await state(b), error: 'no ICE restart: ' + e.message.split('\n')[0] }
  } finally {
    execFileSync('ip', ['-n', netnsA, 'route', 'add', ...route])
    timeline.push(['up', Date.now() - t0])
  }
  try {
    // Connected again, on ICE credentials negotiated after the failure.
    const recovered = (old) => Object.values(window.parleyCall.peers).some((v) => v.connectionState === 'connected' &&
      v.localUfrag !== old.localUfrag && v.remoteUfrag !== old.remoteUfrag)
    await Promise.all([
      a.waitForFunction(recovered, before, { timeout: 20000, polling: 200 }),
      b.waitForFunction(recovered, { localUfrag: before.remoteUfrag, remoteUfrag: before.localUfrag }, { timeout: 20000, polling: 200 })])
    timeline.push(['connected', Date.now() - t0])
    return { ok: true, timeline, a: await state(a), b: await state(b) }
  } catch (e) {
    return { ok: false, timeline, a: await state(a), b: await state(b), error: e.message.split('\n')[0] }
  }
}

const snapshot = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.parleyCall)))

async function openPage (browser, label, url, logs) {
  const page = await browser.newPage()
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${label}] ${m.text()}`) })
  page.on('pageerror', (e) => logs.push(`[${label}] page error: ${e.message}`))
  page.on('response', (r) => { if (r.status() >= 400) logs.push(`[${label}] ${r.status()} ${r.url()}`) })
  await page.goto(url)
  await page.waitForFunction(() => window.parleyCall && window.parleyCall.ready, null, { timeout: 15000 })
  return page
}

/** Every page has `n` connected peers, each with a chat line received and MIN_FRAMES frames decoded. */
function meshComplete (arg) {
  const s = window.parleyCall
  return !!s && Object.values(s.peers).filter((p) => !p.left && p.connectionState === 'connected' && p.path &&
    p.messages.length >= 1 && p.framesDecoded >= arg.minFrames).length === arg.n
}

async function mesh (name, browserA, browserB) {
  const room = `${name}-${Math.random().toString(36).slice(2, 8)}`
  const url = `${base}/call.html?room=${room}&${SCENARIOS[name].query}`
  const logs = []
  const t0 = Date.now()
  const pages = []
  try {
    for (const [i, browser] of [browserA, browserB, browserA].entries()) pages.push(await openPage(browser, 'p' + i, url, logs))
    let connected = false
    let connectedAfterMs = null
    try {
      await Promise.all(pages.map((p) => p.waitForFunction(meshComplete, { n: 2, minFrames: MIN_FRAMES }, { timeout: CONNECT_MS, polling: 250 })))
      connected = true
      connectedAfterMs = Date.now() - t0
    } catch (e) {
      logs.push(`mesh did not complete: ${e.message.split('\n')[0]}`)
    }
    const before = await Promise.all(pages.map(snapshot))
    // The third page goes away (pagehide sends bye): the other two see it leave and close its connection.
    await pages[2].close({ runBeforeUnload: true })
    const leaver = before[2].peerId
    const sawLeave = await Promise.all(pages.slice(0, 2).map((p) => p.waitForFunction((id) => {
      const v = window.parleyCall.peers[id]
      return !!v && v.left && v.connectionState === 'closed'
    }, leaver, { timeout: 10000, polling: 200 }).then(() => true, () => false)))
    return { scenario: name, room, connected, connectedAfterMs, elapsedMs: Date.now() - t0, pages: before, leaver, sawLeave, logs }
  } finally {
    await Promise.all(pages.map((p) => p.close().catch(() => {})))
  }
}

async function scenario (name, browserA, browserB) {
  const spec = SCENARIOS[name]
  if (spec.mesh) return mesh(name, browserA, browserB)
  const room = `${name}-${Math.random().toString(36).slice(2, 8)}`
  const url = `${base}/call.html?room=${room}&${spec.query}`
  const logs = []
  const t0 = Date.now()
  const a = await openPage(browserA, 'a', url, logs)
  const b = await openPage(browserB, 'b', url, logs)
  let connected = false
  let connectedAfterMs = null
  let restart = null
  let flap = null
  try {
    if (spec.expectConnect) {
      try {
        await Promise.all([a, b].map((p) => p.waitForFunction(callComplete, MIN_FRAMES, { timeout: CONNECT_MS, polling: 200 })))
        connected = true
        connectedAfterMs = Date.now() - t0
        if (spec.restart) restart = await iceRestart(a, b)
        if (spec.flap) flap = await linkFlap(a, b)
      } catch (e) {
        logs.push(`call did not complete: ${e.message.split('\n')[0]}`)
      }
    } else {
      // Watched for NEGATIVE_MS after both pages joined (and, for the 401, until both saw it).
      const watch = [a, b].map((p) => p.waitForFunction(anyConnected, null, { timeout: NEGATIVE_MS, polling: 200 })
        .then(() => true, () => false))
      if (spec.waitFor401) {
        // Both pages must report the 401; the watch for a connection goes on meanwhile.
        await Promise.all([a, b].map((p) => p.waitForFunction(saw401, null, { timeout: CONNECT_MS, polling: 200 })
          .catch(() => logs.push('no 401 seen'))))
      }
      connected = (await Promise.all(watch)).some(Boolean) ||
        (await Promise.all([a, b].map((p) => p.evaluate(anyConnected)))).some(Boolean)
      if (connected) connectedAfterMs = Date.now() - t0
    }
    return { scenario: name, room, connected, connectedAfterMs, restart, flap, elapsedMs: Date.now() - t0,
      a: await snapshot(a), b: await snapshot(b), logs }
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

let browsers = []
let failed = false
try {
  const t0 = Date.now()
  browsers = await Promise.all([launch(netnsA), launch(netnsB)])
  console.log(`browsers up in ${Date.now() - t0} ms`)
  const [browserA, browserB] = browsers
  // The first call runs alone (it pays for the browsers' and the server's warm-up, and relay-udp
  // cuts namespace A off for a while); two-page scenarios then run side by side (those that must
  // not connect only wait); the mesh (six connections) runs alone at the end.
  const [first, ...rest] = run
  const results = [await scenario(first, browserA, browserB)]
  const alone = rest.filter((s) => SCENARIOS[s].mesh)
  results.push(...await Promise.all(rest.filter((s) => !SCENARIOS[s].mesh).map((s) => scenario(s, browserA, browserB))))
  for (const s of alone) results.push(await scenario(s, browserA, browserB))
  for (const r of results) console.log('RESULT ' + JSON.stringify(r))
} catch (e) {
  failed = true
  console.error('FAIL ' + (e && e.stack ? e.stack : e))
} finally {
  await Promise.all(browsers.map((b) => b.close().catch(() => {})))
}
process.exit(failed ? 1 : 0)
