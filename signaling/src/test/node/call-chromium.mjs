// The web-demo call page (web-demo/.../call.html) in two headless Chromium pages with fake
// camera and microphone: both join one room over /v1/signal, connect with perfect negotiation,
// exchange a data-channel message each way and decode at least 30 video frames.
// Usage: node call-chromium.mjs http://127.0.0.1:PORT [extra query, e.g. "&relay=1"] [expect]
//   expect = connect (default) | relay (the selected pair must be relayed on both ends)
//          | refused (must NOT connect within 8 s, and TURN must have answered 401)
//          | isolated (must NOT connect within 8 s: e.g. no TURN between two network namespaces)
// CHROMIUM_A / CHROMIUM_B: executables for the two browsers (e.g. shims that enter a network
// namespace each); default one /usr/bin/chromium for both pages.
// Prints "PASS ..." with the selected ICE path and exits 0, or the failure and exits 1.
import { chromium } from 'playwright-core'

const [base, extra = '', expect = 'connect'] = process.argv.slice(2)
if (!base) { console.error('usage: node call-chromium.mjs <http-base> [query]'); process.exit(2) }
const host = new URL(base).hostname
const fail = (msg) => { console.error('FAIL ' + msg); process.exit(1) }
setTimeout(() => fail('timed out'), 90000).unref()

const exeA = process.env.CHROMIUM_A || process.env.CHROMIUM || '/usr/bin/chromium'
const exeB = process.env.CHROMIUM_B || exeA
const launch = (executablePath) => chromium.launch({
  executablePath,
  args: [`--unsafely-treat-insecure-origin-as-secure=${base}`, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`,
    '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter',
    '--allow-loopback-in-peer-connection']
})
const browserA = await launch(exeA)
const browserB = exeB === exeA ? browserA : await launch(exeB)
const browser = { close: async () => { await browserA.close(); if (browserB !== browserA) await browserB.close() } }
try {
  const room = 'e2e-' + Math.random().toString(36).slice(2, 8)
  const open = async (name, br) => {
    const page = await br.newPage()
    page.on('pageerror', (e) => console.log(`[${name}] page error: ${e.message}`))
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('404')) console.log(`[${name}] ${m.text()}`) })
    await page.goto(`${base}/call.html?room=${room}&name=${name}${extra}`)
    return page
  }
  const a = await open('ann', browserA)
  const b = await open('ben', browserB)
  if (expect === 'refused' || expect === 'isolated') {
    await a.waitForFunction(() => window.parleyCall && window.parleyCall.peers.size === 1, null, { timeout: 15000 })
    await a.waitForTimeout(8000) // a relay-only call with bad credentials has nothing to connect with
    const s = await a.evaluate(() => ({
      state: [...window.parleyCall.peers.values()][0].pc.connectionState,
      errors: window.parleyCall.iceErrors
    }))
    if (s.state === 'connected') fail('connected with wrong TURN credentials')
    if (expect === 'refused' && !s.errors.some((e) => e.errorCode === 401)) fail('no 401 from TURN: ' + JSON.stringify(s.errors))
    console.log(`PASS ${expect}: state ${s.state}, ICE errors ${JSON.stringify(s.errors.slice(0, 1))}`)
    await browser.close()
    process.exit(0)
  }
  const connected = (page) => page.waitForFunction(() => {
    const c = window.parleyCall
    if (!c || c.peers.size !== 1) return false
    const p = [...c.peers.values()][0]
    return p.pc.connectionState === 'connected' && p.dc.readyState === 'open'
  }, null, { timeout: 30000, polling: 100 })
  await Promise.all([connected(a), connected(b)])

  const send = (page, text) => page.evaluate((t) => [...window.parleyCall.peers.values()][0].dc.send(t), text)
  await send(a, 'hi from ann')
  await send(b, 'hi from ben')
  const got = (page, text) => page.waitForFunction((t) => window.parleyCall.messages.some((m) => m.data === t), text, { timeout: 10000 })
  await Promise.all([got(b, 'hi from ann'), got(a, 'hi from ben')])

  const decoded = (page) => page.evaluate(async () => {
    const p = [...window.parleyCall.peers.values()][0]
    const stats = await p.pc.getStats()
    let n = 0
    stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded || 0 })
    return n
  })
  // getStats is async, which waitForFunction would take as truthy: poll from here instead
  const frames = async (page) => {
    const deadline = Date.now() + 30000
    for (;;) {
      const n = await decoded(page)
      if (n >= 30) return n
      if (Date.now() > deadline) fail('only ' + n + ' video frames decoded')
      await page.waitForTimeout(250)
    }
  }
  const [fa, fb] = await Promise.all([frames(a), frames(b)])

  const pathOf = (page) => page.evaluate(async () => {
    const p = [...window.parleyCall.peers.values()][0]
    return window.parleyCall.selectedPath(p.pc)
  })
  const path = await pathOf(a)
  if (expect === 'relay' && (path.local !== 'relay' || path.remote !== 'relay')) fail('not relayed: ' + JSON.stringify(path))
  const politeness = await Promise.all([a, b].map((p) => p.evaluate(() => [...window.parleyCall.peers.values()][0].polite)))
  if (politeness[0] === politeness[1]) fail('both sides have polite=' + politeness[0])
  console.log(`PASS call connected, data channel both ways, frames decoded ${fa}/${fb}, path ${JSON.stringify(path)}`)
} finally {
  await browser.close()
}
process.exit(0)
