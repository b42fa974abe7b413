import { mkdtempSync } from 'node:fs'
import { openSqliteEventStore } from '../../src/store/sqlite-event-store.js'
const ev = () => ({ id: crypto.randomUUID(), type: 'ProgressReported', data: { note: 'x'.repeat(500) }, metadata: { h: 'y'.repeat(200) } })
const names = ['base', 'ckpt10k', 'noCkpt', 'raw']
const stores = names.map((name) => { const s = openSqliteEventStore({ file: mkdtempSync('/tmp/probe-') + '/s.db' }); if (name === 'ckpt10k') s.db.pragma('wal_autocheckpoint = 10000'); if (name === 'noCkpt') s.db.pragma('wal_autocheckpoint = 0'); return s })
const totals = names.map(() => 0)
const exp: any[][] = names.map(() => Array.from({ length: 64 }, () => 'no_stream'))
let rawRev = 0
const ins = stores[3]!.db.prepare('insert into events (event_id, stream_id, revision, type, data, metadata) values (?,?,?,?,?,?)')
const tx = stores[3]!.db.transaction(() => { const e = ev(); ins.run(e.id, 's', rawRev++, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)) })
for (let round = 0; round < 8; round++) for (const [k, name] of names.entries()) {
  const until = performance.now() + 1000
  if (name === 'raw') { while (performance.now() < until) { tx.immediate(); totals[k]!++ } }
  else await Promise.all(Array.from({ length: 64 }, async (_, i) => { while (performance.now() < until) { exp[k]![i] = (await stores[k]!.append('s' + i, [ev()], { expectedRevision: exp[k]![i] })).nextRevision; totals[k]!++ } }))
}
names.forEach((n, k) => console.log(n.padEnd(8), Math.round(totals[k]! / 8), '/s'))
for (const s of stores) await s.close()
