// The room's presence list from the SSE stream (/v1/presence/stream?room=): `snapshot` then
// `join` / `leave` / `status` events, each naming its user in `user`. EventSource reconnects and
// sends Last-Event-ID itself.
const idOf = (e) => e.user ?? e.userId
export class PresenceList {
  constructor (ul, room, token) { this.ul = ul; this.room = room; this.token = token; this.members = new Map() }

  start () {
    const u = new URL('/v1/presence/stream', location.href)
    u.searchParams.set('room', this.room)
    if (this.token) u.searchParams.set('access_token', this.token)
    const es = new EventSource(u)
    const parse = (ev) => { try { return JSON.parse(ev.data) } catch { return {} } }
    es.addEventListener('snapshot', (ev) => {
      const d = parse(ev)
      this.members.clear()
      for (const m of d.members || []) this.members.set(idOf(m), { name: m.meta?.name || idOf(m), status: m.status || 'online' })
      this.render()
    })
    es.addEventListener('join', (ev) => { const d = parse(ev); this.members.set(idOf(d), { name: d.meta?.name || idOf(d), status: 'online' }); this.render() })
    es.addEventListener('leave', (ev) => { this.members.delete(idOf(parse(ev))); this.render() })
    es.addEventListener('status', (ev) => {
      const d = parse(ev); const m = this.members.get(idOf(d))
      if (m) { m.status = d.status; this.render() }
    })
    es.onerror = () => { if (es.readyState === EventSource.CLOSED) this.ul.dataset.state = 'unavailable' }
    this.es = es
  }

  render () {
    this.ul.replaceChildren(...[...this.members].map(([id, m]) => {
      const li = document.createElement('li')
      li.dataset.user = id
      li.textContent = m.name + ' (' + String(m.status).toLowerCase() + ')'
      return li
    }))
  }
}
