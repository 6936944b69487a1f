// Drives y-webrtc's own, unmodified SignalingConn (lib0 WebsocketClient underneath) against a
// signaling server. Usage: node ywebrtc-signaling.mjs ws://127.0.0.1:PORT/compat/y-webrtc
// Prints "PASS <n> checks" and exits 0, or prints the failure and exits 1.
import { check, connected, deadline, pass, passed, record } from './ywebrtc-harness.mjs'

const { SignalingConn } = await import('y-webrtc')

const url = process.argv[2]
if (!url) {
  console.error('usage: node ywebrtc-signaling.mjs <ws-url>')
  process.exit(2)
}
deadline(30000)

const a = new SignalingConn(url)
const b = new SignalingConn(url)
const ra = record(a)
const rb = record(b)
await Promise.all([connected(a), connected(b)])
check(a.connected && b.connected, 'both SignalingConns connected')

const pub = (topic, data) => (m) => m.type === 'publish' && m.topic === topic && m.data === data

// subscribe, then publish: the sender gets its own message back with the subscriber count
a.send({ type: 'subscribe', topics: ['room-1'] })
a.send({ type: 'publish', topic: 'room-1', data: 'a1' })
let m = await ra.next(pub('room-1', 'a1'), 'echo of a1')
check(m.clients === 1, 'a1 clients=1, got ' + m.clients)

b.send({ type: 'subscribe', topics: ['room-1', 'room-2', 42] })
b.send({ type: 'publish', topic: 'room-1', data: 'b1', from: 'peer-b' })
m = await rb.next(pub('room-1', 'b1'), 'echo of b1')
check(m.clients === 2, 'b1 clients=2')
m = await ra.next(pub('room-1', 'b1'), 'b1 at a')
check(m.clients === 2 && m.from === 'peer-b', 'b1 reaches a with every field and clients=2')

// ordering: a burst from a arrives in order at b
for (let i = 0; i < 50; i++) a.send({ type: 'publish', topic: 'room-1', data: 'seq' + i })
for (let i = 0; i < 50; i++) {
  m = await rb.next((x) => x.type === 'publish' && typeof x.data === 'string' && x.data.startsWith('seq'), 'seq' + i)
  check(m.data === 'seq' + i, 'in order: expected seq' + i + ' got ' + m.data)
}

// ping -> pong
b.send({ type: 'ping' })
await rb.next((x) => x.type === 'pong', 'pong')
passed()

// unsubscribe: b no longer gets room-1
b.send({ type: 'unsubscribe', topics: ['room-1'] })
b.send({ type: 'ping' })
await rb.next((x) => x.type === 'pong', 'pong after unsubscribe')
a.send({ type: 'publish', topic: 'room-1', data: 'after' })
m = await ra.next(pub('room-1', 'after'), 'after at a')
check(m.clients === 1, 'after unsubscribe clients=1')
b.send({ type: 'ping' })
await rb.next((x) => x.type === 'pong', 'pong flush')
check(!rb.seen.some(pub('room-1', 'after')), 'b did not get room-1 after unsubscribing')

// publishing to a topic nobody subscribed is dropped quietly; garbage is ignored; the connection stays
a.send({ type: 'publish', topic: 'nobody', data: 'x' })
a.ws.send('not json')
a.send({ type: 'publish', topic: 'room-2', data: 'a-to-2' })
m = await rb.next(pub('room-2', 'a-to-2'), 'room-2 publish at b')
check(m.clients === 1, 'a is not subscribed to room-2, b is: clients=1')

// a disconnect removes a from its topics
// (the server learns of the close asynchronously, so publish until it has, at most 50 times)
a.destroy()
b.send({ type: 'publish', topic: 'room-1', data: 'b-alone' })
b.send({ type: 'subscribe', topics: ['room-1'] })
for (let i = 0; ; i++) {
  b.send({ type: 'publish', topic: 'room-1', data: 'b-again-' + i })
  m = await rb.next(pub('room-1', 'b-again-' + i), 'b-again-' + i)
  if (m.clients === 1 || i === 49) break
}
check(m.clients === 1, 'a left room-1 when it disconnected: clients=1, got ' + m.clients)

b.destroy()
pass()
process.exit(0)
