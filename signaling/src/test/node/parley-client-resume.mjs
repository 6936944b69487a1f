// web-demo's parley-client.js (unmodified, loaded from the web-demo sources) in Node 20 with `ws`
// as WebSocket: two clients in a room; one loses its socket abruptly (no close frame) while the
// other keeps signaling it; the client must reconnect on its own, resume the same session and
// get every missed message exactly once, in order, with no 'reset' and no peer-left on the other side.
// Usage: node parley-client-resume.mjs ws://127.0.0.1:PORT/v1/signal <path to parley-client.js>
import WebSocket from 'ws'
import { readFile } from 'node:fs/promises'
globalThis.WebSocket = WebSocket

const [url, clientPath] = process.argv.slice(2)
const fail = (msg) => { console.error('FAIL ' + msg); process.exit(1) }
setTimeout(() => fail('timed out'), 30000).unref()
// web-demo has no package.json saying "module": load the file as an ES module from its text
const src = await readFile(clientPath, 'utf8')
const { ParleyClient } = await import('data:text/javascript;base64,' + Buffer.from(src).toString('base64'))

const once = (target, type, pred = () => true) => new Promise((resolve) => {
  const h = (e) => { if (pred(e.detail)) { target.removeEventListener(type, h); resolve(e.detail) } }
  target.addEventListener(type, h)
})

const t0 = Date.now()
const mark = (what) => console.log(`${Date.now() - t0} ms ${what}`)
const a = new ParleyClient(url, { minBackoffMs: 50, maxBackoffMs: 200 })
const b = new ParleyClient(url, { minBackoffMs: 50, maxBackoffMs: 200 })
const events = { aReset: 0, aOpen: 0, bPeerLeft: 0 }
a.addEventListener('reset', () => events.aReset++)
a.addEventListener('state', (e) => { if (e.detail === 'open') events.aOpen++ })
b.addEventListener('peer-left', () => events.bPeerLeft++)
const received = []
a.addEventListener('signal', (e) => received.push(e.detail.data.i))

a.connect()
a.join('resume-room', { name: 'a' })
await once(a, 'joined')
const peerJoined = once(a, 'peer-joined')
b.connect()
b.join('resume-room', { name: 'b' })
const bJoined = await once(b, 'joined')
await peerJoined
const pa = bJoined.peers[0].peerId
if (pa !== a.peerId) fail('roster does not show a')

for (let i = 0; i < 3; i++) b.signal(pa, 'candidate', { i })
while (received.length < 3) await once(a, 'signal')

mark('3 signals in')
const reopened = once(a, 'state', (s) => s === 'open')
a.ws.terminate() // the network drops: no close frame, the server sees the TCP connection die
for (let i = 3; i < 10; i++) b.signal(pa, 'candidate', { i })
await reopened
mark('reopened')
while (received.length < 10) await once(a, 'signal')
b.signal(pa, 'candidate', { i: 10 })
while (received.length < 11) await once(a, 'signal')

if (JSON.stringify(received) !== JSON.stringify([...Array(11).keys()])) fail('received ' + JSON.stringify(received))
if (events.aReset !== 0) fail('the session was reset instead of resumed')
if (events.bPeerLeft !== 0) fail('b saw a leave')
if (a.peerId !== pa) fail('peer id changed')
if (events.aOpen !== 2) fail('expected two opens, got ' + events.aOpen)
mark('11 signals in')
a.close()
await once(b, 'peer-left')
mark('peer-left')
b.close()
console.log('PASS resumed after an abrupt drop: 11 signals exactly once, in order')
process.exit(0)
