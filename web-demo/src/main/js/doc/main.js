// The shared document page: a CodeMirror 6 editor bound to a Yjs text with live cursors and names
// (y-codemirror.next), synced peer-to-peer over WebRTC data channels set up through Parley
// signaling, each peer falling back to the server relay when its channel does not open in time.
// Without /v1/signal on the server the page syncs through /compat/y-websocket instead.
//
// URL parameters: room (default "demo"), name, token (access token), p2pTimeout (ms, default 5000),
// p2pRetry (ms between ICE restarts while on the relay, default 15000),
// forceRelay=1 (never try peer-to-peer), ice=none (no STUN/TURN: host candidates only, i.e. TURN off),
// transport=ywebsocket (skip signaling, use /compat/y-websocket).
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import { EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine } from '@codemirror/view'
import { defaultKeymap } from '@codemirror/commands'
import { yUndoManagerKeymap } from 'y-codemirror.next'
import { yCollab } from 'y-codemirror.next'
import { SignalLink } from './signal-link.js'
import { PeerMesh } from './peer-mesh.js'
import { MeshSync } from './mesh-sync.js'
import { PresenceList } from './presence.js'

const params = new URLSearchParams(location.search)
const room = params.get('room') || 'demo'
const colors = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324']
const name = params.get('name') || 'guest-' + Math.floor(Math.random() * 1000)
const color = colors[Math.floor(Math.random() * colors.length)]
const token = params.get('token') || undefined

const doc = new Y.Doc()
const text = doc.getText('doc')
const awareness = new Awareness(doc)
awareness.setLocalStateField('user', { name, color, colorLight: color + '33' })

const $ = (id) => document.getElementById(id)
$('room').textContent = room
$('me').textContent = name
$('me').style.color = color

new EditorView({
  doc: text.toString(),
  extensions: [lineNumbers(), drawSelection(), highlightActiveLine(), EditorView.lineWrapping,
    keymap.of([...yUndoManagerKeymap, ...defaultKeymap]), yCollab(text, awareness)],
  parent: $('editor')
})

// --- per-peer paths -------------------------------------------------------------------------
const peerRows = new Map()
const pathLabel = { connecting: 'connecting…', p2p: 'peer-to-peer (data channel)', relay: 'server relay', ywebsocket: 'server relay (y-websocket)' }
function showPeer (peerId, fields) {
  let li = peerRows.get(peerId)
  if (!li) {
    li = document.createElement('li')
    li.dataset.peer = peerId
    li.innerHTML = '<span class="name"></span> <span class="path"></span>'
    $('peers').append(li)
    peerRows.set(peerId, li)
  }
  if (fields.name) li.querySelector('.name').textContent = fields.name
  if (fields.path) {
    li.dataset.path = fields.path
    li.querySelector('.path').textContent = pathLabel[fields.path] + (fields.reason ? ' — ' + fields.reason : '')
  }
}
function dropPeer (peerId) {
  const li = peerRows.get(peerId)
  if (li) li.remove()
  peerRows.delete(peerId)
}

function setStatus (s) { $('status').textContent = s; document.body.dataset.status = s }

function startYWebsocket (why) {
  setStatus('server relay (y-websocket)' + (why ? ': ' + why : ''))
  document.body.dataset.transport = 'ywebsocket'
  const base = new URL('/compat/y-websocket', location.href)
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  const provider = new WebsocketProvider(base.toString(), room, doc, { awareness, params: token ? { access_token: token } : {} })
  provider.on('status', ({ status }) => setStatus('server relay (y-websocket): ' + status))
  const render = () => {
    const seen = new Set()
    awareness.getStates().forEach((state, clientId) => {
      if (clientId === doc.clientID || !state.user) return
      seen.add(String(clientId))
      showPeer(String(clientId), { name: state.user.name, path: 'ywebsocket' })
    })
    for (const id of [...peerRows.keys()]) if (!seen.has(id)) dropPeer(id)
  }
  awareness.on('change', render)
  window.parley.provider = provider
}

function startMesh () {
  document.body.dataset.transport = 'mesh'
  const link = new SignalLink({ url: '/v1/signal', room, meta: { name, color }, token })
  const mesh = new PeerMesh(link, {
    p2pTimeoutMs: Number(params.get('p2pTimeout') || 5000),
    retryMs: Number(params.get('p2pRetry') || 15000),
    forceRelay: params.get('forceRelay') === '1',
    iceServers: params.get('ice') === 'none' ? [] : null
  })
  new MeshSync(doc, awareness, mesh) // eslint-disable-line no-new
  let welcomed = false
  let fellBack = false
  link.addEventListener('welcome', (e) => { welcomed = true; setStatus('signaling connected as ' + e.detail.peerId) })
  link.addEventListener('disconnected', (e) => {
    if (!welcomed && !e.detail.welcomed) {
      if (fellBack) return
      fellBack = true
      // No native signaling on this server: sync through the y-websocket relay instead.
      link.close()
      startYWebsocket('/v1/signal unavailable (' + e.detail.code + ')')
    } else {
      setStatus('signaling reconnecting…')
    }
  })
  link.addEventListener('server-error', (e) => console.warn('signaling error', e.detail))
  mesh.addEventListener('peer', (e) => showPeer(e.detail.peerId, { name: e.detail.meta.name || e.detail.peerId, path: 'connecting' }))
  mesh.addEventListener('path', (e) => showPeer(e.detail.peerId, { path: e.detail.path, reason: e.detail.path === 'relay' ? e.detail.reason : '' }))
  mesh.addEventListener('gone', (e) => dropPeer(e.detail.peerId))
  link.connect()
  window.parley.mesh = mesh
  window.parley.link = link
}

window.parley = { doc, text, awareness, room, name, peerPaths: () => Object.fromEntries([...peerRows].map(([id, li]) => [id, li.dataset.path])) }
new PresenceList($('presence'), room, token).start()
if (params.get('transport') === 'ywebsocket') startYWebsocket('chosen by URL'); else startMesh()
