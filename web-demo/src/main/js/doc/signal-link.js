// The document page's view of Parley signaling, on top of web-demo's ParleyClient
// (parley-client.js: reconnect with backoff and jitter, session resume with in-order replay,
// ICE-server refresh). It joins one room and re-emits what PeerMesh needs:
//   welcome, joined {peers}, peer-joined, peer-left, signal {from, kind, data},
//   relay {from, ch, bytes} (binary relays only), disconnected {welcomed, code}
// A resumed session keeps its peers (missed signals and relays are replayed); a fresh session
// re-joins the room and its `joined` resets the mesh.
import { ParleyClient } from '../../resources/parley-demo/parley-client.js'

export class SignalLink extends EventTarget {
  constructor ({ url, room, meta, token }) {
    super()
    this.room = room; this.meta = meta
    this.everWelcomed = false
    this.client = new ParleyClient({ url: url ? wsUrl(url) : undefined, token })
    const c = this.client
    c.addEventListener('welcome', (e) => { this.everWelcomed = true; this._emit('welcome', e.detail) })
    c.addEventListener('joined', (e) => { if (e.detail.room === room) this._emit('joined', e.detail) })
    c.addEventListener('peer-joined', (e) => { if (e.detail.room === room) this._emit('peer-joined', e.detail) })
    c.addEventListener('peer-left', (e) => { if (e.detail.room === room) this._emit('peer-left', e.detail) })
    c.addEventListener('signal', (e) => this._emit('signal', e.detail))
    c.addEventListener('relay', (e) => {
      const m = e.detail
      if (m.room === room && m.binary) this._emit('relay', { from: m.from, ch: m.ch, bytes: m.binary })
    })
    c.addEventListener('error', (e) => this._emit('server-error', e.detail))
    c.addEventListener('state', (e) => {
      const s = e.detail.state
      if (s === 'reconnecting' || s === 'closed') this._emit('disconnected', { welcomed: this.everWelcomed, state: s, code: e.detail.previous })
    })
  }

  get iceServers () { return this.client.iceServers }
  get peerId () { return this.client.peerId }

  connect () {
    this.client.connect()
    this.client.join(this.room, this.meta).catch((e) => this._emit('server-error', { code: e.code, msg: e.message }))
  }

  signal (to, kind, data) { this.client.signal(to, kind, data) }

  /** Server-routed bytes to one peer of the room on channel `ch` (a binary relay frame). */
  relay (to, ch, bytes) { this.client.relay(this.room, ch, bytes, { to }) }

  close () { this.client.close('page closed') }

  _emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }
}

function wsUrl (path) {
  const u = new URL(path, location.href)
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
  return u.toString()
}
