// Yjs document and awareness sync over a PeerMesh, with y-protocols' messages (the same framing as
// y-websocket: messageSync = 0, messageAwareness = 1, messageQueryAwareness = 3). Each peer pair
// runs sync step 1/2 when it connects and again whenever its path changes, so nothing is lost
// while switching between the data channel and the server relay.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_QUERY_AWARENESS = 3

export class MeshSync {
  constructor (doc, awareness, mesh) {
    this.doc = doc; this.awareness = awareness; this.mesh = mesh
    this.clientsOf = new Map() // peerId -> Set of awareness client ids it announced
    doc.on('update', (update, origin) => {
      if (origin === this) return
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_SYNC)
      syncProtocol.writeUpdate(e, update)
      this._broadcast(encoding.toUint8Array(e))
    })
    awareness.on('update', ({ added, updated, removed }, origin) => {
      if (origin === this) return
      const changed = added.concat(updated, removed)
      this._broadcast(this._awarenessMessage(changed))
    })
    mesh.addEventListener('peer', (ev) => this._hello(ev.detail.peerId))
    mesh.addEventListener('path', (ev) => this._hello(ev.detail.peerId))
    mesh.addEventListener('gone', (ev) => {
      const ids = this.clientsOf.get(ev.detail.peerId)
      this.clientsOf.delete(ev.detail.peerId)
      if (ids && ids.size) awarenessProtocol.removeAwarenessStates(awareness, [...ids], this)
    })
    mesh.addEventListener('message', (ev) => this._receive(ev.detail.peerId, ev.detail.bytes))
  }

  _awarenessMessage (clients) {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(e)
  }

  _hello (peerId) {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(e, this.doc)
    this.mesh.send(peerId, encoding.toUint8Array(e))
    if (this.awareness.getLocalState() !== null) this.mesh.send(peerId, this._awarenessMessage([this.doc.clientID]))
  }

  _broadcast (bytes) {
    for (const id of this.mesh.peers.keys()) this.mesh.send(id, bytes)
  }

  _receive (peerId, bytes) {
    const d = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(d)
    if (type === MESSAGE_SYNC) {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MESSAGE_SYNC)
      syncProtocol.readSyncMessage(d, e, this.doc, this)
      if (encoding.length(e) > 1) this.mesh.send(peerId, encoding.toUint8Array(e))
    } else if (type === MESSAGE_AWARENESS) {
      const update = decoding.readVarUint8Array(d)
      const ids = this.clientsOf.get(peerId) || new Set()
      const dd = decoding.createDecoder(update)
      const n = decoding.readVarUint(dd)
      for (let i = 0; i < n; i++) {
        const id = decoding.readVarUint(dd); decoding.readVarUint(dd)
        const state = decoding.readVarString(dd)
        if (state === 'null') ids.delete(id); else ids.add(id)
      }
      this.clientsOf.set(peerId, ids)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this)
    } else if (type === MESSAGE_QUERY_AWARENESS) {
      this.mesh.send(peerId, this._awarenessMessage([...this.awareness.getStates().keys()]))
    }
  }
}

export { Y }
