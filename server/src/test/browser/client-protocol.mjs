// Exercises web-demo's parley-client.js (as the node serves it) against a real Parley node, in Node
// with the `ws` package as WebSocket. Run by dev.parley.server.e2e.ParleyClientIT.
// Usage: node client-protocol.mjs http://127.0.0.1:PORT
//        node client-protocol.mjs http://127.0.0.1:PORT --token JWT   (a node with --auth-secret)
// Prints one "ok <check>" line per check; exits 1 with "FAIL ..." on the first failure. Near the end
// it prints "DRAIN-ME" and expects the caller to shut the node down gracefully (SIGTERM-style drain).
import WebSocket from 'ws'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const base = process.argv[2]
if (!base) {
  console.error('usage: node client-protocol.mjs <http-base>')
  process.exit(2)
}
const hardStop = setTimeout(() => { console.error('FAIL timed out'); process.exit(1) }, 60000)
hardStop.unref()

// The module exactly as the node serves it to browsers.
const res = await fetch(base + '/parley-client.js')
assert.equal(res.status, 200, 'GET /parley-client.js')
const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-client-'))
const file = path.join(dir, 'parley-client.mjs')
writeFileSync(file, await res.text())
const { ParleyClient } = await import(pathToFileURL(file).href)
rmSync(dir, { recursive: true, force: true })

const url = base.replace(/^http/, 'ws') + '/v1/signal'
const clients = []
const newClient = (opts = {}) => {
  const c = new ParleyClient({ url, WebSocket, baseDelayMs: 50, maxDelayMs: 400, ...opts })
  clients.push(c)
  return c
}

/** The next `type` event on `client` whose detail satisfies `pred`. */
function next (client, type, pred = () => true, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeEventListener(type, on)
      reject(new Error(`no ${type} event within ${ms} ms`))
    }, ms)
    const on = (e) => {
      if (!pred(e.detail)) return
      clearTimeout(timer)
      client.removeEventListener(type, on)
      resolve(e.detail)
    }
    client.addEventListener(type, on)
  })
}

function until (cond, what, ms = 8000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now()
    const tick = setInterval(() => {
      if (cond()) { clearInterval(tick); resolve() } else if (Date.now() - t0 > ms) {
        clearInterval(tick)
        reject(new Error(`timed out waiting for ${what}`))
      }
    }, 20)
  })
}

const ok = (name) => console.log('ok ' + name)
const room = 'client-' + Math.random().toString(36).slice(2, 8)

/** Against a node with --auth-secret: a token is accepted; without one the client stops for good. */
async function authChecks (token) {
  const noToken = newClient()
  const errors = []
  noToken.addEventListener('error', (e) => errors.push(e.detail))
  const attempts = []
  noToken.addEventListener('state', (e) => attempts.push(e.detail.state))
  const closed = next(noToken, 'state', (st) => st.state === 'closed')
  noToken.connect()
  await closed
  assert.ok(errors.some((e) => e.code === 'unauthorized' && e.fatal), 'unauthorized error: ' + JSON.stringify(errors))
  await new Promise((resolve) => setTimeout(resolve, 1000)) // would be ~10 reconnects at a 50 ms base
  assert.deepEqual(attempts, ['connecting', 'closed'], 'no reconnect after a 1008 close')
  ok('no token: unauthorized (fatal), state closed, no reconnect')

  const withToken = newClient({ token: () => Promise.resolve(token) })
  const welcome = next(withToken, 'welcome')
  withToken.connect()
  assert.equal((await welcome).userId, 'alice')
  await withToken.join(room)
  ok('token from a provider function: welcome for alice, join allowed')
}

/** Against a node in dev mode: the whole protocol, drops and resumes, backoff, drain. */
async function devModeChecks () {

  // --- hello / welcome, ICE servers ---
  const a = newClient()
  const aWelcome = next(a, 'welcome')
  a.connect()
  const w = await aWelcome
  assert.ok(w.sessionId && w.peerId && w.resumeToken, 'welcome carries the session identity')
  assert.equal(w.resumed, false)
  assert.equal(a.peerId, w.peerId)
  const turn = a.iceServers.find((s) => [].concat(s.urls).some((u) => u.startsWith('turn:')))
  assert.ok(turn && turn.username && turn.credential, 'TURN server with REST credentials: ' + JSON.stringify(a.iceServers))
  assert.ok(a.iceExpiresAt > Date.now(), 'iceExpiresAt in the future')
  assert.equal(a.state, 'open')
  ok('welcome with session, TURN credentials and state open')

  // --- join, roster, polite flags ---
  await a.join(room, { name: 'A' })
  const b = newClient()
  b.connect()
  const peerJoined = next(a, 'peer-joined')
  const joined = await b.join(room, { name: 'B' })
  assert.equal(joined.peers.length, 1)
  assert.equal(joined.peers[0].peerId, a.peerId)
  assert.deepEqual(joined.peers[0].meta, { name: 'A' })
  const pj = await peerJoined
  assert.equal(pj.peerId, b.peerId)
  assert.equal(typeof b.polite(a.peerId), 'boolean')
  assert.notEqual(a.polite(b.peerId), b.polite(a.peerId), 'exactly one side of the pair is polite')
  ok('join: roster with meta, peer-joined, exactly one polite side')

  // --- signal routing ---
  const gotOffer = next(b, 'signal', (s) => s.kind === 'offer')
  a.signal(b.peerId, 'offer', { type: 'offer', sdp: 'v=0\r\n' })
  const offer = await gotOffer
  assert.equal(offer.from, a.peerId, 'server-stamped from')
  assert.equal(offer.data.sdp, 'v=0\r\n')
  ok('signal: offer delivered with from')

  // --- errors surface as events ---
  const peerGone = next(a, 'error', (e) => e.code === 'peer-gone')
  a.signal('nobody-here1', 'candidate', { candidate: '' })
  assert.equal((await peerGone).fatal, false)
  const badJoin = a.join('x'.repeat(129)).then(() => null, (e) => e)
  const err = await badJoin
  assert.ok(err && err.code === 'bad-field', 'join rejects with the server error: ' + (err && err.code))
  assert.equal(a.state, 'open', 'non-fatal errors keep the connection')
  ok('errors: peer-gone event, join() rejects with bad-field, connection stays open')

  // --- app-level ping and ICE refresh ---
  const pong = next(a, 'pong')
  a.ping()
  assert.ok((await pong).rttMs >= 0)
  const iceEvent = next(a, 'ice-servers')
  const fresh = await a.refreshIceServers()
  assert.ok(fresh.iceServers.length > 0 && fresh.iceExpiresAt >= w.iceExpiresAt)
  await iceEvent
  ok('ping/pong with rtt; refreshIceServers() and the ice-servers event')

  // --- resume after an abrupt drop: every missed message once, in order ---
  const received = []
  b.addEventListener('signal', (e) => { if (e.detail.kind === 'candidate') received.push(e.detail.data.candidate) })
  const bPeerId = b.peerId
  let aSawLeave = false
  a.addEventListener('peer-left', (e) => { if (e.detail.peerId === bPeerId) aSawLeave = true })
  const resumed = next(b, 'session')
  b._ws.terminate() // no close frame: the server keeps the session for a resume
  const queuedAnswer = next(a, 'signal', (s) => s.kind === 'answer')
  b.signal(a.peerId, 'answer', { type: 'answer', sdp: 'v=0 queued\r\n' }) // while disconnected: queued
  for (let i = 0; i < 20; i++) a.signal(bPeerId, 'candidate', { candidate: 'candidate:' + i, sdpMid: '0', sdpMLineIndex: 0 })
  const session = await resumed
  assert.equal(session.resumed, true, 'the session was resumed')
  assert.equal(b.peerId, bPeerId, 'same peerId after the resume')
  await until(() => received.length >= 20, '20 candidates after the resume')
  assert.deepEqual(received, Array.from({ length: 20 }, (_, i) => 'candidate:' + i), 'in order, each once')
  const answer = await queuedAnswer
  assert.equal(answer.from, bPeerId)
  assert.equal(answer.data.sdp, 'v=0 queued\r\n')
  assert.equal(aSawLeave, false, 'the others saw nothing of the drop')
  ok('resume after a drop: 20 missed signals replayed in order exactly once; a queued signal sent after it')

  // --- resume refused: fresh session, rooms joined again ---
  const refused = next(b, 'error', (e) => e.code === 'resume-failed')
  const freshSession = next(b, 'session')
  const rejoined = next(b, 'joined', (j) => j.room === room)
  const newcomer = next(a, 'peer-joined', (p) => p.peerId !== bPeerId)
  b._resumeToken = 'not-the-token-xxxxxxxxxx'
  b._ws.terminate()
  await refused
  const s2 = await freshSession
  assert.equal(s2.resumed, false)
  assert.notEqual(b.peerId, bPeerId, 'a fresh session has a new peerId')
  const rj = await rejoined
  assert.ok(rj.peers.some((p) => p.peerId === a.peerId), 'rejoined the room with A in the roster')
  assert.equal((await newcomer).peerId, b.peerId)
  ok('failed resume: resume-failed error, fresh session with a new peerId, room joined again')

  // --- close: bye, the others see peer-left{bye}, no reconnect ---
  const bye = next(a, 'peer-left', (p) => p.peerId === b.peerId)
  b.close('done')
  assert.equal((await bye).reason, 'bye')
  assert.equal(b.state, 'closed')
  ok('close(): peer-left with reason bye, state closed')

  // --- reconnect backoff: exponential with full jitter, capped ---
  const c = newClient({ url: 'ws://127.0.0.1:1/v1/signal', baseDelayMs: 40, maxDelayMs: 320 })
  const attempts = []
  c.addEventListener('state', (e) => { if (e.detail.state === 'connecting') attempts.push(Date.now()) })
  c.addEventListener('error', () => {})
  const started = Date.now()
  c.connect()
  await until(() => attempts.length >= 12 || Date.now() - started > 6000, 'reconnect attempts', 7000)
  c.close()
  // Each attempt enters 'connecting'; a refused one waits a random delay up to the cap.
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
  assert.ok(attempts.length >= 6, `kept reconnecting: ${attempts.length} attempts`)
  assert.ok(gaps.every((g) => g <= 320 + 250), 'no gap above the cap: ' + gaps)
  ok(`reconnect backoff: ${attempts.length} attempts to a closed port, gaps ${gaps.join(',')} ms (cap 320)`)

  // --- bye from a draining node: reconnect (not stop) ---
  const d = newClient()
  d.addEventListener('error', () => {})
  d.connect()
  await d.join(room)
  const byeMsg = next(d, 'bye', () => true, 20000)
  const reconnecting = next(d, 'state', (st) => st.state === 'reconnecting', 25000)
  console.log('DRAIN-ME') // the Java IT now shuts the node down gracefully
  const byeDetail = await byeMsg
  assert.equal(byeDetail.action, 'reconnect', 'graceful shutdown says reconnect: ' + JSON.stringify(byeDetail))
  await reconnecting
  ok('bye{action:"reconnect"} on graceful shutdown: the client reconnects')
}

try {
  const tokenAt = process.argv.indexOf('--token')
  if (tokenAt > 0) await authChecks(process.argv[tokenAt + 1])
  else await devModeChecks()
  console.log('PASS')
} catch (e) {
  console.error('FAIL ' + (e && e.stack ? e.stack : e))
  process.exitCode = 1
} finally {
  for (const c of clients) c.close()
}
setTimeout(() => process.exit(process.exitCode || 0), 100)
