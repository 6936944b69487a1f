// Two headless Chromium, each in its own network namespace (through the shim given as
// executablePath), open the shared-document page of a Parley node and edit together.
// Usage: node doc-e2e.mjs <p2p|fallback> <base-url> <netns-a> <netns-b> <chromium-shim>
//   p2p:      the peers reach each other; expect the data-channel path and no document traffic
//             through the server (parley_signaling_messages_in{type="relay"} and the y-websocket
//             relay's document counters stay 0).
//   fallback: no STUN/TURN and no route between the peers; expect the server relay within the
//             timeout, convergence, and each page showing the other's cursor.
//   recover:  as fallback; then the server namespace starts forwarding (a peer-to-peer path
//             appears) and both pages must return to the data channel by ICE restart and still
//             converge. Needs the server namespace's name as a 6th argument.
// Prints "OK <scenario>" and exits 0 on success.
import { chromium } from 'playwright-core'

const [scenario, base, nsA, nsB, shim, nsServer] = process.argv.slice(2)
const P2P_RETRY_MS = 3000
// p2p: generous, so a loaded machine's slow ICE/DTLS does not look like a missing path (the
// scenario asserts that no byte of the document goes through the server)
const P2P_TIMEOUT_MS = scenario === 'p2p' ? 10000 : 4000
const host = new URL(base).hostname
const pages = []
const histories = async () => {
  for (const [name, page] of pages) {
    const h = await page.evaluate(() => [...(window.parley.mesh?.peers.values() || [])].map((p) => p.history.join('\n    '))).catch((e) => ['(unavailable: ' + e.message + ')'])
    console.log(name + ' per-peer history:\n    ' + h.join('\n  --\n    '))
  }
}
const fail = async (m) => { console.error('FAIL ' + scenario + ': ' + m); await histories(); process.exit(1) }
const deadline = setTimeout(() => fail('timed out'), 110000)

const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`,
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter']

const browsers = []
async function open (ns, name) {
  const browser = await chromium.launch({ executablePath: shim, args, env: { ...process.env, NETNS: ns } })
  browsers.push(browser)
  const page = await browser.newPage()
  pages.push([name, page])
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message))
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(name, m.type(), m.text()) })
  const room = 'e2e-' + scenario + '-' + process.pid
  await page.goto(`${base}/doc.html?room=${room}&name=${name}&ice=none&p2pTimeout=${P2P_TIMEOUT_MS}&p2pRetry=${P2P_RETRY_MS}`)
  return page
}

const pathOf = (page) => page.evaluate(() => Object.values(window.parley.peerPaths())[0] || 'none')
const metrics = (page) => page.evaluate(() => fetch('/metrics').then((r) => r.text()))
const sum = (text, re) => text.split('\n').filter((l) => re.test(l)).reduce((s, l) => s + Number(l.trim().split(/\s+/).pop()), 0)

try {
  const a = await open(nsA, 'alice')
  const b = await open(nsB, 'bob')
  const t0 = Date.now()
  const want = scenario === 'p2p' ? 'p2p' : 'relay'
  for (const [page, who] of [[a, 'alice'], [b, 'bob']]) {
    await page.waitForFunction((w) => Object.values(window.parley.peerPaths()).includes(w), want, { timeout: P2P_TIMEOUT_MS + 15000 })
      .catch(async () => fail(who + ' never showed path ' + want + '; has ' + await pathOf(page) + ', ICE/signaling state ' +
        await page.evaluate(() => JSON.stringify([...(window.parley.mesh?.peers.values() || [])].map((p) => p.pc && [p.pc.iceConnectionState, p.pc.signalingState, p.polite])))))
  }
  const switched = Date.now() - t0
  console.log(`both pages show path "${want}" after ${switched} ms`)

  await a.click('.cm-content'); await a.keyboard.type('Alice was here. ')
  await b.click('.cm-content'); await b.keyboard.press('End'); await b.keyboard.type('Bob too.')
  const converged = () => Promise.all([a, b].map((p) => p.evaluate(() => window.parley.text.toString())))
  await a.waitForFunction(() => window.parley.text.toString().includes('Bob too.'), null, { timeout: 10000 })
    .catch(() => fail('alice never got bob\'s text'))
  await b.waitForFunction(() => window.parley.text.toString().includes('Alice was here.'), null, { timeout: 10000 })
    .catch(() => fail('bob never got alice\'s text'))
  const [ta, tb] = await converged()
  if (ta !== tb) await fail(`texts differ: "${ta}" vs "${tb}"`)
  console.log(`converged: "${ta}"`)

  // Each page shows the other's cursor with their name (y-codemirror.next's remote caret).
  await a.waitForFunction(() => [...document.querySelectorAll('.cm-ySelectionInfo')].some((e) => e.textContent === 'bob'), null, { timeout: 10000 })
    .catch(() => fail('alice does not see bob\'s cursor'))
  await b.waitForFunction(() => [...document.querySelectorAll('.cm-ySelectionInfo')].some((e) => e.textContent === 'alice'), null, { timeout: 10000 })
    .catch(() => fail('bob does not see alice\'s cursor'))
  console.log('each page shows the other\'s named cursor')

  // The presence list (SSE /v1/presence/stream, fed by signaling) names both users on both pages.
  for (const [page, who] of [[a, 'alice'], [b, 'bob']]) {
    await page.waitForFunction(() => ['alice', 'bob'].every((n) => [...document.querySelectorAll('#presence li')].some((li) => li.textContent.startsWith(n + ' '))), null, { timeout: 10000 })
      .catch(async () => fail(who + '\'s presence list lacks a user: ' + JSON.stringify(await page.$$eval('#presence li', (els) => els.map((e) => e.textContent)))))
  }
  console.log('both presence lists show alice and bob')

  if (scenario === 'recover') {
    // Let ICE give up first, so the return takes an ICE restart (not just the first checks
    // succeeding late): wait until the impolite page restarted ICE or rebuilt the connection.
    const tr = Date.now()
    const retried = () => window.parley.mesh && [...window.parley.mesh.peers.values()].some((p) => p.restarts + p.rebuilds > 0)
    await Promise.any([a, b].map((p) => p.waitForFunction(retried, null, { timeout: 45000 })))
      .catch(() => fail('no page restarted ICE within 45 s on the relay'))
    console.log(`ICE given up and restarted ${Date.now() - tr} ms after the text converged`)
    // Then the impolite page rebuilds the connection (what it does by itself to one whose ICE never
    // started): both pages must move to the new generation, and the return below goes over it.
    const impolite = (await a.evaluate(() => [...window.parley.mesh.peers.values()][0].polite)) ? b : a
    const gen = await impolite.evaluate(() => window.parley.mesh.rebuild([...window.parley.mesh.peers.keys()][0]))
    for (const [page, who] of [[a, 'alice'], [b, 'bob']]) {
      await page.waitForFunction((g) => [...window.parley.mesh.peers.values()].every((p) => p.gen === g && p.pc.remoteDescription &&
        p.pc.signalingState === 'stable'), gen, { timeout: 10000 })
        .catch(async () => fail(who + ' did not take up connection generation ' + gen))
    }
    console.log(`both pages negotiated the rebuilt connection (generation ${gen})`)
    const { execFileSync } = await import('node:child_process')
    execFileSync('ip', ['netns', 'exec', nsServer, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
    const t1 = Date.now()
    for (const [page, who] of [[a, 'alice'], [b, 'bob']]) {
      await page.waitForFunction(() => Object.values(window.parley.peerPaths()).includes('p2p'), null, { timeout: 4 * P2P_RETRY_MS + 20000 })
        .catch(async () => fail(who + ' did not return to the data channel; has ' + await pathOf(page)))
    }
    console.log(`both pages back on "p2p" ${Date.now() - t1} ms after a path appeared`)
    const before = sum(await metrics(a), /^parley_signaling_messages_in_total\{.*type="relay"/)
    await a.keyboard.type(' Back on p2p.')
    await b.waitForFunction(() => window.parley.text.toString().includes('Back on p2p.'), null, { timeout: 10000 })
      .catch(() => fail('bob never got alice\'s edit after the return'))
    const after = sum(await metrics(a), /^parley_signaling_messages_in_total\{.*type="relay"/)
    if (after !== before) await fail(`the edit after the return went through the server relay (${before} -> ${after})`)
    console.log('the edit after the return went peer-to-peer (relay counter unchanged at ' + after + ')')
  }

  const m = await metrics(a)
  const relayIn = sum(m, /^parley_signaling_messages_in_total\{.*type="relay"/)
  const yDocs = sum(m, /^parley_signaling_ywebsocket_document_updates_total/)
  console.log(`server: native relay messages in = ${relayIn}, y-websocket document updates = ${yDocs}`)
  if (scenario === 'p2p') {
    if (relayIn !== 0 || yDocs !== 0) await fail('document traffic went through the server')
    if (await pathOf(a) !== 'p2p' || await pathOf(b) !== 'p2p') await fail('a peer left the data channel')
  } else if (scenario === 'fallback') {
    if (switched > P2P_TIMEOUT_MS + 5000) await fail(`fell back after ${switched} ms, timeout is ${P2P_TIMEOUT_MS} ms`)
    if (relayIn === 0) await fail('no relay traffic counted although the peers are on the server relay')
  }
  if (process.env.DOC_E2E_HISTORY) await histories()
  console.log('OK ' + scenario)
} catch (e) {
  await fail(e.stack || String(e))
} finally {
  clearTimeout(deadline)
  for (const b of browsers) await b.close().catch(() => {})
}
process.exit(0)
