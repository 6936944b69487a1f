// One RTCPeerConnection per peer (perfect negotiation with the server's `polite` flag) carrying a
// negotiated data channel "yjs". Per peer the path is:
//   'connecting' until the channel opens or `p2pTimeoutMs` passes,
//   'p2p'        while the data channel is open,
//   'relay'      otherwise: bytes go through the server (SignalLink.relay).
//
// Who offers: only the impolite side makes the first offer of a connection; the polite side waits
// for it (its own `negotiationneeded` before it has a remote description is skipped). Both sides
// used to offer at once and let perfect negotiation settle the glare, but Chromium's implicit
// rollback of the polite side's offer, when it lands while that offer's ICE gathering is just
// starting, can leave the connection's ICE agent with no candidates for good — ICE stays 'new' on
// both sides and no ICE restart revives it (seen in about 1 run in 4 of the e2e test).
//
// After falling back, every `retryMs` the impolite side looks at the connection:
//   - ICE still 'new' a whole retry period after the last (re)start: the connection is wedged (no
//     candidates ever paired) → it is rebuilt: a fresh RTCPeerConnection on both sides, announced
//     with a `restart` signal carrying {reset: generation};
//   - ICE 'failed' / 'disconnected', or its last try older than 3 retry periods → ICE restart
//     (after 3 fruitless restarts, a rebuild instead).
// Every signal of a connection carries its generation (`gen`); signals of an older one are dropped.
// When the channel opens the peer returns to 'p2p'.
// `forceRelay` never tries peer-to-peer (for demos and tests); `iceServers: []` uses host
// candidates only (no STUN, no TURN).

const MAX_RESTARTS_BEFORE_REBUILD = 3

export class PeerMesh extends EventTarget {
  constructor (link, { p2pTimeoutMs = 5000, retryMs = 15000, forceRelay = false, iceServers = null } = {}) {
    super()
    this.link = link; this.p2pTimeoutMs = p2pTimeoutMs; this.retryMs = retryMs; this.forceRelay = forceRelay
    this.iceServers = iceServers // null = the ones signaling hands out (STUN + this node's TURN)
    this.peers = new Map()
    link.addEventListener('joined', (e) => {
      for (const id of [...this.peers.keys()]) this._drop(id)
      for (const p of e.detail.peers) this._add(p)
    })
    link.addEventListener('peer-joined', (e) => this._add(e.detail))
    link.addEventListener('peer-left', (e) => this._drop(e.detail.peerId))
    link.addEventListener('disconnected', (e) => {
      // a resume keeps the peers (replayed messages continue them); only a final close drops them
      if (e.detail.state === 'closed') for (const id of [...this.peers.keys()]) this._drop(id)
    })
    link.addEventListener('signal', (e) => this._signal(e.detail))
    link.addEventListener('relay', (e) => {
      const p = this.peers.get(e.detail.from)
      if (p && e.detail.ch === 'yjs') this._emit('message', { peerId: p.id, bytes: e.detail.bytes, via: 'relay' })
    })
  }

  send (peerId, bytes) {
    const p = this.peers.get(peerId)
    if (!p) return
    if (p.path === 'p2p' && p.dc && p.dc.readyState === 'open') {
      p.dc.send(bytes)
    } else if (p.path === 'relay') {
      this.link.relay(peerId, 'yjs', bytes)
    } else {
      p.queue.push(bytes) // sent on whichever path comes first
    }
  }

  /**
   * Replaces the connection to `peerId` by a fresh one on both sides now (what the retry does to a
   * wedged connection); for the page's console and the tests. Returns the new generation.
   */
  rebuild (peerId) {
    const p = this.peers.get(peerId)
    if (!p || !p.pc) return null
    const gen = p.gen + 1
    this._rebuild(p, gen, 'asked by the page')
    this.link.signal(p.id, 'restart', { reset: gen })
    return gen
  }

  _add ({ peerId, meta, polite }) {
    if (this.peers.has(peerId)) return
    const p = {
      id: peerId, meta: meta || {}, polite: !!polite, path: 'connecting', createdAt: Date.now(), queue: [],
      pc: null, dc: null, gen: 0, makingOffer: false, ignoreOffer: false, restarts: 0, rebuilds: 0, history: []
    }
    this.peers.set(peerId, p)
    this._note(p, 'added polite=' + p.polite)
    this._emit('peer', { peerId, meta: p.meta })
    if (this.forceRelay) { this._setPath(p, 'relay'); return }
    this._connect(p)
    p.timer = setTimeout(() => { if (p.path === 'connecting') this._fallback(p, 'no data channel after ' + this.p2pTimeoutMs + ' ms') }, this.p2pTimeoutMs)
  }

  _connect (p) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers || this.link.iceServers })
    const gen = p.gen
    const current = () => this.peers.get(p.id) === p && p.pc === pc
    p.pc = pc
    p.startedAt = Date.now()
    // An operation still pending on a connection never settles once it is closed (the WebRTC spec
    // leaves such promises pending); signal handling waits on this too, so a rebuild cannot stall
    // the peer's signal chain.
    p.abandoned = new Promise((resolve) => { p.abandon = resolve })
    p.dc = pc.createDataChannel('yjs', { negotiated: true, id: 0, ordered: true })
    const dc = p.dc
    dc.binaryType = 'arraybuffer'
    pc.oniceconnectionstatechange = () => this._note(p, 'ice ' + pc.iceConnectionState)
    pc.onsignalingstatechange = () => this._note(p, 'signaling ' + pc.signalingState)
    pc.onicegatheringstatechange = () => this._note(p, 'gathering ' + pc.iceGatheringState)
    dc.onopen = () => { if (current()) { p.restarts = 0; this._setPath(p, 'p2p') } }
    dc.onclose = () => { if (current() && p.path === 'p2p') this._fallback(p, 'data channel closed') }
    dc.onmessage = (ev) => this._emit('message', { peerId: p.id, bytes: new Uint8Array(ev.data), via: 'p2p' })
    pc.onicecandidate = ({ candidate }) => {
      if (!current()) return
      this.link.signal(p.id, candidate ? 'candidate' : 'end-of-candidates', candidate ? { ...candidate.toJSON(), gen } : { gen })
    }
    pc.onnegotiationneeded = async () => {
      if (!current()) return
      if (p.polite && !pc.remoteDescription) {
        this._note(p, 'negotiation needed: waiting for the impolite side\'s offer')
        return
      }
      try {
        p.makingOffer = true
        await pc.setLocalDescription()
        this._note(p, 'sent offer gen=' + gen + ' ufrag=' + ufrag(pc.localDescription.sdp))
        this.link.signal(p.id, 'offer', { ...pc.localDescription.toJSON(), gen })
      } catch (e) { this._note(p, 'offer failed ' + e); console.warn('offer failed', e) } finally { p.makingOffer = false }
    }
    pc.onconnectionstatechange = () => {
      this._note(p, 'connection ' + pc.connectionState + ' dc=' + dc.readyState)
      if (pc.connectionState === 'failed' && current()) this._fallback(p, 'ICE failed')
    }
  }

  /** Replaces the peer's connection by a fresh one of generation `gen` (both sides do it). */
  _rebuild (p, gen, why) {
    this._note(p, 'rebuild gen ' + p.gen + ' -> ' + gen + ' (' + why + ')')
    const old = p.pc
    p.gen = gen
    p.rebuilds++
    p.restarts = 0
    p.makingOffer = false; p.ignoreOffer = false
    if (old) { p.abandon(); old.close() }
    this._connect(p)
  }

  _signal (msg) {
    const p = this.peers.get(msg.from)
    if (!p || !p.pc) return
    // one signal at a time per peer: a candidate must not overtake the offer it belongs to
    p.chain = (p.chain || Promise.resolve()).then(() => this._handleSignal(p, msg))
  }

  async _handleSignal (p, { kind, data }) {
    if (kind === 'restart' && data && Number.isInteger(data.reset)) {
      if (data.reset > p.gen) this._rebuild(p, data.reset, 'asked by the peer')
      return
    }
    // signals of an older (or, before the peer's reset arrived, newer) connection belong elsewhere
    const gen = data && Number.isInteger(data.gen) ? data.gen : 0
    if (gen !== p.gen) { this._note(p, 'dropped ' + kind + ' of gen ' + gen + ' (now ' + p.gen + ')'); return }
    const pc = p.pc
    const abandoned = p.abandoned.then(() => { throw new Error('connection replaced') })
    abandoned.catch(() => {})
    const settled = (op) => Promise.race([op, abandoned])
    if (kind !== 'candidate') this._note(p, 'got ' + kind + (data && data.sdp ? ' ufrag=' + ufrag(data.sdp) : '') + ' state=' + pc.signalingState + ' makingOffer=' + p.makingOffer)
    try {
      if (kind === 'offer' || kind === 'answer') {
        const collision = kind === 'offer' && (p.makingOffer || pc.signalingState !== 'stable')
        p.ignoreOffer = !p.polite && collision
        if (p.ignoreOffer) { this._note(p, 'ignored offer (glare)'); return }
        await settled(pc.setRemoteDescription({ type: data.type, sdp: data.sdp }))
        if (kind === 'offer') {
          await settled(pc.setLocalDescription())
          this.link.signal(p.id, 'answer', { ...pc.localDescription.toJSON(), gen })
        }
      } else if (kind === 'candidate') {
        const { gen: _, ...init } = data
        try { await settled(pc.addIceCandidate(init)) } catch (e) { if (!p.ignoreOffer) throw e }
      } else if (kind === 'restart') {
        pc.restartIce()
      }
    } catch (e) { this._note(p, 'signal ' + kind + ' failed ' + e); console.warn('signal ' + kind + ' failed', e) }
  }

  _fallback (p, why) {
    if (p.path !== 'relay') {
      p.reason = why
      this._setPath(p, 'relay')
    }
    clearTimeout(p.retry)
    p.retry = setTimeout(() => {
      if (this.peers.get(p.id) !== p || p.path === 'p2p') return
      this._retry(p)
      this._fallback(p, p.reason)
    }, this.retryMs)
  }

  /**
   * One side acts (the impolite one, so the two never restart against each other), and only when
   * ICE has given up, never started, or its last attempt is old: checks still running may yet succeed.
   */
  _retry (p) {
    const pc = p.pc
    const ice = pc ? pc.iceConnectionState : 'closed'
    const since = Date.now() - (p.restartedAt || p.startedAt)
    this._note(p, 'retry tick ice=' + ice + ' since=' + since)
    if (!pc || p.polite || ice === 'closed') return
    if ((ice === 'new' && since >= this.retryMs) || p.restarts >= MAX_RESTARTS_BEFORE_REBUILD) {
      const gen = p.gen + 1
      this._rebuild(p, gen, ice === 'new' ? 'ICE never started' : p.restarts + ' ICE restarts did not help')
      this.link.signal(p.id, 'restart', { reset: gen })
      p.restartedAt = Date.now()
    } else if (ice === 'failed' || ice === 'disconnected' || since > 3 * this.retryMs) {
      p.restartedAt = Date.now()
      p.restarts++
      this._note(p, 'restartIce #' + p.restarts + ' (ice ' + ice + ')')
      pc.restartIce()
    }
  }

  _setPath (p, path) {
    if (p.path !== path) this._note(p, 'path ' + path + (path === 'relay' ? ' (' + p.reason + ')' : ''))
    clearTimeout(p.timer)
    if (path === 'p2p') clearTimeout(p.retry)
    const changed = p.path !== path
    p.path = path
    const queued = p.queue; p.queue = []
    for (const b of queued) this.send(p.id, b)
    if (changed) this._emit('path', { peerId: p.id, path, reason: p.reason })
  }

  _drop (peerId) {
    const p = this.peers.get(peerId)
    if (!p) return
    this.peers.delete(peerId)
    clearTimeout(p.timer); clearTimeout(p.retry)
    if (p.pc) { p.abandon(); p.pc.close() }
    this._emit('gone', { peerId })
  }

  /** A bounded per-peer log of what happened (path, signaling, ICE), for the page and the tests. */
  _note (p, what) {
    p.history.push((Date.now() - p.createdAt) + ' ' + what)
    if (p.history.length > 200) p.history.shift()
  }

  _emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }
}

function ufrag (sdp) { return (/a=ice-ufrag:(\S+)/.exec(sdp) || [])[1] }
