// Two unmodified y-webrtc SignalingConns on two different Parley nodes sharing one Redis.
// Usage: node ywebrtc-cluster.mjs ws://NODE1/compat/y-webrtc ws://NODE2/compat/y-webrtc
// Prints "PASS <n> checks" and exits 0, or prints the failure and exits 1.
import { check, connected, deadline, fail, pass, record } from './ywebrtc-harness.mjs'

const { SignalingConn } = await import('y-webrtc')

const [url1, url2] = process.argv.slice(2)
if (!url1 || !url2) {
  console.error('usage: node ywebrtc-cluster.mjs <ws-url-node-1> <ws-url-node-2>')
  process.exit(2)
}
deadline(45000)

const pub = (topic, data) => (m) => m.type === 'publish' && m.topic === topic && m.data === data
const pong = (r) => r.next((x) => x.type === 'pong', 'pong')

const a = new SignalingConn(url1) // node 1
const b = new SignalingConn(url2) // node 2
const ra = record(a)
const rb = record(b)
await Promise.all([connected(a), connected(b)])
check(a.connected && b.connected, 'both SignalingConns connected, to different nodes')

a.send({ type: 'subscribe', topics: ['room-1'] })
b.send({ type: 'subscribe', topics: ['room-1', 'room-2'] })
await pong((a.send({ type: 'ping' }), ra))
await pong((b.send({ type: 'ping' }), rb))

// a node's bus subscription is asynchronous: publish until the first one crosses (at most 50 tries)
let m
for (let i = 0; ; i++) {
  b.send({ type: 'publish', topic: 'room-1', data: 'hello-' + i, from: 'peer-b' })
  try {
    m = await ra.next(pub('room-1', 'hello-' + i), 'hello-' + i, 200)
    break
  } catch (e) {
    if (i === 49) fail('no publish from node 2 reached node 1 in 50 tries')
  }
}
check(m.from === 'peer-b', 'a publish on node 2 reaches a subscriber on node 1 with every field')

// clients counts the subscribers on both nodes once the counts were announced (at most 50 tries)
for (let i = 0; ; i++) {
  a.send({ type: 'publish', topic: 'room-1', data: 'count-' + i })
  m = await ra.next(pub('room-1', 'count-' + i), 'count-' + i)
  if (m.clients === 2 || i === 49) break
}
check(m.clients === 2, 'clients counts both nodes: 2, got ' + m.clients)
m = await rb.next(pub('room-1', m.data), 'count echo at b')
check(m.clients === 2, 'and node 2 says 2 too, got ' + m.clients)

// order per publisher across nodes, each message exactly once
for (let i = 0; i < 50; i++) a.send({ type: 'publish', topic: 'room-1', data: 'seq' + i })
a.send({ type: 'publish', topic: 'room-1', data: 'seq-end' })
for (let i = 0; i < 50; i++) {
  m = await rb.next((x) => x.type === 'publish' && typeof x.data === 'string' && x.data.startsWith('seq'), 'seq' + i)
  check(m.data === 'seq' + i, 'in order across nodes: expected seq' + i + ' got ' + m.data)
}
await rb.next(pub('room-1', 'seq-end'), 'seq-end')
for (let i = 0; i < 50; i++) await ra.next(pub('room-1', 'seq' + i), 'own seq' + i)
await ra.next(pub('room-1', 'seq-end'), 'own seq-end')
await pong((a.send({ type: 'ping' }), ra))
check(!ra.seen.some((x) => x.type === 'publish' && String(x.data).startsWith('seq')), 'the publisher got each of its own once')

// different topics stay apart: a (room-1 only) publishes to room-3, which b never subscribed;
// then room-2 (b's): b gets room-2 and never room-3
a.send({ type: 'publish', topic: 'room-3', data: 'not-for-b' })
a.send({ type: 'publish', topic: 'room-2', data: 'for-b' })
m = await rb.next(pub('room-2', 'for-b'), 'room-2 publish from a non-subscriber on node 1')
check(m.clients === 1, 'room-2 has one subscriber (b), got ' + m.clients)
check(!rb.seen.some(pub('room-3', 'not-for-b')), 'b did not get a topic it did not subscribe')
check(!ra.seen.some(pub('room-2', 'for-b')), 'a did not get room-2')

// node-local unsubscribe: b leaves room-1, node 2 has no subscriber left there
b.send({ type: 'unsubscribe', topics: ['room-1'] })
await pong((b.send({ type: 'ping' }), rb))
for (let i = 0; ; i++) {
  a.send({ type: 'publish', topic: 'room-1', data: 'after-' + i })
  m = await ra.next(pub('room-1', 'after-' + i), 'after-' + i)
  if (m.clients === 1 || i === 49) break
}
check(m.clients === 1, 'after b unsubscribed, clients=1, got ' + m.clients)
a.send({ type: 'publish', topic: 'room-2', data: 'sentinel' })
await rb.next(pub('room-2', 'sentinel'), 'sentinel')
check(!rb.seen.some((x) => x.topic === 'room-1' && String(x.data).startsWith('after')), 'b got nothing of room-1 after unsubscribing')

a.destroy()
b.destroy()
pass()
process.exit(0)
