// One RTCPeerConnection per peer (perfect negotiation with the server's `polite` flag) carrying a
// negotiated data channel "yjs". Per peer the path is:
//   'connecting' until the channel opens or `p2pTimeoutMs` passes,
//   'p2p'        while the data channel is open,
//   'relay'      otherwise: bytes go through the server (SignalLink.relay).
// After falling back, every `retryMs` the impolite side restarts ICE if it failed (or its last try
// is older than 3 retry periods); when the channel opens the peer returns to 'p2p'.
// `forceRelay` never tries peer-to-peer (for demos and tests); `iceServers: []` uses host
// candidates only (no STUN, no TURN).

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

  _add ({ peerId, meta, polite }) {
    if (this.peers.has(peerId)) return
    const p = { id: peerId, meta: meta || {}, polite: !!polite, path: 'connecting', createdAt: Date.now(), queue: [], pc: null, dc: null, makingOffer: false, ignoreOffer: false }
    this.peers.set(peerId, p)
    this._emit('peer', { peerId, meta: p.meta })
    if (this.forceRelay) { this._setPath(p, 'relay'); return }
    this._connect(p)
    p.timer = setTimeout(() => { if (p.path === 'connecting') this._fallback(p, 'no data channel after ' + this.p2pTimeoutMs + ' ms') }, this.p2pTimeoutMs)
  }

  _connect (p) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers || this.link.iceServers })
    p.pc = pc
    p.dc = pc.createDataChannel('yjs', { negotiated: true, id: 0, ordered: true })
    p.dc.binaryType = 'arraybuffer'
    p.dc.onopen = () => { if (this.peers.get(p.id) === p) this._setPath(p, 'p2p') }
    p.dc.onclose = () => { if (this.peers.get(p.id) === p && p.path === 'p2p') this._fallback(p, 'data channel closed') }
    p.dc.onmessage = (ev) => this._emit('message', { peerId: p.id, bytes: new Uint8Array(ev.data), via: 'p2p' })
    pc.onicecandidate = ({ candidate }) => this.link.signal(p.id, candidate ? 'candidate' : 'end-of-candidates', candidate ? candidate.toJSON() : undefined)
    pc.onnegotiationneeded = async () => {
      try {
        p.makingOffer = true
        await pc.setLocalDescription()
        this.link.signal(p.id, 'offer', pc.localDescription.toJSON())
      } catch (e) { console.warn('offer failed', e) } finally { p.makingOffer = false }
    }
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && this.peers.get(p.id) === p) this._fallback(p, 'ICE failed')
    }
  }

  _signal (msg) {
    const p = this.peers.get(msg.from)
    if (!p || !p.pc) return
    // one signal at a time per peer: a candidate must not overtake the offer it belongs to
    p.chain = (p.chain || Promise.resolve()).then(() => this._handleSignal(p, msg))
  }

  async _handleSignal (p, { kind, data }) {
    const pc = p.pc
    try {
      if (kind === 'offer' || kind === 'answer') {
        const collision = kind === 'offer' && (p.makingOffer || pc.signalingState !== 'stable')
        p.ignoreOffer = !p.polite && collision
        if (p.ignoreOffer) return
        await pc.setRemoteDescription(data)
        if (kind === 'offer') {
          await pc.setLocalDescription()
          this.link.signal(p.id, 'answer', pc.localDescription.toJSON())
        }
      } else if (kind === 'candidate') {
        try { await pc.addIceCandidate(data) } catch (e) { if (!p.ignoreOffer) throw e }
      } else if (kind === 'restart') {
        pc.restartIce()
      }
    } catch (e) { console.warn('signal ' + kind + ' failed', e) }
  }

  _fallback (p, why) {
    if (p.path !== 'relay') {
      p.reason = why
      this._setPath(p, 'relay')
    }
    clearTimeout(p.retry)
    p.retry = setTimeout(() => {
      if (this.peers.get(p.id) !== p || p.path === 'p2p') return
      // One side restarts ICE (the impolite one, so the two never restart against each other), and
      // only when ICE has given up or its last attempt is old: checks still running may yet succeed.
      const pc = p.pc
      const ice = pc ? pc.iceConnectionState : 'closed'
      const stale = Date.now() - (p.restartedAt || p.createdAt) > 3 * this.retryMs
      if (pc && !p.polite && ice !== 'closed' && (ice === 'failed' || ice === 'disconnected' || stale)) {
        p.restartedAt = Date.now()
        pc.restartIce()
      }
      this._fallback(p, p.reason)
    }, this.retryMs)
  }

  _setPath (p, path) {
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
    if (p.pc) p.pc.close()
    this._emit('gone', { peerId })
  }

  _emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }
}
