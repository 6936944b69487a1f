// Minimal client of Parley's native signaling protocol (/v1/signal) for the document page:
// hello/welcome, join with a roster and a `polite` flag per peer, signal relay, binary `relay`
// frames ([u16 header length][header JSON][payload]) and app-level pings. Reconnects with
// exponential backoff and jitter; a reconnect is a new session (the roster is rebuilt).
// When web-demo's parley-client.js (issue 4) is on the classpath this is the only file to swap.

export class SignalLink extends EventTarget {
  constructor ({ url, room, meta, token }) {
    super()
    this.url = url; this.room = room; this.meta = meta; this.token = token
    this.peerId = null; this.iceServers = []; this.ws = null; this.closed = false; this.attempt = 0
  }

  connect () {
    const u = new URL(this.url, location.href)
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
    if (this.token) u.searchParams.set('access_token', this.token)
    const ws = new WebSocket(u)
    ws.binaryType = 'arraybuffer'
    this.ws = ws
    let welcomed = false
    ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', token: this.token || undefined }))
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return this._binary(new Uint8Array(ev.data))
      let m
      try { m = JSON.parse(ev.data) } catch { return }
      switch (m.t) {
        case 'welcome':
          welcomed = true; this.attempt = 0
          this.peerId = m.peerId; this.iceServers = m.iceServers || []
          this._heartbeat(m.heartbeatMs || 20000)
          ws.send(JSON.stringify({ t: 'join', room: this.room, meta: this.meta }))
          this._emit('welcome', m)
          break
        case 'joined': this._emit('joined', m); break
        case 'peer-joined': this._emit('peer-joined', m); break
        case 'peer-left': this._emit('peer-left', m); break
        case 'signal': this._emit('signal', m); break
        case 'ice-servers': this.iceServers = m.iceServers || this.iceServers; break
        case 'error': this._emit('server-error', m); break
        default: break
      }
    }
    ws.onclose = (ev) => {
      clearInterval(this._hb)
      this._emit('disconnected', { code: ev.code, reason: ev.reason, welcomed })
      if (this.closed) return
      const delay = Math.min(10000, 250 * 2 ** this.attempt++) * (0.5 + Math.random() / 2)
      setTimeout(() => this.connect(), delay)
    }
  }

  _heartbeat (ms) {
    clearInterval(this._hb)
    this._hb = setInterval(() => this._send({ t: 'ping' }), Math.max(1000, ms / 2))
  }

  _send (obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.ws.send(JSON.stringify(obj)); return true }
    return false
  }

  signal (to, kind, data) { return this._send({ t: 'signal', to, kind, data }) }

  /** Server-routed bytes to one peer of the room on channel `ch`. */
  relay (to, ch, bytes) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false
    const header = new TextEncoder().encode(JSON.stringify({ t: 'relay', room: this.room, to, ch }))
    const frame = new Uint8Array(2 + header.length + bytes.length)
    frame[0] = header.length >> 8; frame[1] = header.length & 0xff
    frame.set(header, 2); frame.set(bytes, 2 + header.length)
    this.ws.send(frame)
    return true
  }

  _binary (frame) {
    if (frame.length < 2) return
    const n = (frame[0] << 8) | frame[1]
    let h
    try { h = JSON.parse(new TextDecoder().decode(frame.subarray(2, 2 + n))) } catch { return }
    if (h.t === 'relay') this._emit('relay', { from: h.from, ch: h.ch, bytes: frame.subarray(2 + n) })
  }

  _emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }

  close () {
    this.closed = true
    clearInterval(this._hb)
    if (this.ws) { if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ t: 'bye' })); this.ws.close() }
  }
}
