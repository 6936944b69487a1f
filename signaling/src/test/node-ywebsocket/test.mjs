// Drives the unmodified npm y-websocket client (with `ws` as its WebSocket and BroadcastChannel
// off, so nothing can sync except through the server) against a y-websocket server.
// Usage: node test.mjs <scenario> <ws-url> [args...]; prints "OK <scenario>" and exits 0 on success.
// Run by YWebsocketNodeIT; every scenario has its own deadline.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { fork } from 'node:child_process'

const [scenario, url, ...args] = process.argv.slice(2)
const TIMEOUT_MS = 15000

const fail = (msg) => { console.error('FAIL ' + scenario + ': ' + msg); process.exit(1) }
setTimeout(() => fail('timed out after ' + TIMEOUT_MS + ' ms'), TIMEOUT_MS).unref()

const connect = (room, opts = {}, serverUrl = url) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(serverUrl, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true, ...opts })
  return { doc, provider, text: doc.getText('t') }
}

const until = (pred, what, ms = 10000) => new Promise((resolve, reject) => {
  const t0 = Date.now()
  const tick = () => {
    let v
    try { v = pred() } catch (e) { return reject(e) }
    if (v) return resolve(v)
    if (Date.now() - t0 > ms) return reject(new Error('waited ' + ms + ' ms for ' + what))
    setTimeout(tick, 10)
  }
  tick()
})

const synced = (c) => until(() => c.provider.synced, 'sync')

// Word i of the compaction scenario: one update each, and every 5th a typo fixed (a deletion).
const typeWord = (c, i) => {
  c.text.insert(c.text.length, 'w' + i + ' ')
  if (i % 5 === 4) { c.text.delete(c.text.length - 2, 2); c.text.insert(c.text.length, '! ') }
}
const expectedText = (n) => {
  const d = new Y.Doc()
  const c = { text: d.getText('t') }
  for (let i = 0; i < n; i++) typeWord(c, i)
  return c.text.toString()
}

const scenarios = {
  // Two clients edit concurrently and end with the same text.
  async converge () {
    const room = 'converge-' + process.pid
    const a = connect(room); const b = connect(room)
    await synced(a); await synced(b)
    for (let i = 0; i < 20; i++) {
      a.text.insert(0, 'a' + i + ' ')
      b.text.insert(b.text.length, ' b' + i)
    }
    await until(() => a.text.toString() === b.text.toString() && a.text.length === b.text.length &&
      a.text.toString().includes('a19') && a.text.toString().includes('b19'), 'convergence')
    a.provider.destroy(); b.provider.destroy()
  },
  // A writes and leaves; B joins afterwards and receives the whole document, deletions included.
  async latejoin () {
    const room = 'late-' + process.pid
    const a = connect(room)
    await synced(a)
    a.text.insert(0, 'hello late joiner')
    a.text.delete(0, 6)
    a.doc.getMap('m').set('k', { nested: [1, 2, 3] })
    const want = a.text.toString()
    const c = connect(room)
    await until(() => c.text.toString() === want, 'a second client to see A\'s text')
    a.provider.destroy(); c.provider.destroy()
    const b = connect(room)
    await synced(b)
    await until(() => b.text.toString() === want, 'late joiner to get "' + want + '", has "' + b.text.toString() + '"')
    if (JSON.stringify(b.doc.getMap('m').get('k')) !== '{"nested":[1,2,3]}') fail('map content missing')
    b.provider.destroy()
  },
  // A peer process announces a cursor, then is killed (no goodbye): the server must remove its state.
  async awareness () {
    const room = 'aw-' + process.pid
    const a = connect(room)
    a.provider.awareness.setLocalStateField('user', { name: 'A' })
    await synced(a)
    const child = fork(new URL(import.meta.url).pathname, ['peer', url, room], { stdio: 'inherit' })
    const peerId = await new Promise((resolve) => child.on('message', (m) => resolve(m.clientID)))
    await until(() => a.provider.awareness.getStates().get(peerId)?.user?.name === 'B', 'peer B\'s awareness state')
    const t0 = Date.now()
    child.kill('SIGKILL')
    // y-protocols would drop it by itself after 30 s; the relay must do it at once.
    await until(() => !a.provider.awareness.getStates().has(peerId), 'peer B\'s awareness to be removed', 5000)
    console.log('awareness removed ' + (Date.now() - t0) + ' ms after the peer was killed')
    a.provider.destroy()
  },
  async peer () {
    const [room] = args
    const b = connect(room)
    b.provider.awareness.setLocalStateField('user', { name: 'B' })
    b.provider.awareness.setLocalStateField('cursor', { index: 3 })
    await synced(b)
    process.send({ clientID: b.doc.clientID })
    await new Promise(() => {}) // until killed
  },
  // Two nodes sharing a Redis: a client on each converges and sees the other's cursor;
  // a late joiner on either node gets everything.
  async twonodes () {
    const [url2] = args
    const room = 'nodes-' + process.pid
    const a = connect(room); const b = connect(room, {}, url2)
    a.provider.awareness.setLocalStateField('user', { name: 'A' })
    b.provider.awareness.setLocalStateField('user', { name: 'B' })
    await synced(a); await synced(b)
    for (let i = 0; i < 10; i++) { a.text.insert(0, 'a' + i); b.text.insert(b.text.length, 'b' + i) }
    await until(() => a.text.toString() === b.text.toString() && a.text.toString().includes('a9') && a.text.toString().includes('b9'), 'convergence across nodes')
    await until(() => [...a.provider.awareness.getStates().values()].some(s => s.user?.name === 'B'), 'A to see B across nodes')
    await until(() => [...b.provider.awareness.getStates().values()].some(s => s.user?.name === 'A'), 'B to see A across nodes')
    const bId = b.doc.clientID
    b.provider.destroy()
    await until(() => !a.provider.awareness.getStates().has(bId), 'B\'s cursor to go away on node 1', 5000)
    const late = connect(room, {}, url2)
    await until(() => late.text.toString() === a.text.toString(), 'a late joiner on node 2')
    a.provider.destroy(); late.provider.destroy()
  },
  // Phase 1 of the restart test: write and wait until another client saw it through the server.
  async write () {
    const [room, content] = args
    const a = connect(room)
    await synced(a)
    a.text.insert(0, content)
    const b = connect(room)
    await until(() => b.text.toString() === content, 'a second client to see the text')
    a.provider.destroy(); b.provider.destroy()
  },
  // Phase 2: after the server restarted, a new client gets the document.
  async read () {
    const [room, content] = args
    const b = connect(room)
    await synced(b)
    await until(() => b.text.toString() === content, '"' + content + '" after restart, have "' + b.text.toString() + '"')
    b.provider.destroy()
  },
  // A read-only token: it syncs and receives, its own edits are refused with an auth message.
  async readonly () {
    const [room, writerToken, readerToken] = args
    const w = connect(room, { params: { access_token: writerToken } })
    await synced(w)
    w.text.insert(0, 'from writer')
    const r = connect(room, { params: { access_token: readerToken } })
    await until(() => r.text.toString() === 'from writer', 'the reader to receive the writer\'s text')
    const warnings = []
    const warn = console.warn
    console.warn = (...m) => warnings.push(m.join(' '))
    r.text.insert(0, 'reader edit ')
    await until(() => warnings.some(m => m.includes('Permission denied') && m.includes('read-only')), 'a permission-denied message')
    console.warn = warn
    w.text.insert(w.text.length, '!')
    await until(() => r.text.toString().endsWith('!'), 'the writer\'s next edit')
    if (w.text.toString().includes('reader edit')) fail('the read-only edit reached the writer')
    w.provider.destroy(); r.provider.destroy()
  },
  // Many small edits from two clients, past the server's compaction threshold (the server asks one
  // of them for the whole document and replaces its stored updates by it); then a late joiner must
  // get the identical document. Yields to the event loop between edits, as typing does, so the
  // clients answer the server's requests while the edits go on.
  async compact () {
    const [room, n] = args
    const a = connect(room); const b = connect(room)
    await synced(a); await synced(b)
    for (let i = 0; i < Number(n); i++) {
      typeWord(a, i)
      b.doc.getText('t2').insert(b.doc.getText('t2').length, 'b' + i + ' ')
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const want = expectedText(Number(n))
    if (a.text.toString() !== want) fail('A\'s own text is not the expected one')
    await until(() => b.text.toString() === want && a.doc.getText('t2').toString() === b.doc.getText('t2').toString(), 'A and B to converge')
    // A few slow edits at the end, as a pause in typing: a request still out is answered, and the
    // next edit may ask again, so what the room holds at the end does not depend on timing.
    for (let k = 0; k < 5; k++) {
      b.doc.getText('t2').insert(b.doc.getText('t2').length, 'tail' + k + ' ')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await until(() => a.doc.getText('t2').toString() === b.doc.getText('t2').toString(), 'A to get B\'s last edits')
    const late = connect(room)
    await synced(late)
    await until(() => late.text.toString() === want && late.doc.getText('t2').toString() === b.doc.getText('t2').toString(),
      'the late joiner to get the identical document')
    console.log('late joiner has the identical document: ' + want.length + ' + ' + late.doc.getText('t2').length + ' characters')
    a.provider.destroy(); b.provider.destroy(); late.provider.destroy()
  },
  // After a restart: a new client gets the text the compact scenario wrote.
  async compactread () {
    const [room, n] = args
    const c = connect(room)
    await synced(c)
    const want = expectedText(Number(n))
    await until(() => c.text.toString() === want, 'the compacted document after restart, have ' + c.text.length + ' of ' + want.length + ' characters')
    if (c.doc.getText('t2').length === 0) fail('B\'s text is missing after restart')
    c.provider.destroy()
  },
  // Past the room's size limit the writer is closed with 4413 and y-websocket stops reconnecting.
  async toolarge () {
    const [room, bytes] = args
    const a = connect(room)
    await synced(a)
    const closed = new Promise((resolve) => a.provider.on('closed', (e) => resolve(e)))
    a.text.insert(0, 'x'.repeat(Number(bytes) + 100))
    const e = await closed
    if (e.code !== 4413 || !e.reason.startsWith('document too large')) fail('closed with ' + e.code + ' ' + e.reason)
    console.log('closed ' + e.code + ' "' + e.reason + '"')
    a.provider.destroy()
  }
}

if (!scenarios[scenario]) fail('unknown scenario; one of ' + Object.keys(scenarios).join(', '))
await scenarios[scenario]().catch((e) => fail(e.message))
if (scenario !== 'peer') {
  console.log('OK ' + scenario)
  process.exit(0)
}
