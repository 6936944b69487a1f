// The call page: camera + microphone to every other peer in the room (a mesh), perfect
// negotiation (W3C WebRTC §10.7) with the server-assigned `polite` role, ICE restart when a
// connection fails, fresh TURN credentials applied when the server pushes them, a chat over
// negotiated data channels, and the selected ICE path per peer (host / srflx / relay, UDP /
// TCP / TLS). URL parameters: ?room=<name> (default: a random one, put back in the URL),
// &relay=1 (iceTransportPolicy 'relay': TURN only), &token=<JWT> (when the server has auth).
import { ParleyClient } from './parley-client.js'

const params = new URLSearchParams(location.search)
let room = params.get('room')
if (!room) {
  room = 'room-' + Math.random().toString(36).slice(2, 8)
  params.set('room', room)
  history.replaceState(null, '', '?' + params)
}
const policy = params.get('relay') === '1' ? 'relay' : 'all'
document.getElementById('room').textContent = room

const log = (text) => {
  const line = document.createElement('div')
  line.textContent = `${new Date().toLocaleTimeString()} ${text}`
  document.getElementById('log').prepend(line)
}

/** peerId -> { pc, dc, polite, makingOffer, ignoreOffer, tile, path } */
const peers = new Map()
const state = { peers, messages: [], iceErrors: [], client: null, stream: null }
window.parleyCall = state // for tests and the curious

const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } })
state.stream = stream
document.getElementById('self').srcObject = stream

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/signal`
const client = new ParleyClient(wsUrl, { token: params.get('token') })
state.client = client

function rtcConfig () {
  return { iceServers: client.iceServers, iceTransportPolicy: policy }
}

function tileFor (peerId, userId) {
  const tile = document.createElement('div')
  tile.className = 'tile'
  tile.id = 'tile-' + peerId
  tile.innerHTML = '<video autoplay playsinline></video><div class="label"><span class="who"></span><span class="path">connecting…</span></div>'
  tile.querySelector('.who').textContent = userId || peerId
  document.getElementById('tiles').append(tile)
  return tile
}

function addPeer (peerId, userId, polite) {
  if (peers.has(peerId)) return peers.get(peerId)
  const pc = new RTCPeerConnection(rtcConfig())
  // a negotiated channel exists on both sides without an extra offer/answer round: no glare
  const dc = pc.createDataChannel('chat', { negotiated: true, id: 0 })
  const peer = { pc, dc, polite, makingOffer: false, ignoreOffer: false, tile: tileFor(peerId, userId), path: null }
  peers.set(peerId, peer)
  for (const track of stream.getTracks()) pc.addTrack(track, stream)

  pc.ontrack = ({ streams }) => { peer.tile.querySelector('video').srcObject = streams[0] }
  pc.onicecandidate = ({ candidate }) => {
    if (candidate) client.signal(peerId, 'candidate', candidate.toJSON())
    else client.signal(peerId, 'end-of-candidates')
  }
  pc.onnegotiationneeded = async () => {
    try {
      peer.makingOffer = true
      await pc.setLocalDescription()
      client.signal(peerId, 'offer', pc.localDescription.toJSON())
    } catch (e) {
      log('negotiation failed: ' + e)
    } finally {
      peer.makingOffer = false
    }
  }
  pc.oniceconnectionstatechange = () => {
    if (pc.iceConnectionState === 'failed') {
      log(`ICE failed with ${peerId}: restarting ICE`)
      pc.restartIce()
    }
  }
  pc.onconnectionstatechange = () => log(`${peerId}: ${pc.connectionState}`)
  pc.onicecandidateerror = (e) => {
    state.iceErrors.push({ url: e.url, errorCode: e.errorCode, errorText: e.errorText })
    if (e.errorCode === 401) log(`TURN refused our credentials (${e.url})`)
  }
  dc.onmessage = ({ data }) => {
    state.messages.push({ from: peerId, data })
    log(`${userId || peerId}: ${data}`)
  }
  return peer
}

function removePeer (peerId) {
  const peer = peers.get(peerId)
  if (!peer) return
  peer.pc.close()
  peer.tile.remove()
  peers.delete(peerId)
}

async function onSignal ({ from, kind, data }) {
  const peer = peers.get(from)
  if (!peer) return
  const pc = peer.pc
  try {
    if (kind === 'offer' || kind === 'answer') {
      const offerCollision = kind === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable')
      peer.ignoreOffer = !peer.polite && offerCollision
      if (peer.ignoreOffer) return
      await pc.setRemoteDescription(data)
      if (kind === 'offer') {
        await pc.setLocalDescription()
        client.signal(from, 'answer', pc.localDescription.toJSON())
      }
    } else if (kind === 'candidate') {
      try {
        await pc.addIceCandidate(data)
      } catch (e) {
        if (!peer.ignoreOffer) throw e
      }
    } else if (kind === 'end-of-candidates') {
      await pc.addIceCandidate().catch(() => {})
    } else if (kind === 'restart') {
      pc.restartIce()
    }
  } catch (e) {
    log(`signal ${kind} from ${from} failed: ${e}`)
  }
}

client.addEventListener('state', (e) => { document.getElementById('state').textContent = e.detail })
client.addEventListener('welcome', (e) => { document.getElementById('self-id').textContent = e.detail.peerId })
client.addEventListener('joined', (e) => {
  for (const p of e.detail.peers) addPeer(p.peerId, p.userId, p.polite)
})
client.addEventListener('peer-joined', (e) => addPeer(e.detail.peerId, e.detail.userId, e.detail.polite))
client.addEventListener('peer-left', (e) => { log(`${e.detail.peerId} left (${e.detail.reason})`); removePeer(e.detail.peerId) })
client.addEventListener('signal', (e) => onSignal(e.detail))
client.addEventListener('ice-servers', () => {
  for (const { pc } of peers.values()) pc.setConfiguration(rtcConfig())
})
client.addEventListener('reset', () => { for (const id of [...peers.keys()]) removePeer(id) })
client.addEventListener('error', (e) => log(`server: ${e.detail.code} ${e.detail.msg}`))

document.getElementById('chat').addEventListener('submit', (e) => {
  e.preventDefault()
  const input = document.getElementById('text')
  for (const { dc } of peers.values()) if (dc.readyState === 'open') dc.send(input.value)
  log('you: ' + input.value)
  input.value = ''
})

/** The ICE path of the selected candidate pair, e.g. { type: 'relay', protocol: 'udp', relayProtocol: 'tls' }. */
async function selectedPath (pc) {
  const stats = await pc.getStats()
  let pairId = null
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId })
  const pair = pairId && stats.get(pairId)
  if (!pair) return null
  const local = stats.get(pair.localCandidateId)
  const remote = stats.get(pair.remoteCandidateId)
  return {
    local: local.candidateType, remote: remote.candidateType, protocol: local.protocol,
    relayProtocol: local.relayProtocol || null, address: remote.address || remote.ip
  }
}
state.selectedPath = selectedPath

setInterval(async () => {
  for (const peer of peers.values()) {
    const path = await selectedPath(peer.pc).catch(() => null)
    peer.path = path
    const el = peer.tile.querySelector('.path')
    if (!path) { el.textContent = peer.pc.connectionState; continue }
    const via = path.local === 'relay' || path.remote === 'relay' ? 'relay' : path.local
    el.className = 'path ' + via
    el.textContent = `${via} · ${path.protocol.toUpperCase()}${path.relayProtocol ? ' · TURN/' + path.relayProtocol.toUpperCase() : ''}`
  }
}, 1000)

client.connect()
client.join(room, { name: params.get('name') || 'guest' })
