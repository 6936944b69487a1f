// The call page: a mesh video call in the room named by ?room=, signaled through Parley's native
// protocol (parley-client.js), media and data through WebRTC, relayed by Parley's own TURN server
// when the browsers cannot reach each other directly.
//
// Per pair of peers: one RTCPeerConnection running the W3C "perfect negotiation" pattern with the
// server's `polite` flag (exactly one side of each pair is polite), a data channel "chat" that
// carries chat lines both ways, and an ICE restart when the connection fails (or stays
// disconnected for a few seconds), with freshly minted TURN credentials.
//
// Query options (mostly for tests):
//   ?room=NAME        room to join (default: a random one, put into the URL)
//   ?relay=1          iceTransportPolicy 'relay': only TURN-relayed paths
//   ?turn=0           drop the TURN servers, keep STUN
//   ?transport=udp|tcp|tls   keep only the TURN URLs of that transport
//   ?badcred=1        corrupt the TURN credential (test: the relay must answer 401)
//   ?name=TEXT        display name shown to others
//   ?token=JWT        signaling token for a node started with --auth-secret (`parley token --user ada`)
//
// Everything the page knows is also on window.parleyCall, for tests and the curious.
import { ParleyClient } from './parley-client.js'

const params = new URLSearchParams(location.search)
let room = params.get('room')
if (!room) {
  room = Math.random().toString(36).slice(2, 8)
  params.set('room', room)
  history.replaceState(null, '', '?' + params)
}
const options = {
  relay: params.get('relay') === '1',
  turn: params.get('turn') !== '0',
  transport: params.get('transport'),
  badCredential: params.get('badcred') === '1',
  name: params.get('name') || ''
}

/** Observable state of the page (read by the browser tests). */
const state = {
  room,
  options,
  ready: false,
  signaling: 'idle',
  peerId: null,
  media: null,
  peers: {},
  candidateErrors: [],
  errors: [],
  log: []
}
window.parleyCall = state

const RESTART_AFTER_DISCONNECTED_MS = 3000
const STATS_INTERVAL_MS = 1000
const $ = (id) => document.getElementById(id)
$('room').textContent = room

function log (text) {
  const line = `${new Date().toISOString().slice(11, 23)} ${text}`
  state.log.push(line)
  if (state.log.length > 500) state.log.shift()
  const li = document.createElement('li')
  li.textContent = line
  const list = $('log')
  list.prepend(li)
  while (list.children.length > 200) list.lastChild.remove()
}

/** The RTCConfiguration for new (and restarted) connections, from the latest ICE servers. */
function rtcConfig () {
  const iceServers = []
  for (const server of client.iceServers) {
    const urls = [].concat(server.urls)
    const isTurn = (u) => u.startsWith('turn:') || u.startsWith('turns:')
    let keep = urls.filter((u) => !isTurn(u) || options.turn)
    if (options.transport) keep = keep.filter((u) => !isTurn(u) || transportOf(u) === options.transport)
    if (keep.length === 0) continue
    const s = { ...server, urls: keep }
    if (options.badCredential && s.credential) s.credential = 'wrong-' + s.credential
    iceServers.push(s)
  }
  return { iceServers, iceTransportPolicy: options.relay ? 'relay' : 'all', bundlePolicy: 'max-bundle' }
}

function ufragOf (description) {
  const m = description && /^a=ice-ufrag:(\S+)/m.exec(description.sdp)
  return m ? m[1] : null
}

function transportOf (url) {
  if (url.startsWith('turns:')) return 'tls'
  return /[?&]transport=tcp/.test(url) ? 'tcp' : 'udp'
}

// ---- one peer -------------------------------------------------------------------------------

class Peer {
  /**
   * @param {string} id the other peer's peerId
   * @param {boolean} polite our role toward it, from the server
   * @param {boolean} initiator true when we (the newcomer) make the first offer
   */
  constructor (id, polite, initiator) {
    this.id = id
    this.polite = polite
    this.makingOffer = false
    this.ignoreOffer = false
    this.isSettingRemoteAnswerPending = false
    this.tracksAdded = false
    this.channel = null
    this.restartTimer = null
    this.restarting = false
    this.lastRestart = 0
    this.closed = false
    this.signals = Promise.resolve() // signals from this peer are handled one at a time, in order
    this.view = {
      polite,
      connectionState: 'new',
      iceConnectionState: 'new',
      signalingState: 'stable',
      path: null,
      messages: [],
      framesDecoded: 0,
      restarts: 0,
      localUfrag: null,
      remoteUfrag: null,
      candidateErrors: [],
      left: false
    }
    state.peers[id] = this.view

    const pc = this.pc = new RTCPeerConnection(rtcConfig())
    pc.onnegotiationneeded = () => this.negotiate()
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) client.signal(id, 'candidate', candidate.toJSON())
      else client.signal(id, 'end-of-candidates')
    }
    pc.onicecandidateerror = (e) => {
      const err = { errorCode: e.errorCode, errorText: e.errorText, url: e.url, address: e.address, port: e.port }
      this.view.candidateErrors.push(err)
      state.candidateErrors.push({ peer: id, ...err })
      log(`ICE candidate error from ${e.url}: ${e.errorCode} ${e.errorText}`)
    }
    pc.onconnectionstatechange = () => this.onConnectionState()
    pc.oniceconnectionstatechange = () => {
      this.view.iceConnectionState = pc.iceConnectionState
      if (pc.iceConnectionState === 'failed') this.restart('ICE failed')
    }
    pc.onsignalingstatechange = () => {
      this.view.signalingState = pc.signalingState
      // The ICE username fragments change on an ICE restart (RFC 8839 §5.4): shown for tests.
      this.view.localUfrag = ufragOf(pc.localDescription)
      this.view.remoteUfrag = ufragOf(pc.remoteDescription)
    }
    pc.ontrack = ({ track, streams }) => this.showTrack(track, streams[0])
    pc.ondatachannel = ({ channel }) => this.useChannel(channel)

    if (initiator) {
      this.addLocalTracks()
      this.useChannel(pc.createDataChannel('chat'))
    }
    renderPeers()
  }

  addLocalTracks () {
    if (this.tracksAdded) return
    this.tracksAdded = true
    if (localStream) {
      for (const track of localStream.getTracks()) this.pc.addTrack(track, localStream)
    } else {
      // No camera/microphone: still receive the others.
      this.pc.addTransceiver('audio', { direction: 'recvonly' })
      this.pc.addTransceiver('video', { direction: 'recvonly' })
    }
  }

  async negotiate () {
    try {
      this.makingOffer = true
      await this.pc.setLocalDescription()
      client.signal(this.id, 'offer', this.pc.localDescription)
    } catch (e) {
      this.fail('making an offer', e)
    } finally {
      this.makingOffer = false
    }
  }

  /** Perfect negotiation (W3C webrtc-pc §10.7): the polite side yields on glare, the impolite ignores. */
  async onDescription (description) {
    const pc = this.pc
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.isSettingRemoteAnswerPending)
    const offerCollision = description.type === 'offer' && !readyForOffer
    this.ignoreOffer = !this.polite && offerCollision
    if (this.ignoreOffer) {
      log(`glare with ${this.id}: ignoring its offer (we are impolite)`)
      return
    }
    this.isSettingRemoteAnswerPending = description.type === 'answer'
    await pc.setRemoteDescription(description) // rolls back our own offer if we are polite
    this.isSettingRemoteAnswerPending = false
    if (description.type === 'offer') {
      // Answerer's tracks go into the transceivers the offer created (addTrack reuses them).
      this.addLocalTracks()
      await pc.setLocalDescription()
      client.signal(this.id, 'answer', pc.localDescription)
    }
  }

  async onCandidate (candidate) {
    try {
      await this.pc.addIceCandidate(candidate)
    } catch (e) {
      if (!this.ignoreOffer) this.fail('adding a candidate', e)
    }
  }

  /** Queues a signal behind the ones before it (an answer must be applied before its candidates). */
  enqueue (kind, data) {
    this.signals = this.signals.then(() => this.onSignal(kind, data))
  }

  async onSignal (kind, data) {
    if (this.closed) return
    try {
      switch (kind) {
        case 'offer':
        case 'answer':
          return await this.onDescription(data)
        case 'candidate':
          return await this.onCandidate(data)
        case 'end-of-candidates':
          return await this.onCandidate(undefined)
        case 'restart':
          return this.restart('asked by the other side')
        default:
          log(`unknown signal kind ${kind} from ${this.id}`)
      }
    } catch (e) {
      this.fail(`handling ${kind}`, e)
    }
  }

  onConnectionState () {
    const s = this.pc.connectionState
    this.view.connectionState = s
    log(`${this.id}: ${s}`)
    clearTimeout(this.restartTimer)
    this.restartTimer = null
    if (s === 'failed') {
      this.restart('connection failed')
    } else if (s === 'disconnected') {
      // Often transient (a Wi-Fi hiccup); restart only if it lasts.
      this.restartTimer = setTimeout(() => {
        if (this.pc.connectionState === 'disconnected') this.restart('disconnected for too long')
      }, RESTART_AFTER_DISCONNECTED_MS)
    }
    if (s === 'connected') this.updateStats()
    renderPeers()
  }

  /** ICE restart (RFC 8445 §2.4) with fresh TURN credentials; negotiationneeded sends the new offer. */
  async restart (why) {
    // connectionState and iceConnectionState both report a failure: one restart is enough.
    if (this.closed || this.restarting || Date.now() - this.lastRestart < 2000) return
    this.restarting = true
    this.lastRestart = Date.now()
    this.view.restarts++
    log(`${this.id}: ICE restart (${why})`)
    try {
      await Promise.race([client.refreshIceServers(), new Promise((resolve) => setTimeout(resolve, 2000))])
    } catch (_) { /* not connected: use the servers we have */ }
    try {
      this.pc.setConfiguration(rtcConfig())
      this.pc.restartIce()
    } catch (e) {
      this.fail('restarting ICE', e)
    } finally {
      this.restarting = false
    }
  }

  useChannel (channel) {
    this.channel = channel
    channel.onopen = () => {
      log(`${this.id}: data channel open`)
      channel.send(JSON.stringify({ text: `hello from ${state.peerId}`, name: options.name }))
    }
    channel.onmessage = ({ data }) => {
      let msg
      try { msg = JSON.parse(data) } catch (_) { msg = { text: String(data) } }
      this.view.messages.push(msg.text)
      addChat(`${msg.name || this.id}: ${msg.text}`)
    }
  }

  showTrack (track, stream) {
    let tile = document.getElementById('tile-' + this.id)
    if (!tile) {
      tile = document.createElement('figure')
      tile.className = 'tile'
      tile.id = 'tile-' + this.id
      tile.innerHTML = '<video autoplay playsinline></video><figcaption></figcaption>'
      tile.querySelector('figcaption').textContent = this.id
      $('videos').append(tile)
    }
    const video = tile.querySelector('video')
    if (stream && video.srcObject !== stream) video.srcObject = stream
    else if (!stream) {
      const s = video.srcObject || new MediaStream()
      s.addTrack(track)
      video.srcObject = s
    }
  }

  /** Reads the selected ICE path and decoded frames from getStats (webrtc-stats). */
  async updateStats () {
    if (this.closed) return
    let stats
    try {
      stats = await this.pc.getStats()
    } catch (_) {
      return
    }
    let pair = null
    let frames = 0
    stats.forEach((r) => {
      if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId) || pair
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0
    })
    if (!pair) {
      stats.forEach((r) => {
        if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r
      })
    }
    this.view.framesDecoded = frames
    if (pair) {
      const end = (c) => c && {
        candidateType: c.candidateType,
        protocol: c.protocol,
        relayProtocol: c.relayProtocol,
        address: c.address,
        port: c.port
      }
      this.view.path = { local: end(stats.get(pair.localCandidateId)), remote: end(stats.get(pair.remoteCandidateId)) }
    }
  }

  close (reason) {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.restartTimer)
    this.view.left = true
    this.view.connectionState = 'closed'
    this.pc.close()
    document.getElementById('tile-' + this.id)?.remove()
    log(`${this.id} left (${reason})`)
    renderPeers()
  }

  fail (what, e) {
    state.errors.push(`${this.id}: ${what}: ${e && e.message ? e.message : e}`)
    log(`error with ${this.id} while ${what}: ${e && e.message ? e.message : e}`)
  }
}

// ---- the room -------------------------------------------------------------------------------

const peers = new Map()
let localStream = null
const client = new ParleyClient({ token: params.get('token') || undefined })

function addPeer (id, polite, initiator) {
  const existing = peers.get(id)
  if (existing && !existing.closed) return existing
  const peer = new Peer(id, polite, initiator)
  peers.set(id, peer)
  return peer
}

function closeAll (reason) {
  for (const peer of peers.values()) peer.close(reason)
  peers.clear()
}

client.addEventListener('state', (e) => {
  state.signaling = e.detail.state
  const el = $('signaling')
  el.textContent = e.detail.state
  el.dataset.state = e.detail.state === 'open' ? 'ok' : 'bad'
})
client.addEventListener('session', (e) => {
  const { peerId, resumed } = e.detail
  if (!resumed && state.peerId && state.peerId !== peerId) {
    // Resume failed: the others saw our old peerId leave. Start over; `joined` brings the roster.
    closeAll('new signaling session')
  }
  state.peerId = peerId
  $('me').textContent = peerId
  log(resumed ? `signaling resumed (session ${e.detail.sessionId})` : `signaling session started, peerId ${peerId}`)
})
client.addEventListener('joined', (e) => {
  log(`joined ${e.detail.room} with ${e.detail.peers.length} other peer(s)`)
  // Convention: the newcomer makes the first offer to everyone already there.
  for (const p of e.detail.peers) addPeer(p.peerId, p.polite, true)
})
client.addEventListener('peer-joined', (e) => {
  log(`${e.detail.peerId} joined (we are ${e.detail.polite ? 'polite' : 'impolite'})`)
  addPeer(e.detail.peerId, e.detail.polite, false)
})
client.addEventListener('peer-left', (e) => {
  peers.get(e.detail.peerId)?.close(e.detail.reason)
  peers.delete(e.detail.peerId)
})
client.addEventListener('signal', (e) => {
  const { from, kind, data } = e.detail
  let peer = peers.get(from)
  if (!peer || peer.closed) {
    if (kind !== 'offer') return // stale trickle for a connection that is gone
    peer = addPeer(from, client.polite(from) ?? true, false)
  }
  peer.enqueue(kind, data)
})
client.addEventListener('ice-servers', () => {
  log('fresh TURN credentials')
  for (const peer of peers.values()) {
    if (!peer.closed) peer.pc.setConfiguration(rtcConfig())
  }
})
client.addEventListener('error', (e) => {
  const { code, msg } = e.detail
  state.errors.push(`signaling: ${code}: ${msg}`)
  log(`signaling error ${code}: ${msg}`)
  if (code === 'unauthorized') log('this node needs a token: add &token=... to the URL (`parley token --user NAME`)')
})
client.addEventListener('bye', (e) => log(`server said bye (${e.detail.reason}, ${e.detail.action})`))

// ---- chat -----------------------------------------------------------------------------------

function addChat (text) {
  const li = document.createElement('li')
  li.textContent = text
  $('chat').append(li)
}

$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const text = $('chat-input').value.trim()
  if (!text) return
  $('chat-input').value = ''
  for (const peer of peers.values()) {
    if (peer.channel && peer.channel.readyState === 'open') peer.channel.send(JSON.stringify({ text, name: options.name }))
  }
  addChat(`you: ${text}`)
})

// ---- the peers table ------------------------------------------------------------------------

function describe (end) {
  if (!end) return '?'
  const transport = end.candidateType === 'relay' && end.relayProtocol
    ? `${end.relayProtocol.toUpperCase()} to TURN` : (end.protocol || '?').toUpperCase()
  return `${end.candidateType} ${transport}`
}

function renderPeers () {
  const body = $('peers').tBodies[0]
  body.replaceChildren()
  for (const [id, view] of Object.entries(state.peers)) {
    if (view.left) continue
    const tr = document.createElement('tr')
    const path = view.path ? `${describe(view.path.local)} \u2192 ${describe(view.path.remote)}` : '\u2014'
    for (const text of [id, view.polite ? 'polite' : 'impolite', view.connectionState, path, String(view.framesDecoded)]) {
      const td = document.createElement('td')
      td.textContent = text
      tr.append(td)
    }
    body.append(tr)
  }
}

setInterval(async () => {
  await Promise.all([...peers.values()].map((p) => p.updateStats()))
  renderPeers()
}, STATS_INTERVAL_MS)

// ---- start ----------------------------------------------------------------------------------

async function start () {
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } })
    $('local').srcObject = localStream
    state.media = localStream.getTracks().map((t) => t.kind)
  } catch (e) {
    state.media = []
    state.errors.push(`getUserMedia: ${e.message}`)
    log(`no camera/microphone (${e.name}: ${e.message}); receiving only`)
  }
  // Every handler is set up: only now open the signaling connection, so no message is missed.
  client.connect()
  await client.join(room, options.name ? { name: options.name } : undefined)
  state.ready = true
}

/** Restarts ICE toward one peer (or all) by hand, as a failure would; for tests and the console. */
window.parleyCall.restartIce = (peerId) => {
  for (const peer of peers.values()) {
    if (!peerId || peer.id === peerId) peer.restart('requested')
  }
}

window.addEventListener('pagehide', () => client.close('page closed'))
start().catch((e) => {
  state.errors.push(`start: ${e.message}`)
  log(`could not join: ${e.message}`)
})
