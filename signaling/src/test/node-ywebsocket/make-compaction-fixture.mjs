// Writes the fixture of DocRoomCompactionTest (run: node make-compaction-fixture.mjs > ../resources/ywebsocket/compaction.txt):
// 30 Yjs v1 updates from two clients (inserts, deletions, a map), one per line as "update <hex>",
// then "full <hex>": encodeStateAsUpdate of the document after all of them, and "partial <hex>":
// the same after only the first 10.
import * as Y from 'yjs'

const hex = (u) => Buffer.from(u).toString('hex')
const a = new Y.Doc(); a.clientID = 1
const b = new Y.Doc(); b.clientID = 2
const updates = []
a.on('update', (u, origin) => { if (origin !== 'b') { updates.push(u); Y.applyUpdate(b, u, 'a') } })
b.on('update', (u, origin) => { if (origin !== 'a') { updates.push(u); Y.applyUpdate(a, u, 'b') } })
const partial = new Y.Doc()
for (let i = 0; i < 15; i++) {
  a.getText('t').insert(0, 'a' + i + ' ')
  if (i % 3 === 2) b.getText('t').delete(0, 2)
  else b.getMap('m').set('k' + i, i)
  if (updates.length === 10) updates.forEach((u) => Y.applyUpdate(partial, u))
}
if (updates.length !== 30) throw new Error('expected 30 updates, got ' + updates.length)
for (const u of updates) console.log('update ' + hex(u))
console.log('full ' + hex(Y.encodeStateAsUpdate(a)))
console.log('partial ' + hex(Y.encodeStateAsUpdate(partial)))
console.log('text ' + a.getText('t').toString())
