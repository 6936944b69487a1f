// parley-client.js — a small ES-module client for Parley's native signaling protocol
// (signaling/PROTOCOL.md). No dependencies; standard browser APIs only.
//
//   import { ParleyClient } from './parley-client.js'
//   const client = new ParleyClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/signal`, { token })
//   client.addEventListener('joined', (e) => console.log(e.detail.peers))
//   client.connect(); client.join('room-1', { name: 'Ada' })
//
// What it does for you: reconnects with exponential backoff and full jitter; resumes the
// session (sessionId + resumeToken + lastSeq) so no message is lost across a drop; if the
// resume fails it starts over and re-joins your rooms (event 'reset': tear down your peer
// connections); app-level ping every half heartbeat carrying `ack`, and a reconnect when the
// server has been silent for two heartbeats; keeps the latest ICE servers (event 'ice-servers');
// says bye on page hide; obeys the server's bye{action}.
//
// Events (CustomEvent, payload in .detail): welcome, joined, left, peer-joined, peer-left, signal,
// relay, broadcast, ice-servers, error, reset, state ('connecting' | 'open' | 'closed' | 'stopped').

export class ParleyClient extends EventTarget {
  constructor (url, { token = null, minBackoffMs = 500, maxBackoffMs = 15000 } = {}) {
    super()
    this.url = url
    this.token = token
    this.minBackoffMs = minBackoffMs
    this.maxBackoffMs = maxBackoffMs
    this.session = null // { sessionId, resumeToken, peerId }
    this.lastSeq = 0
    this.rooms = new Map() // room -> meta, re-joined after a failed resume
    this.iceServers = []
    this.iceExpiresAt = 0
    this.heartbeatMs = 20000
    this.ws = null
    this.attempt = 0
    this.stopped = false
    this.lastHeard = 0
    this.timer = null
    this.outbox = [] // messages queued while not connected (other than hello)
    this.ready = false
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', () => this.close('page hidden'))
    }
  }

  get peerId () { return this.session && this.session.peerId }

  connect () {
    this.stopped = false
    this._open()
  }

  /** Ends the session for good (others see peer-left{reason:"bye"}). */
  close (reason = 'bye') {
    this.stopped = true
    clearInterval(this.timer)
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ t: 'bye', reason }))
    }
    this._state('stopped')
  }

  join (room, meta = {}) {
    this.rooms.set(room, meta)
    this._send({ t: 'join', room, meta })
  }

  leave (room) {
    this.rooms.delete(room)
    this._send({ t: 'leave', room })
  }

  signal (to, kind, data) { this._send(data === undefined ? { t: 'signal', to, kind } : { t: 'signal', to, kind, data }) }

  relay (room, ch, d, to) { this._send(to ? { t: 'relay', room, to, ch, d } : { t: 'relay', room, ch, d }) }

  requestIceServers () { this._send({ t: 'ice-servers' }) }

  // ---- internals ----

  _state (s) { this.dispatchEvent(new CustomEvent('state', { detail: s })) }

  _emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }

  _send (msg) {
    if (this.ready && this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg))
    } else if (msg.t !== 'join' && msg.t !== 'leave') { // joins are replayed from this.rooms
      this.outbox.push(msg)
    }
  }

  _open () {
    if (this.stopped) return
    this._state('connecting')
    const url = this.token ? `${this.url}${this.url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(this.token)}` : this.url
    const ws = new WebSocket(url)
    this.ws = ws
    this.ready = false
    ws.onopen = () => {
      this.lastHeard = Date.now()
      const hello = { t: 'hello' }
      if (this.session) {
        hello.resume = { sessionId: this.session.sessionId, resumeToken: this.session.resumeToken, lastSeq: this.lastSeq }
      }
      ws.send(JSON.stringify(hello))
    }
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return // binary relays are not used by this client
      this.lastHeard = Date.now()
      let m
      try { m = JSON.parse(ev.data) } catch { return }
      this._onMessage(ws, m)
    }
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ready = false
      clearInterval(this.timer)
      this._state('closed')
      this._reconnectLater()
    }
  }

  _onMessage (ws, m) {
    if (typeof m.seq === 'number') {
      if (m.seq <= this.lastSeq) return // already processed (replay overlap)
      this.lastSeq = m.seq
    }
    switch (m.t) {
      case 'welcome': {
        const resumed = m.resumed && this.session && this.session.sessionId === m.sessionId
        if (!resumed) {
          const hadSession = this.session !== null
          this.lastSeq = 0
          this.session = { sessionId: m.sessionId, resumeToken: m.resumeToken, peerId: m.peerId }
          if (hadSession) this._emit('reset', { peerId: m.peerId })
        }
        this.heartbeatMs = m.heartbeatMs
        this._setIce(m.iceServers, m.iceExpiresAt)
        this.attempt = 0
        this.ready = true
        this._state('open')
        this._emit('welcome', m)
        if (!resumed) {
          for (const [room, meta] of this.rooms) ws.send(JSON.stringify({ t: 'join', room, meta }))
        }
        const queued = this.outbox.splice(0)
        for (const q of queued) ws.send(JSON.stringify(q))
        clearInterval(this.timer)
        this.timer = setInterval(() => this._tick(ws), Math.max(1000, this.heartbeatMs / 2))
        break
      }
      case 'ice-servers':
        this._setIce(m.iceServers, m.iceExpiresAt)
        break
      case 'bye':
        if (m.action === 'disconnect') {
          this.stopped = true
          this._state('stopped')
        } else if (m.action === 'reconnect') {
          this.session = null // the session does not survive a node restart
        }
        break
      case 'pong':
        break
      default:
        this._emit(m.t, m)
    }
  }

  _setIce (servers, expiresAt) {
    this.iceServers = servers
    this.iceExpiresAt = expiresAt
    this._emit('ice-servers', { iceServers: servers, iceExpiresAt: expiresAt })
  }

  _tick (ws) {
    if (this.ws !== ws || ws.readyState !== WebSocket.OPEN) return
    if (Date.now() - this.lastHeard > 2 * this.heartbeatMs) {
      ws.close() // silent server: reconnect and resume
      return
    }
    ws.send(JSON.stringify({ t: 'ping', ack: this.lastSeq }))
  }

  _reconnectLater () {
    if (this.stopped) return
    const cap = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.attempt)
    this.attempt++
    const delay = Math.random() * cap // full jitter
    setTimeout(() => this._open(), delay)
  }
}
