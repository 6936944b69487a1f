// Two headless Chromium pages open a PeerJS data connection through a PeerJS server, using the
// unmodified peerjs npm client. Usage: node peerjs-chromium.mjs http://127.0.0.1:PORT /compat/peerjs/ [http://127.0.0.1:PORT2]
// With the third argument bob's page uses that server (another node of the same cluster).
// Prints "PASS ..." and exits 0, or the failure and exits 1. Traffic stays on this machine.
import { chromium } from 'playwright-core'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const [base, peerPath, bobBase = base] = process.argv.slice(2)
if (!base || !peerPath) {
  console.error('usage: node peerjs-chromium.mjs <http-base> <peerjs-path>')
  process.exit(2)
}
const here = path.dirname(fileURLToPath(import.meta.url))
const bundle = path.join(here, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js')
const host = new URL(base).hostname

const fail = (msg) => { console.error('FAIL ' + msg); process.exit(1) }
setTimeout(() => fail('timed out'), 60000).unref()

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${host}`,
    '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter',
    '--allow-loopback-in-peer-connection']
})
try {
  const open = async (id, pageBase) => {
    const page = await browser.newPage()
    page.on('console', (m) => { if (m.type() === 'error') console.log(`[${id}] ${m.text()}`) })
    await page.goto(pageBase + peerPath) // same origin as the server: the origin check passes
    await page.addScriptTag({ path: bundle })
    const opened = await page.evaluate(({ id, peerPath }) => new Promise((resolve, reject) => {
      const peer = new window.Peer(id, {
        host: location.hostname, port: Number(location.port), path: peerPath, key: 'peerjs',
        config: { iceServers: [] }, debug: 1
      })
      window.peer = peer
      window.received = []
      peer.on('open', (got) => resolve(got))
      peer.on('error', (e) => reject(new Error(e.type + ': ' + e.message)))
      peer.on('connection', (conn) => {
        conn.on('data', (d) => { window.received.push(d); conn.send('echo:' + d) })
      })
    }), { id, peerPath })
    if (opened !== id) fail(`open gave ${opened}, expected ${id}`)
    return page
  }

  const suffix = Math.random().toString(36).slice(2, 8)
  const a = await open('alice-' + suffix, base)
  const b = await open('bob-' + suffix, bobBase)
  const reply = await b.evaluate((target) => new Promise((resolve, reject) => {
    const conn = window.peer.connect(target, { reliable: true })
    conn.on('open', () => conn.send('hello from bob'))
    conn.on('data', (d) => resolve(d))
    conn.on('error', (e) => reject(new Error(String(e))))
  }), 'alice-' + suffix)
  if (reply !== 'echo:hello from bob') fail('bob got ' + JSON.stringify(reply))
  const got = await a.evaluate(() => window.received)
  if (got.length !== 1 || got[0] !== 'hello from bob') fail('alice got ' + JSON.stringify(got))
  console.log('PASS data connection alice<->bob' + (bobBase !== base ? ' (bob on ' + bobBase + ')' : '') + ': ' + reply)
} finally {
  await browser.close()
}
process.exit(0)
