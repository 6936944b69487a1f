// What the y-webrtc scripts share: the `ws` package as the global WebSocket (Node 20 has none and
// lib0 uses the global one), pass/fail bookkeeping, and a recorder of a SignalingConn's messages.
import WebSocket from 'ws'
globalThis.WebSocket = WebSocket

let count = 0
export const fail = (msg) => { console.error('FAIL ' + msg); process.exit(1) }
export const check = (cond, msg) => { if (!cond) fail(msg); count++ }
/** Counts a check that passed by reaching this point (an awaited message arrived). */
export const passed = () => { count++ }
export const pass = () => { console.log('PASS ' + count + ' checks') }
/** Fails the whole script if it has not finished after {@code ms}. */
export const deadline = (ms) => setTimeout(() => fail('timed out'), ms).unref()

/** Records every message a SignalingConn emits; next(pred) resolves with the first match. */
export const record = (conn) => {
  const seen = []
  const waiters = []
  conn.on('message', (m) => {
    seen.push(m)
    for (let i = 0; i < waiters.length; i++) {
      if (waiters[i].pred(m)) { waiters.splice(i, 1)[0].resolve(m); return }
    }
  })
  return {
    seen,
    next: (pred, what, ms = 10000) => new Promise((resolve, reject) => {
      const idx = seen.findIndex(pred)
      if (idx >= 0) { resolve(seen.splice(idx, 1)[0]); return }
      waiters.push({ pred: (m) => { if (pred(m)) { seen.splice(seen.indexOf(m), 1); return true } return false }, resolve })
      setTimeout(() => reject(new Error('no ' + what)), ms).unref()
    })
  }
}

export const connected = (conn) => new Promise((resolve) => conn.connected ? resolve() : conn.once('connect', resolve))
