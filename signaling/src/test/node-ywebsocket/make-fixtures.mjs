// Writes Yjs v1 updates made by the real yjs package, with the id ranges yjs itself reports,
// as fixtures for UpdateScannerTest (run: node make-fixtures.mjs > ../resources/ywebsocket/updates.txt).
import * as Y from 'yjs'

const out = []
const record = (name, update) => {
  const d = Y.decodeUpdate(update)
  const structs = []
  for (const s of d.structs) {
    if (s.constructor.name === 'Skip') continue
    structs.push([s.id.client, s.id.clock, s.length])
  }
  const deletes = []
  d.ds.clients.forEach((items, client) => items.forEach(it => deletes.push([client, it.clock, it.len])))
  const meta = Y.parseUpdateMeta(update)
  const to = [...meta.to.entries()].map(([c, k]) => c + ':' + k).join(',')
  out.push([name, Buffer.from(update).toString('hex'), to,
    structs.map(s => s.join(':')).join(','), deletes.map(s => s.join(':')).join(',')].join(' | '))
}

const a = new Y.Doc(); a.clientID = 11
const b = new Y.Doc(); b.clientID = 4294967295
let updates = []
a.on('update', u => updates.push(u))
const t = a.getText('text')
t.insert(0, 'hello')
t.insert(5, ' wörld 😀')
t.format(0, 5, { bold: true })
t.insertEmbed(3, { image: 'x.png' })
t.delete(1, 2)
const m = a.getMap('map')
m.set('n', 42); m.set('f', 1.5); m.set('neg', -7); m.set('big', 2 ** 40); m.set('s', 'str')
m.set('obj', { a: [1, null, true, false, { b: 'c' }], u: new Uint8Array([1, 2]) })
m.set('bin', new Uint8Array([9, 8, 7]))
const arr = a.getArray('arr')
arr.insert(0, [1, 2, 3, 'x', { y: 1 }])
arr.insert(0, [new Y.Map()])
arr.delete(2, 2)
const xml = a.getXmlFragment('xml')
const el = new Y.XmlElement('p'); xml.insert(0, [el]); el.setAttribute('k', 'v'); el.insert(0, [new Y.XmlText('hi')])
xml.insert(1, [new Y.XmlHook('hook')])
m.set('sub', new Y.Doc({ guid: 'sub-guid' }))
updates.forEach((u, i) => record('a-step-' + i, u))
record('a-full', Y.encodeStateAsUpdate(a))
Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
b.getText('text').insert(0, 'B')
b.getText('text').delete(0, 4)
record('b-diff', Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
record('b-full', Y.encodeStateAsUpdate(b))
record('merged', Y.mergeUpdates(updates.slice(0, 3).concat(updates.slice(5, 7))))
record('empty', Y.encodeStateAsUpdate(new Y.Doc()))
console.log(out.join('\n'))
