// parley-client.js: a small, dependency-free client of Parley's native signaling protocol
// (`/v1/signal`, see signaling/PROTOCOL.md) for browsers and other ES-module hosts.
//
//   import { ParleyClient } from '/parley-client.js'
//   const client = new ParleyClient()               // ws(s)://<this origin>/v1/signal
//   client.addEventListener('welcome', (e) => console.log('I am', e.detail.peerId))
//   client.addEventListener('peer-joined', (e) => console.log(e.detail.peerId, 'polite:', e.detail.polite))
//   client.addEventListener('signal', (e) => handle(e.detail.from, e.detail.kind, e.detail.data))
//   client.connect()
//   await client.join('standup', { name: 'Ada' })   // resolves with the `joined` message
//   client.signal(peerId, 'offer', pc.localDescription)
//
// What it does for the application:
// - hello / welcome, then keeps the connection alive with app-level pings (browsers cannot see
//   WebSocket pings) that also acknowledge the highest processed `seq`;
// - reconnects after a drop with exponential backoff and full jitter (at once when the browser
//   reports it is back `online`), and resumes the session
//   ({sessionId, resumeToken, lastSeq}): the server replays every missed message in order, the
//   client drops duplicates (`seq` <= lastSeq) so the application sees each message exactly once;
// - when a resume fails (grace period over, server restarted) it starts a fresh session, joins
//   the same rooms again and emits `session` with `resumed: false` so the app can reset its peers;
// - follows `bye` actions (reconnect / resume / disconnect);
// - exposes the ICE servers from the welcome and every `ice-servers` push (`client.iceServers`
//   and the `ice-servers` event) so the app can `pc.setConfiguration()` before credentials expire;
// - surfaces every server `error` (and transport problems) as `error` events; never throws on
//   bad input from the network.
//
// Events (all `CustomEvent`s; the payload is `event.detail`):
//   state          {state, previous}   'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'
//   welcome        the welcome message (sessionId, peerId, userId, iceServers, iceExpiresAt,
//                  heartbeatMs, resumeGraceMs, limits, resumed, lastSeq?)
//   session        {sessionId, peerId, resumed}: a session started (resumed false) or continued
//   joined         {seq, room, peers:[{peerId, userId, meta, polite}]}
//   left           {seq, room, reason}
//   peer-joined    {seq, room, peerId, userId, meta, polite}
//   peer-left      {seq, room, peerId, reason}
//   signal         {seq, from, kind, data}   kind: offer | answer | candidate | end-of-candidates | restart
//   relay          {seq, room, from, to?, ch, d}  or, for binary relays, {..., binary: Uint8Array}
//   broadcast      {seq, room, d}
//   ice-servers    {iceServers, iceExpiresAt}
//   pong           {id, rttMs}
//   bye            {reason, action}
//   error          {code, msg, fatal, ref?, retryAfterMs?}  plus client-side codes:
//                  'socket' (transport failure), 'protocol' (unreadable server frame),
//                  'seq-gap' (a sequenced message was missing; should not happen)
//   message        every decoded server message, after the specific event (for logging)

const DEFAULTS = Object.freeze({
  /** First reconnect delay upper bound (ms); doubles per failed attempt up to maxDelayMs. */
  baseDelayMs: 500,
  maxDelayMs: 15000,
  /** Messages kept while disconnected (signals, relays) and sent after a resume. */
  maxQueued: 256,
  /** Used until the welcome says otherwise. */
  heartbeatMs: 20000
})

/** Close codes after which reconnecting cannot help (RFC 6455 §7.4.1: 1008 policy violation). */
const FATAL_CLOSE = new Set([1008])

/** Message types that carry a per-session `seq` (PROTOCOL.md "Identifiers and numbering"). */
const SEQUENCED = new Set(['joined', 'left', 'peer-joined', 'peer-left', 'signal', 'relay', 'broadcast'])

/**
 * A connection to Parley's native signaling endpoint that survives network drops.
 * Extends EventTarget: listen with `addEventListener(type, (e) => e.detail)`.
 */
export class ParleyClient extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] WebSocket URL; default `ws(s)://<location.host>/v1/signal`
   * @param {string|(() => string|Promise<string>)} [options.token] JWT sent in the hello (or a
   *        function returning a fresh one for every (re)connect); omit in dev mode
   * @param {number} [options.baseDelayMs=500] first reconnect delay bound
   * @param {number} [options.maxDelayMs=15000] reconnect delay cap
   * @param {number} [options.maxQueued=256] outgoing messages kept while disconnected
   * @param {typeof WebSocket} [options.WebSocket] WebSocket implementation (e.g. the `ws` package in Node)
   */
  constructor (options = {}) {
    super()
    this.options = { ...DEFAULTS, ...options }
    this.url = options.url || defaultUrl()
    this._WebSocket = options.WebSocket || globalThis.WebSocket
    /** @type {'idle'|'connecting'|'open'|'reconnecting'|'closed'} */
    this.state = 'idle'
    /** Session identity from the latest welcome (null before the first). */
    this.sessionId = null
    this.peerId = null
    this.userId = null
    /** RTCIceServer[] from the welcome or the latest `ice-servers` push. */
    this.iceServers = []
    /** Epoch ms when the TURN credentials in iceServers expire. */
    this.iceExpiresAt = 0
    /** Highest `seq` processed in this session. */
    this.lastSeq = 0
    /** Limits announced in the welcome. */
    this.limits = null
    /** room -> Map(peerId -> {peerId, userId, meta, polite}) */
    this.rooms = new Map()

    this._ws = null
    this._resumeToken = null
    this._heartbeatMs = this.options.heartbeatMs
    this._wantRooms = new Map() // room -> meta: rooms to be in (rejoined on a fresh session)
    this._pendingJoins = new Map() // room -> {resolve, reject}
    this._pendingIce = []
    this._queue = []
    this._attempt = 0
    this._timers = { reconnect: null, heartbeat: null }
    this._lastHeard = 0
    this._lastSent = 0
    this._pingId = 0
    this._pings = new Map() // id -> sent at (ms)
    this._welcomed = false
    this._stopped = false
    // Browsers say when the network is back: retry now instead of waiting out the backoff.
    this._onOnline = () => {
      if (this._timers.reconnect && !this._stopped) {
        clearTimeout(this._timers.reconnect)
        this._timers.reconnect = null
        this._attempt = 0
        this._open()
      }
    }
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('online', this._onOnline)
  }

  /** Opens the connection (idempotent). Safe to call again after `close()` to start over. */
  connect () {
    if (this._ws || this._timers.reconnect) return
    this._stopped = false
    this._open()
  }

  /**
   * Joins a room. The room is remembered: after a fresh session (resume failed) it is joined again.
   * @param {string} room 1-128 characters
   * @param {object} [meta] shown to the other members (at most 2048 characters as JSON)
   * @returns {Promise<object>} the `joined` message; rejects with the server's error
   */
  join (room, meta) {
    this._wantRooms.set(room, meta)
    return new Promise((resolve, reject) => {
      const previous = this._pendingJoins.get(room)
      if (previous) previous.reject(new ParleyError({ code: 'superseded', msg: 'join called again' }))
      this._pendingJoins.set(room, { resolve, reject })
      if (this._welcomed) this._send(withMeta({ t: 'join', room }, meta))
    })
  }

  /** Leaves a room (and forgets it for rejoins). */
  leave (room) {
    this._wantRooms.delete(room)
    this.rooms.delete(room)
    if (this._welcomed) this._send({ t: 'leave', room })
  }

  /**
   * Sends an offer / answer / candidate / end-of-candidates / restart to one peer.
   * While reconnecting it is queued and sent after a successful resume (dropped on a fresh session:
   * the peers of the old session are gone).
   * @param {string} to peerId
   * @param {'offer'|'answer'|'candidate'|'end-of-candidates'|'restart'} kind
   * @param {object} [data] RTCSessionDescriptionInit (offer/answer) or RTCIceCandidateInit (candidate)
   */
  signal (to, kind, data) {
    const msg = { t: 'signal', to, kind }
    if (data !== undefined && data !== null) msg.data = typeof data.toJSON === 'function' ? data.toJSON() : data
    this._sendOrQueue(msg)
  }

  /**
   * Sends a server-routed relay message to a room (or, with `to`, one member of it).
   * @param {string} room
   * @param {string} ch application channel name, e.g. 'yjs' or 'cursor'
   * @param {*} d JSON value, or an ArrayBuffer / typed array to send as a binary frame
   * @param {{to?: string}} [opts]
   */
  relay (room, ch, d, opts = {}) {
    const header = { t: 'relay', room, ch }
    if (opts.to) header.to = opts.to
    if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) {
      this._sendOrQueue(encodeBinaryRelay(header, d))
    } else {
      header.d = d
      this._sendOrQueue(header)
    }
  }

  /**
   * Asks for freshly minted ICE servers (e.g. right before an ICE restart).
   * @returns {Promise<{iceServers: object[], iceExpiresAt: number}>}
   */
  refreshIceServers () {
    return new Promise((resolve, reject) => {
      if (!this._welcomed) {
        reject(new ParleyError({ code: 'not-connected', msg: 'not connected' }))
        return
      }
      this._pendingIce.push(resolve)
      this._send({ t: 'ice-servers' })
    })
  }

  /** Sends an app-level ping now; the `pong` event reports the round trip. */
  ping () {
    if (!this._welcomed) return
    const id = ++this._pingId
    this._pings.set(id, now())
    this._send({ t: 'ping', id, ack: this.lastSeq })
  }

  /** The polite flag toward `peerId` (this client's role in perfect negotiation), or undefined. */
  polite (peerId) {
    for (const members of this.rooms.values()) {
      const m = members.get(peerId)
      if (m) return m.polite
    }
    return undefined
  }

  /**
   * Ends the session for good: sends `bye` (others see peer-left{reason:"bye"}), closes with 1000
   * and does not reconnect.
   */
  close (reason = 'client closed') {
    this._stopped = true
    if (typeof globalThis.removeEventListener === 'function') globalThis.removeEventListener('online', this._onOnline)
    this._clearTimers()
    const ws = this._ws
    this._ws = null
    if (ws) {
      try {
        if (ws.readyState === 1 && this._welcomed) ws.send(JSON.stringify({ t: 'bye', reason }))
        ws.close(1000, 'bye')
      } catch (_) { /* already closing */ }
    }
    this._welcomed = false
    this._rejectPending({ code: 'closed', msg: 'client closed' })
    this._setState('closed')
  }

  // ---- connection lifecycle ---------------------------------------------------------------

  _open () {
    this._setState(this.sessionId ? 'reconnecting' : 'connecting')
    let ws
    try {
      ws = new this._WebSocket(this.url)
    } catch (e) {
      this._emit('error', { code: 'socket', msg: String(e && e.message ? e.message : e), fatal: false })
      this._scheduleReconnect()
      return
    }
    ws.binaryType = 'arraybuffer'
    this._ws = ws
    this._welcomed = false
    ws.onopen = () => this._onOpen(ws)
    ws.onmessage = (ev) => { if (ws === this._ws) this._onFrame(ev.data) }
    ws.onerror = () => {
      if (ws === this._ws) this._emit('error', { code: 'socket', msg: 'WebSocket error', fatal: false })
    }
    ws.onclose = (ev) => { if (ws === this._ws) this._onClose(ev.code, ev.reason) }
  }

  async _onOpen (ws) {
    const hello = { t: 'hello' }
    try {
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token
      if (token) hello.token = token
    } catch (e) {
      this._emit('error', { code: 'token', msg: 'token provider failed: ' + e, fatal: false })
    }
    if (this.sessionId && this._resumeToken) {
      hello.resume = { sessionId: this.sessionId, resumeToken: this._resumeToken, lastSeq: this.lastSeq }
    }
    if (ws !== this._ws) return
    this._lastHeard = now()
    this._rawSend(hello)
    this._startHeartbeat()
  }

  _onClose (code, reason) {
    this._ws = null
    this._welcomed = false
    this._stopHeartbeat()
    this._pings.clear()
    if (this._stopped) {
      this._setState('closed')
      return
    }
    if (FATAL_CLOSE.has(code)) {
      // Policy violations (bad token, kicked, abuse): reconnecting would be refused again.
      this._emit('error', { code: 'closed', msg: `closed by the server (${code} ${reason || ''})`.trim(), fatal: true })
      this._stopped = true
      this._rejectPending({ code: 'closed', msg: 'connection closed: ' + code })
      this._setState('closed')
      return
    }
    this._scheduleReconnect()
  }

  /** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
  _scheduleReconnect (immediate = false) {
    if (this._stopped || this._timers.reconnect) return
    this._setState('reconnecting')
    const cap = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** this._attempt)
    const delay = immediate ? Math.random() * 250 : Math.random() * cap
    this._attempt = Math.min(this._attempt + 1, 30)
    this._timers.reconnect = setTimeout(() => {
      this._timers.reconnect = null
      if (!this._stopped) this._open()
    }, delay)
  }

  _dropSocket () {
    const ws = this._ws
    this._ws = null
    this._welcomed = false
    this._stopHeartbeat()
    if (ws) {
      try { ws.close(4000, 'client reconnecting') } catch (_) { /* ignore */ }
    }
  }

  // ---- heartbeat ----------------------------------------------------------------------------

  _startHeartbeat () {
    this._stopHeartbeat()
    const tick = Math.max(1000, Math.floor(this._heartbeatMs / 2))
    this._timers.heartbeat = setInterval(() => {
      const t = now()
      if (t - this._lastHeard > 2 * this._heartbeatMs) {
        // Nothing (not even a pong) for two heartbeats: the connection is dead even if the socket
        // has not noticed. Drop it and resume on a new one.
        this._emit('error', { code: 'socket', msg: 'no traffic for two heartbeats', fatal: false })
        this._dropSocket()
        this._scheduleReconnect(true)
        return
      }
      if (t - this._lastSent >= tick - 50) this.ping()
    }, tick)
  }

  _stopHeartbeat () {
    if (this._timers.heartbeat) clearInterval(this._timers.heartbeat)
    this._timers.heartbeat = null
  }

  _clearTimers () {
    this._stopHeartbeat()
    if (this._timers.reconnect) clearTimeout(this._timers.reconnect)
    this._timers.reconnect = null
  }

  // ---- incoming -------------------------------------------------------------------------------

  _onFrame (data) {
    this._lastHeard = now()
    let msg
    try {
      msg = typeof data === 'string' ? JSON.parse(data) : decodeBinaryRelay(data)
    } catch (e) {
      this._emit('error', { code: 'protocol', msg: 'unreadable frame from server: ' + e.message, fatal: false })
      return
    }
    if (!msg || typeof msg !== 'object' || typeof msg.t !== 'string') {
      this._emit('error', { code: 'protocol', msg: 'frame without a type', fatal: false })
      return
    }
    if (SEQUENCED.has(msg.t) && typeof msg.seq === 'number') {
      if (msg.seq <= this.lastSeq) return // already processed (replayed again after a resume)
      if (msg.seq !== this.lastSeq + 1 && this.lastSeq !== 0) {
        this._emit('error', { code: 'seq-gap', msg: `expected seq ${this.lastSeq + 1}, got ${msg.seq}`, fatal: false })
      }
      this.lastSeq = msg.seq
    }
    this._dispatch(msg)
    this._emit('message', msg)
  }

  _dispatch (msg) {
    switch (msg.t) {
      case 'welcome': return this._onWelcome(msg)
      case 'joined': {
        const members = new Map()
        for (const p of msg.peers || []) members.set(p.peerId, p)
        this.rooms.set(msg.room, members)
        const pending = this._pendingJoins.get(msg.room)
        this._pendingJoins.delete(msg.room)
        this._emit('joined', msg)
        if (pending) pending.resolve(msg)
        return
      }
      case 'left':
        this.rooms.delete(msg.room)
        return this._emit('left', msg)
      case 'peer-joined': {
        const members = this.rooms.get(msg.room)
        if (members) members.set(msg.peerId, { peerId: msg.peerId, userId: msg.userId, meta: msg.meta, polite: msg.polite })
        return this._emit('peer-joined', msg)
      }
      case 'peer-left': {
        const members = this.rooms.get(msg.room)
        if (members) members.delete(msg.peerId)
        return this._emit('peer-left', msg)
      }
      case 'signal':
      case 'relay':
      case 'broadcast':
        return this._emit(msg.t, msg)
      case 'ice-servers':
        this.iceServers = msg.iceServers || []
        this.iceExpiresAt = msg.iceExpiresAt || 0
        for (const resolve of this._pendingIce.splice(0)) resolve(msg)
        return this._emit('ice-servers', { iceServers: this.iceServers, iceExpiresAt: this.iceExpiresAt })
      case 'pong': {
        const sent = this._pings.get(msg.id)
        this._pings.delete(msg.id)
        return this._emit('pong', { id: msg.id, rttMs: sent === undefined ? null : now() - sent })
      }
      case 'error': return this._onError(msg)
      case 'bye': return this._onBye(msg)
      default:
        // A newer server may send types this client does not know: ignore them.
    }
  }

  _onWelcome (msg) {
    const fresh = !msg.resumed
    if (fresh) {
      // A new session: new peerId, seq restarts at 1, rooms are joined again below. Signals queued
      // for the old session's peers are meaningless now (those peers saw us leave).
      this.lastSeq = 0
      this.rooms.clear()
      this._queue = this._queue.filter((m) => m.t !== 'signal')
    }
    this.sessionId = msg.sessionId
    this.peerId = msg.peerId
    this.userId = msg.userId
    this._resumeToken = msg.resumeToken
    this.iceServers = msg.iceServers || []
    this.iceExpiresAt = msg.iceExpiresAt || 0
    this.limits = msg.limits || null
    if (msg.heartbeatMs > 0 && msg.heartbeatMs !== this._heartbeatMs) {
      this._heartbeatMs = msg.heartbeatMs
      this._startHeartbeat()
    }
    this._welcomed = true
    this._attempt = 0
    this._setState('open')
    this._emit('welcome', msg)
    this._emit('session', { sessionId: this.sessionId, peerId: this.peerId, resumed: !fresh })
    if (fresh) {
      for (const [room, meta] of this._wantRooms) this._rawSend(withMeta({ t: 'join', room }, meta))
    }
    const queued = this._queue.splice(0)
    for (const m of queued) this._rawSend(m)
  }

  _onError (msg) {
    if (msg.ref === 'join') {
      // The error names no room; fail the oldest pending join.
      const first = this._pendingJoins.entries().next()
      if (!first.done) {
        const [room, pending] = first.value
        this._pendingJoins.delete(room)
        this._wantRooms.delete(room)
        pending.reject(new ParleyError(msg))
      }
    }
    this._emit('error', msg)
  }

  _onBye (msg) {
    this._emit('bye', msg)
    switch (msg.action) {
      case 'disconnect':
        this._stopped = true
        this._clearTimers()
        this._dropSocket()
        this._rejectPending({ code: 'closed', msg: 'server said bye: ' + (msg.reason || '') })
        this._setState('closed')
        return
      case 'resume':
      case 'reconnect':
      default:
        // Both reconnect at once (with a little jitter so a draining node's clients do not stampede)
        // and try to resume; a node that cannot resume answers resume-failed + a fresh welcome.
        this._dropSocket()
        this._attempt = 0
        this._scheduleReconnect(true)
    }
  }

  // ---- outgoing -------------------------------------------------------------------------------

  _sendOrQueue (msg) {
    if (this._welcomed && this._ws && this._ws.readyState === 1) {
      this._rawSend(msg)
    } else if (!this._stopped) {
      if (this._queue.length >= this.options.maxQueued) {
        this._queue.shift()
        this._emit('error', { code: 'queue-full', msg: 'outgoing queue full while disconnected; oldest message dropped', fatal: false })
      }
      this._queue.push(msg)
    }
  }

  _send (msg) {
    if (this._ws && this._ws.readyState === 1) this._rawSend(msg)
  }

  _rawSend (msg) {
    try {
      this._ws.send(msg instanceof Uint8Array ? msg : JSON.stringify(msg))
      this._lastSent = now()
    } catch (e) {
      this._emit('error', { code: 'socket', msg: 'send failed: ' + e.message, fatal: false })
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  _rejectPending (err) {
    for (const p of this._pendingJoins.values()) p.reject(new ParleyError(err))
    this._pendingJoins.clear()
    this._pendingIce = []
  }

  _setState (state) {
    if (state === this.state) return
    const previous = this.state
    this.state = state
    this._emit('state', { state, previous })
  }

  _emit (type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}

/** A server (or client-side) error as an Error: `code`, `fatal`, `ref`, `retryAfterMs` from the message. */
export class ParleyError extends Error {
  constructor (msg) {
    super(msg.msg || msg.code)
    this.name = 'ParleyError'
    this.code = msg.code
    this.fatal = !!msg.fatal
    this.ref = msg.ref
    this.retryAfterMs = msg.retryAfterMs
  }
}

/**
 * Encodes a binary relay frame: [u16 BE header length][UTF-8 JSON header][payload].
 * @returns {Uint8Array}
 */
export function encodeBinaryRelay (header, payload) {
  const head = new TextEncoder().encode(JSON.stringify(header))
  if (head.length > 1024) throw new RangeError('relay header longer than 1024 bytes')
  const body = payload instanceof ArrayBuffer ? new Uint8Array(payload)
    : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  const out = new Uint8Array(2 + head.length + body.length)
  out[0] = head.length >> 8
  out[1] = head.length & 0xff
  out.set(head, 2)
  out.set(body, 2 + head.length)
  return out
}

/** Decodes a binary relay frame into its header fields plus `binary` (the payload). */
export function decodeBinaryRelay (data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (bytes.length < 2) throw new Error('binary frame shorter than its length prefix')
  const n = (bytes[0] << 8) | bytes[1]
  if (bytes.length < 2 + n) throw new Error('binary frame shorter than its header')
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(2, 2 + n)))
  header.binary = bytes.slice(2 + n)
  return header
}

function withMeta (msg, meta) {
  if (meta !== undefined && meta !== null) msg.meta = meta
  return msg
}

function defaultUrl () {
  if (typeof location === 'undefined') throw new Error('ParleyClient: options.url is required outside a page')
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/signal'
}

function now () {
  return Date.now()
}
